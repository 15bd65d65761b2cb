package com.customervalue.segments.tier;

import java.util.Map;
import java.util.Optional;

/**
 * What the tier step settled: the fitted or reused model, its quality for the run record, the
 * buyers per k-means cluster, and, when this run trained a new model although an earlier snapshot
 * had one, that earlier model ({@code replacedModel}), so that the change of tiers due to the model
 * alone can be told apart from customers' movement.
 */
public record Tiering(
    TierModel model,
    TierOutcome outcome,
    Map<Integer, Long> sizes,
    Optional<TierModel> replacedModel) {}
