package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;

import com.customervalue.segments.publish.SnapshotPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Registers the published tables under an output root as Spark SQL views, for {@code segments sql}:
 * {@code <table>} is the latest snapshot and {@code <table>_history} every snapshot (with its
 * snapshot_date); {@code job_runs} is the whole log of runs either way.
 */
public final class SqlViews {
  private SqlViews() {}

  /** Returns the names of the views registered, sorted. */
  public static List<String> register(SparkSession spark, String root) {
    SnapshotPublisher publisher =
        new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root, "sql");
    List<String> views = new ArrayList<>();
    for (String table : tables(spark, root)) {
      List<LocalDate> snapshots = publisher.snapshots(table);
      if (snapshots.isEmpty()
          || table.equals(SegmentationJob.TIER_MODEL)
          || table.equals(SegmentationJob.REPORT)) {
        continue;
      }
      Dataset<Row> history =
          spark.read().option("mergeSchema", "true").parquet(new Path(root, table).toString());
      Dataset<Row> latest =
          table.equals(SegmentationJob.JOB_RUNS)
              ? history
              : history.filter(
                  col(SnapshotPublisher.SNAPSHOT_PARTITION)
                      .equalTo(Date.valueOf(snapshots.get(snapshots.size() - 1))));
      history.createOrReplaceTempView(table + "_history");
      latest.createOrReplaceTempView(table);
      views.add(table);
      views.add(table + "_history");
    }
    if (views.isEmpty()) {
      throw new IllegalArgumentException(
          "No published tables under "
              + root
              + "; run the job first or point --output (segments.output.root) at its output");
    }
    views.sort(String::compareTo);
    return views;
  }

  private static List<String> tables(SparkSession spark, String root) {
    Path path = new Path(root);
    try {
      FileSystem fileSystem = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fileSystem.exists(path)) {
        throw new IllegalArgumentException("The output root " + root + " does not exist");
      }
      List<String> names = new ArrayList<>();
      for (FileStatus status : fileSystem.listStatus(path)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) {
          names.add(name);
        }
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root, e);
    }
  }
}
