package com.customervalue.segments.tier;

import com.customervalue.segments.metrics.CustomerBase;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.Key;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;

/** Fits (or reuses) the k-means tier model on the buyers' log features. */
public final class TierStep implements Step {
  public static final Key<Tiering> TIERING = Key.of("the tier model", Tiering.class);

  private final TierSettings tiers;

  public TierStep(TierSettings tiers) {
    this.tiers = tiers;
  }

  @Override
  public String name() {
    return "tier";
  }

  @Override
  public String description(RunState state) {
    return "k-means value tiers (k = " + tiers.k() + ")";
  }

  @Override
  public void run(RunState state) {
    CustomerBase customers = state.get(MetricsStep.CUSTOMERS);
    state.put(
        TIERING,
        TierTraining.tiers(
            state.cache(ValueTiers.buyerFeatures(customers.metrics())), customers.buyers(), tiers));
  }
}
