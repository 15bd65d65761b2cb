package com.customervalue.segments.score;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The score breaks the configuration fixes ({@code segments.scoring.breaks}): per metric, the
 * ascending bins - 1 breaks, or empty where the breaks are the buyers' quantiles.
 */
public record FixedBreaks(
    Optional<List<BigDecimal>> recencyDays,
    Optional<List<BigDecimal>> frequency,
    Optional<List<BigDecimal>> monetary) {

  /** Every metric by quantiles, the default. */
  public static final FixedBreaks NONE =
      new FixedBreaks(Optional.empty(), Optional.empty(), Optional.empty());

  public FixedBreaks {
    recencyDays = recencyDays.map(List::copyOf);
    frequency = frequency.map(List::copyOf);
    monetary = monetary.map(List::copyOf);
  }
}
