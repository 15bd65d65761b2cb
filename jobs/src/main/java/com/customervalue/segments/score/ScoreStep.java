package com.customervalue.segments.score;

import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.Key;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;

/**
 * Finds the R/F/M score breaks every score is given by: quantiles of the buyers with ties resolved,
 * or the fixed breaks of the configuration.
 */
public final class ScoreStep implements Step {
  public static final Key<ScoreBreaks> BREAKS = Key.of("the score breaks", ScoreBreaks.class);

  private final ScoringSettings scoring;

  public ScoreStep(ScoringSettings scoring) {
    this.scoring = scoring;
  }

  @Override
  public String name() {
    return "score";
  }

  @Override
  public String description(RunState state) {
    return "R/F/M score breaks over " + state.get(MetricsStep.CUSTOMERS).buyers() + " buyers";
  }

  @Override
  public void run(RunState state) {
    state.put(
        BREAKS,
        RfmScores.breaks(
            state.get(MetricsStep.CUSTOMERS).metrics(),
            scoring.bins(),
            scoring.fixedBreaks(),
            scoring.quantiles(),
            scoring.relativeError()));
  }
}
