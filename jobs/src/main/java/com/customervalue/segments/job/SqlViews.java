package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Registers the catalog's published tables (Parquet under an output root, or Iceberg tables) as
 * Spark SQL views, for {@code segments sql}: {@code <table>} is the table as the latest complete
 * run published it (the succeeded run of the latest snapshot date, found through job_runs, so that
 * all views show the same run) and {@code <table>_history} every snapshot (with its snapshot_date);
 * {@code job_runs} is the whole log of runs either way.
 */
public final class SqlViews {
  private SqlViews() {}

  /** Returns the names of the views registered, sorted. */
  public static List<String> register(SparkSession spark, OutputSettings output) {
    if (output.format() == OutputSettings.Format.PARQUET) {
      requireRoot(spark, output.root());
    }
    TableOutput tables = TableOutputs.open(spark, output, "sql", false);
    Optional<CompleteRun> complete = latestCompleteRun(tables);
    List<String> views = new ArrayList<>();
    for (TableSpec table : Catalog.TABLES) {
      List<LocalDate> snapshots = tables.snapshots(table);
      if (snapshots.isEmpty()) {
        continue;
      }
      Dataset<Row> history = tables.history(table);
      Optional<String> publishedAs =
          complete.map(run -> run.published().get(table.name())).filter(Objects::nonNull);
      Dataset<Row> latest;
      if (table.kind() == TableSpec.Kind.RUN_LOG) {
        latest = history;
      } else if (publishedAs.isPresent()) {
        LocalDate date = complete.get().snapshot();
        latest =
            tables
                .published(table, date, publishedAs.get())
                .withColumn(TableSpec.SNAPSHOT_DATE, lit(Date.valueOf(date)));
      } else { // published before job_runs named what runs published
        latest =
            history.filter(
                col(TableSpec.SNAPSHOT_DATE)
                    .equalTo(Date.valueOf(snapshots.get(snapshots.size() - 1))));
      }
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

  /** A succeeded run: its snapshot date and what it published, table by table. */
  record CompleteRun(LocalDate snapshot, Map<String, String> published) {}

  /**
   * The succeeded run of the latest snapshot date (the last to finish, if several): its job_runs
   * row, written after everything it published, names each table's published state.
   */
  static Optional<CompleteRun> latestCompleteRun(TableOutput tables) {
    if (tables.snapshots(Catalog.JOB_RUNS).isEmpty()) {
      return Optional.empty();
    }
    Dataset<Row> runs = tables.history(Catalog.JOB_RUNS);
    if (!List.of(runs.columns()).contains("published")) {
      return Optional.empty();
    }
    List<Row> latest =
        runs.filter(col("status").equalTo("succeeded").and(col("published").isNotNull()))
            .orderBy(col(TableSpec.SNAPSHOT_DATE).desc(), col("finished_at").desc())
            .select(col(TableSpec.SNAPSHOT_DATE), col("published"))
            .limit(1)
            .collectAsList();
    return latest.stream()
        .findFirst()
        .map(row -> new CompleteRun(row.getDate(0).toLocalDate(), row.getJavaMap(1)));
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
