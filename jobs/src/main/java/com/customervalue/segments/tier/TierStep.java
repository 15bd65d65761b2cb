package com.customervalue.segments.tier;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.metrics.CustomerBase;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.Key;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.pipeline.TableOutput;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Settles the k-means tier model of the snapshot: the given one, the latest earlier snapshot's
 * while young enough, or one trained on the buyers' log features.
 */
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
    LocalDate asOf = state.get(ValidateStep.INGESTED).asOf();
    // The features are a projection of the cached metrics and are not cached themselves: the
    // training set caches its own narrow copy, and the other readers (the distinct-profile check,
    // the silhouette's sample, the cluster sizes) scan only the columns they need. Caching them
    // kept a second copy of every buyer's metrics row for the rest of the run, and building it
    // cost 10 s of the tier stage's 30 at 100 M lines.
    state.put(
        TIERING,
        TierTraining.tiers(
            ValueTiers.buyerFeatures(customers.metrics()),
            customers.buyers(),
            tiers,
            asOf,
            latestEarlierModel(state.output(), asOf)));
  }

  private static Optional<SavedTierModel> latestEarlierModel(TableOutput output, LocalDate asOf) {
    return output.snapshots(Catalog.TIER_MODEL).stream()
        .filter(snapshot -> snapshot.isBefore(asOf))
        .reduce((earlier, later) -> later)
        .map(
            snapshot ->
                new SavedTierModel(snapshot, output.publishedPath(Catalog.TIER_MODEL, snapshot)));
  }
}
