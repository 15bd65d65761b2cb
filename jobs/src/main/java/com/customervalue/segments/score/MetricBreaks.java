package com.customervalue.segments.score;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The breaks one metric's score is given by: ascending values (a value equal to a break gets the
 * lower score), the quantile each came from (empty for fixed breaks) and how they were found.
 *
 * @param method how the breaks were found
 * @param values the breaks, strictly ascending, at most bins - 1 of them
 * @param quantiles for each break, the probability of the quantile it is; empty for fixed breaks
 */
public record MetricBreaks(
    BreakMethod method, List<BigDecimal> values, List<Optional<Double>> quantiles) {

  public MetricBreaks {
    values = List.copyOf(values);
    quantiles = List.copyOf(quantiles);
    if (values.size() != quantiles.size()) {
      throw new IllegalArgumentException("one quantile per break: " + values + ", " + quantiles);
    }
  }

  /** Breaks taken as given, e.g. from {@code segments.scoring.breaks.frequency}. */
  public static MetricBreaks fixed(List<BigDecimal> values) {
    return new MetricBreaks(
        BreakMethod.FIXED, values, values.stream().map(value -> Optional.<Double>empty()).toList());
  }

  /** Quantile breaks at 1/bins .. (bins-1)/bins, none dropped. */
  public static MetricBreaks quantiles(List<BigDecimal> values, int bins) {
    return new MetricBreaks(
        BreakMethod.QUANTILE,
        values,
        IntStream.rangeClosed(1, values.size())
            .mapToObj(i -> Optional.of((double) i / bins))
            .toList());
  }
}
