package com.customervalue.segments;

import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.SegmentationJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Two snapshots of Online Retail in one output root, published once per test JVM and shared by the
 * test classes that only read them: June 2011 without a report ({@code --no-report}), then December
 * 2011 with one, so December's tier migration starts from June. A class that changes the output
 * copies it first ({@link #copyTo}).
 */
public final class OnlineRetailHistory {
  public static final String JUNE = "2011-06-01";
  public static final String DECEMBER = "2011-12-10";

  private static Path root;

  private OnlineRetailHistory() {}

  /** The output root holding both snapshots; the first caller runs the job twice. */
  public static synchronized Path root(SparkSession spark) {
    if (root == null) {
      try {
        Path output = Files.createTempDirectory("online-retail-history");
        run(spark, output, JUNE, false);
        run(spark, output, DECEMBER, true);
        root = output;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  /** Copies the output root with both snapshots to {@code target}, for a test that changes it. */
  public static void copyTo(SparkSession spark, Path target) throws IOException {
    Path source = root(spark);
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : paths.toList()) {
        Path copy = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(path, copy);
        }
      }
    }
  }

  /** The settings of a run of Online Retail into {@code output} as of {@code asOf}. */
  public static JobSettings settings(Path output, String asOf, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put(
        "segments.input.path",
        SparkTestSession.repositoryRoot().resolve("data-samples/online_retail.parquet").toString());
    overrides.put("segments.output.root", output.toString());
    overrides.put("segments.snapshot.as-of", asOf);
    return JobSettings.load(
        ConfigLayers.layered(
            Optional.of(
                SparkTestSession.repositoryRoot().resolve("conf/online-retail.conf").toFile()),
            overrides));
  }

  private static void run(SparkSession spark, Path output, String asOf, boolean report) {
    SegmentationJob.run(
        spark, settings(output, asOf, Map.of("segments.output.report", Boolean.toString(report))));
  }
}
