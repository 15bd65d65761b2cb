package com.customervalue.segments.ingest;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;

/** Stages the {@code quarantine} table: every rejected row in scope, with its reason. */
public final class QuarantineStep implements Step {
  @Override
  public String name() {
    return "quarantine";
  }

  @Override
  public String description(RunState state) {
    return "writing "
        + state.get(ValidateStep.INGESTED).counts().rowsQuarantined()
        + " rejected rows";
  }

  @Override
  public void run(RunState state) {
    Ingested ingested = state.get(ValidateStep.INGESTED);
    state.output().stage(Catalog.QUARANTINE, ingested.asOf(), ingested.quarantined());
  }
}
