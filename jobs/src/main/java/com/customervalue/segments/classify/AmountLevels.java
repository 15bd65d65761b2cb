package com.customervalue.segments.classify;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The amount-level bands: level n (1..bounds) starts at the n-th ascending lower bound and ends at
 * the next one, the last at the cap (a customer above it stays at the top level and is flagged);
 * below the first bound is level 0. Amounts are the customer's net amount over the trailing {@code
 * windowDays} (0: the whole history), in {@code currency}, a label for people.
 */
public record AmountLevels(
    List<BigDecimal> lowerBounds, Optional<BigDecimal> cap, String currency, int windowDays) {

  public AmountLevels {
    lowerBounds = List.copyOf(lowerBounds);
  }

  /** The highest level. */
  public int top() {
    return lowerBounds.size();
  }

  /** Where level {@code level} (0..top) starts; empty for level 0, which has no lower end. */
  public Optional<BigDecimal> lowerBound(int level) {
    return level == 0 ? Optional.empty() : Optional.of(lowerBounds.get(level - 1));
  }

  /** Where level {@code level} ends: the next bound, for the top level the cap (if any). */
  public Optional<BigDecimal> upperBound(int level) {
    return level < top() ? Optional.of(lowerBounds.get(level)) : cap;
  }
}
