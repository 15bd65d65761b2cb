package com.customervalue.segments.classify;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.clv.ClvStep;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.metrics.CustomerBase;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.score.ScoreStep;
import com.customervalue.segments.score.ScoringSettings;
import com.customervalue.segments.tier.TierStep;

/**
 * Stages {@code customer_segments}: scores, segment, tier and classifications of every customer.
 * The tables after it are derived from the staged table, read back, instead of recomputing it.
 */
public final class SegmentsStep implements Step {
  private final ScoringSettings scoring;
  private final ClassificationSettings classification;

  public SegmentsStep(ScoringSettings scoring, ClassificationSettings classification) {
    this.scoring = scoring;
    this.classification = classification;
  }

  @Override
  public String name() {
    return "segments";
  }

  @Override
  public String description(RunState state) {
    return "scores, tiers and classifications of "
        + state.get(MetricsStep.CUSTOMERS).customers()
        + " customers";
  }

  @Override
  public void run(RunState state) {
    CustomerBase customers = state.get(MetricsStep.CUSTOMERS);
    state
        .output()
        .stage(
            Catalog.CUSTOMER_SEGMENTS,
            state.get(ValidateStep.INGESTED).asOf(),
            CustomerSegments.build(
                customers.metrics(),
                state.get(ScoreStep.BREAKS),
                scoring.segmentRules(),
                state.get(TierStep.TIERING).model(),
                state.get(ClvStep.MODELS).customerValue(),
                ValueGradeCuts.find(customers.metrics(), classification.valueGrades()),
                classification));
  }
}
