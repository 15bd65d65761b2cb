package com.customervalue.segments.score;

/**
 * The breaks the R, F and M scores of a snapshot are given by: for each metric, at most {@code bins
 * - 1} ascending values and how they were found (quantiles of the buyers, quantiles with ties
 * resolved, or fixed).
 */
public record ScoreBreaks(
    int bins, MetricBreaks recency, MetricBreaks frequency, MetricBreaks monetary) {}
