package com.customervalue.segments.config;

import java.util.List;
import java.util.Optional;

/**
 * How value tiers are found: k-means with {@code k} clusters, named best first by {@code labels}
 * (and {@code displayNames} for reports), trained on at most {@code trainingCap} buyers, or taken
 * from a saved model.
 */
public record TierSettings(
    int k,
    List<String> labels,
    List<String> displayNames,
    long seed,
    int maxIterations,
    long trainingCap,
    Optional<String> modelPath) {}
