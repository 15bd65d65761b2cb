package com.customervalue.segments.pipeline;

import com.customervalue.segments.catalog.TableSpec;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where a run's tables go: steps stage each table of the snapshot aside, read staged tables back
 * for the tables derived from them, and the publish step makes them all visible at once. Readers
 * never see a snapshot half written.
 */
public interface TableOutput {
  /**
   * Writes {@code rows} aside as {@code table}'s snapshot, after checking them against the catalog.
   */
  void stage(TableSpec table, LocalDate snapshot, Dataset<Row> rows);

  /**
   * Lets {@code writer} fill a new directory of the snapshot (the tier model, the report) aside.
   */
  void stage(String directory, LocalDate snapshot, Consumer<String> writer);

  /** The snapshot of {@code table} this run staged, read back. */
  Dataset<Row> staged(TableSpec table);

  /** The dates of {@code table}'s published snapshots, oldest first. */
  List<LocalDate> snapshots(TableSpec table);

  /** The dates of a directory's published snapshots (the tier model, the report), oldest first. */
  List<LocalDate> snapshots(String directory);

  /** Where a directory's published snapshot is, e.g. to load the tier model saved there. */
  String publishedPath(String directory, LocalDate snapshot);

  /** A published snapshot of {@code table}. */
  Dataset<Row> published(TableSpec table, LocalDate snapshot);

  /**
   * {@code table}'s snapshot exactly as one run published it, named by what {@link #publish}
   * returned for it (a snapshot directory, an Iceberg snapshot id): unaffected by later runs.
   */
  Dataset<Row> published(TableSpec table, LocalDate snapshot, String publishedAs);

  /** Every published snapshot of {@code table}, with its {@code snapshot_date} as last column. */
  Dataset<Row> history(TableSpec table);

  /**
   * Moves everything staged into place, in the order it was staged; returns where each table went.
   */
  Map<String, String> publish();

  /**
   * Finishes a run after its job_runs row is written, so that a run killed here is still complete:
   * marks what it published as a complete run's (Iceberg: the {@code snapshot-YYYY-MM-DD} tags)
   * and, when {@code keep} is positive, deletes snapshots older than the {@code keep} newest.
   */
  void complete(int keep);

  /** Removes whatever was staged and not published (the run failed). */
  void discard();

  /** Adds one row to the run log {@code table} under {@code snapshot}; returns where it went. */
  String append(TableSpec table, LocalDate snapshot, Dataset<Row> row);
}
