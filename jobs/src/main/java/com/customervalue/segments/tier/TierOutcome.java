package com.customervalue.segments.tier;

import java.util.Optional;

/**
 * What the tier stage did, for the run record: k, the quality of the clustering, how many buyers it
 * was trained on (0 when a saved model was reused) and where the model came from.
 */
public record TierOutcome(
    int k,
    double silhouette,
    Optional<Double> trainingCost,
    long trainingRows,
    Optional<String> reusedModelPath) {}
