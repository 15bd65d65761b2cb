package com.customervalue.segments.tier;

import java.util.Map;

/**
 * What the tier step settled: the fitted or reused model, its quality for the run record, and the
 * buyers per k-means cluster.
 */
public record Tiering(TierModel model, TierOutcome outcome, Map<Integer, Long> sizes) {}
