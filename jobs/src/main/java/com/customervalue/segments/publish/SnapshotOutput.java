package com.customervalue.segments.publish;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import com.customervalue.segments.pipeline.TableOutput;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A run's {@link TableOutput} under an output root on a file system (a local disk, HDFS): Parquet
 * snapshots published by a {@link SnapshotPublisher}, every table checked against the catalog as it
 * is staged. Opening it repairs what a crashed earlier run left half replaced.
 */
public final class SnapshotOutput implements TableOutput {
  private final SparkSession spark;
  private final String root;
  private final SnapshotPublisher publisher;
  private final List<SnapshotPublisher.StagedTable> staged = new ArrayList<>();

  /**
   * The schema each staged table was written with: reading it back with it spares Spark the job
   * that infers a Parquet schema from the files' footers (one per read, even of a tiny table).
   */
  private final Map<String, StructType> stagedSchemas = new HashMap<>();

  /**
   * Opens the output root for a run (or, with {@code repair} false, for reading only: {@code
   * segments sql}, which must not move what a running job is moving).
   */
  public SnapshotOutput(SparkSession spark, String root, String runId, boolean repair) {
    this.spark = spark;
    this.root = root;
    this.publisher = new SnapshotPublisher(spark.sparkContext().hadoopConfiguration(), root, runId);
    if (repair) {
      Catalog.SNAPSHOT_DIRECTORIES.forEach(publisher::recover);
    }
  }

  @Override
  public void stage(TableSpec table, LocalDate snapshot, Dataset<Row> rows) {
    table.requireSchema(rows.schema());
    stage(table.name(), snapshot, path -> rows.write().mode(SaveMode.ErrorIfExists).parquet(path));
    stagedSchemas.put(table.name(), rows.schema());
  }

  @Override
  public void stage(String directory, LocalDate snapshot, Consumer<String> writer) {
    SnapshotPublisher.StagedTable table = publisher.staging(directory, snapshot);
    staged.add(table); // before writing, so that a failed write is discarded too
    writer.accept(table.stagingPath().toString());
  }

  @Override
  public Dataset<Row> staged(TableSpec table) {
    return staged.stream()
        .filter(candidate -> candidate.table().equals(table.name()))
        .findFirst()
        .map(
            candidate -> {
              StructType written = stagedSchemas.get(table.name());
              return written == null
                  ? spark.read().parquet(candidate.stagingPath().toString())
                  : spark.read().schema(written).parquet(candidate.stagingPath().toString());
            })
        .orElseThrow(
            () -> new IllegalStateException(table.name() + " is needed before it was staged"));
  }

  @Override
  public List<LocalDate> snapshots(TableSpec table) {
    return publisher.snapshots(table.name());
  }

  @Override
  public List<LocalDate> snapshots(String directory) {
    return publisher.snapshots(directory);
  }

  @Override
  public String publishedPath(String directory, LocalDate snapshot) {
    return publisher.snapshotPath(directory, snapshot).toString();
  }

  @Override
  public Dataset<Row> published(TableSpec table, LocalDate snapshot) {
    return spark.read().parquet(publisher.snapshotPath(table.name(), snapshot).toString());
  }

  @Override
  public Dataset<Row> published(TableSpec table, LocalDate snapshot, String publishedAs) {
    return spark.read().parquet(publishedAs);
  }

  @Override
  public Dataset<Row> history(TableSpec table) {
    return spark
        .read()
        .option("mergeSchema", "true")
        .parquet(new Path(root, table.name()).toString());
  }

  @Override
  public Map<String, String> publish() {
    Map<String, String> paths = new LinkedHashMap<>();
    for (SnapshotPublisher.StagedTable table : staged) {
      paths.put(table.table(), publisher.commit(table).toString());
    }
    staged.clear();
    stagedSchemas.clear();
    return paths;
  }

  @Override
  public void complete(int keep) {
    if (keep > 0) {
      Catalog.SNAPSHOT_DIRECTORIES.forEach(directory -> publisher.prune(directory, keep));
    }
  }

  @Override
  public void discard() {
    staged.forEach(publisher::discard);
    staged.clear();
    stagedSchemas.clear();
  }

  @Override
  public String append(TableSpec table, LocalDate snapshot, Dataset<Row> row) {
    table.requireSchema(row.schema());
    Path written = publisher.append(row, table.name(), snapshot);
    return written.toString();
  }
}
