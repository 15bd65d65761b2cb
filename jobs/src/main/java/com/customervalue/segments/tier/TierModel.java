package com.customervalue.segments.tier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;

/**
 * A fitted tier pipeline with its clusters ranked and named; {@code trainingCost} is the
 * within-cluster sum of squares on the rows it was trained on (NaN for a model loaded from disk),
 * and {@code trainedAsOf} the snapshot it was trained for, when known.
 */
public record TierModel(
    PipelineModel pipeline,
    List<TierCentroid> centroids,
    double trainingCost,
    long trainingRows,
    Optional<LocalDate> trainedAsOf) {

  /**
   * The file beside the pipeline that names the snapshot the model was trained for: a model reused
   * by later snapshots is saved again with each, and its age counts from its training.
   */
  static final String TRAINED_AS_OF_FILE = "trained_as_of";

  private static final Pattern SNAPSHOT_DIRECTORY =
      Pattern.compile("snapshot_date=(\\d{4}-\\d{2}-\\d{2})");

  /** Saves the fitted pipeline to {@code path}, where {@code --tier-model} can load it from. */
  public void save(String path) {
    try {
      pipeline.write().save(path);
      if (trainedAsOf.isPresent()) {
        Path marker = new Path(path, TRAINED_AS_OF_FILE);
        FileSystem fs = marker.getFileSystem(hadoopConfiguration());
        try (FSDataOutputStream out = fs.create(marker, false)) {
          out.write(trainedAsOf.get().toString().getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save the tier model to " + path, e);
    }
  }

  /**
   * The snapshot the model saved at {@code path} was trained for: what its {@value
   * #TRAINED_AS_OF_FILE} file says, else the snapshot directory it is in, else unknown.
   */
  static Optional<LocalDate> trainedAsOf(String path) {
    try {
      Path marker = new Path(path, TRAINED_AS_OF_FILE);
      FileSystem fs = marker.getFileSystem(hadoopConfiguration());
      if (fs.exists(marker)) {
        try (var in = fs.open(marker)) {
          return Optional.of(
              LocalDate.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()));
        }
      }
    } catch (IOException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "its " + TRAINED_AS_OF_FILE + " file cannot be read: " + e.getMessage(), e);
    }
    Matcher directory = SNAPSHOT_DIRECTORY.matcher(path);
    return directory.find() ? Optional.of(LocalDate.parse(directory.group(1))) : Optional.empty();
  }

  private static Configuration hadoopConfiguration() {
    return SparkSession.active().sparkContext().hadoopConfiguration();
  }

  /** The centroid of a cluster index as k-means numbers them. */
  public TierCentroid ofCluster(int cluster) {
    return centroids.stream().filter(c -> c.cluster() == cluster).findFirst().orElseThrow();
  }
}
