package com.customervalue.segments.serve;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.publish.PublishStep;
import com.customervalue.segments.serve.PostgresServingCopy.ServedTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Copies the published snapshot, read back exactly as this run published it (so that both match row
 * for row, whatever another run committed since), and the run's record to PostgreSQL, swapped in
 * with one transaction.
 */
public final class ServeStep implements Step {
  private final ServingSettings serving;
  private final int keepSnapshots;
  private final Supplier<Dataset<Row>> runRecord;

  /** {@code runRecord} gives the run's job_runs row, the same one the output's log receives. */
  public ServeStep(ServingSettings serving, int keepSnapshots, Supplier<Dataset<Row>> runRecord) {
    this.serving = serving;
    this.keepSnapshots = keepSnapshots;
    this.runRecord = runRecord;
  }

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String description(RunState state) {
    return "copying the snapshot to PostgreSQL schema " + serving.schema();
  }

  @Override
  public void run(RunState state) {
    LocalDate asOf = state.get(ValidateStep.INGESTED).asOf();
    Map<String, String> published = state.get(PublishStep.PUBLISHED).paths();
    List<ServedTable> tables = new ArrayList<>();
    for (TableSpec table : Catalog.TABLES) {
      tables.add(
          new ServedTable(
              table,
              table.kind() == TableSpec.Kind.RUN_LOG
                  ? runRecord.get()
                  : state.output().published(table, asOf, published.get(table.name()))));
    }
    new PostgresServingCopy(serving, state.runId()).publish(tables, asOf, keepSnapshots);
  }
}
