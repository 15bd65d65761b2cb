package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import com.customervalue.segments.pipeline.TableOutput;
import com.customervalue.segments.publish.OutputSettings;
import com.customervalue.segments.publish.TableOutputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Registers the catalog's published tables (Parquet under an output root, or Iceberg tables) as
 * Spark SQL views, for {@code segments sql}: {@code <table>} is the latest snapshot and {@code
 * <table>_history} every snapshot (with its snapshot_date); {@code job_runs} is the whole log of
 * runs either way.
 */
public final class SqlViews {
  private SqlViews() {}

  /** Returns the names of the views registered, sorted. */
  public static List<String> register(SparkSession spark, OutputSettings output) {
    if (output.format() == OutputSettings.Format.PARQUET) {
      requireRoot(spark, output.root());
    }
    TableOutput tables = TableOutputs.open(spark, output, "sql", false);
    List<String> views = new ArrayList<>();
    for (TableSpec table : Catalog.TABLES) {
      List<LocalDate> snapshots = tables.snapshots(table);
      if (snapshots.isEmpty()) {
        continue;
      }
      Dataset<Row> history = tables.history(table);
      Dataset<Row> latest =
          table.kind() == TableSpec.Kind.RUN_LOG
              ? history
              : history.filter(
                  col(TableSpec.SNAPSHOT_DATE)
                      .equalTo(Date.valueOf(snapshots.get(snapshots.size() - 1))));
      history.createOrReplaceTempView(table.name() + "_history");
      latest.createOrReplaceTempView(table.name());
      views.add(table.name());
      views.add(table.name() + "_history");
    }
    if (views.isEmpty()) {
      throw new IllegalArgumentException(
          "No published tables under "
              + (output.format() == OutputSettings.Format.PARQUET
                  ? output.root()
                  : "the Iceberg catalog at " + output.iceberg().warehouse())
              + "; run the job first or point --output (segments.output.root) at its output");
    }
    views.sort(String::compareTo);
    return views;
  }

  private static void requireRoot(SparkSession spark, String root) {
    Path path = new Path(root);
    try {
      FileSystem fileSystem = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fileSystem.exists(path)) {
        throw new IllegalArgumentException("The output root " + root + " does not exist");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root, e);
    }
  }
}
