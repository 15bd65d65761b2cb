package com.customervalue.segments.score;

import java.math.BigDecimal;
import java.util.List;

/**
 * The quantile breaks scores were given by: for each of recency, frequency and monetary, the {@code
 * bins - 1} values at the 1/bins .. (bins-1)/bins quantiles of the buyers, ascending.
 */
public record ScoreBreaks(
    int bins, List<BigDecimal> recency, List<BigDecimal> frequency, List<BigDecimal> monetary) {}
