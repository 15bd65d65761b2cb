package com.customervalue.segments.generate;

import java.io.Serializable;
import java.time.LocalDate;

/**
 * Size and shape of a synthetic transaction set: {@code customers} is the population customer ids
 * are drawn from, {@code transactions} the exact number of order lines, and the dates span {@code
 * firstDay} to {@code lastDay} inclusive.
 */
public record GeneratorSettings(
    long customers,
    long transactions,
    long seed,
    double linesPerOrder,
    double returnShare,
    LocalDate firstDay,
    LocalDate lastDay)
    implements Serializable {

  public static final double DEFAULT_LINES_PER_ORDER = 3.0;
  public static final double DEFAULT_RETURN_SHARE = 0.03;
  public static final LocalDate DEFAULT_FIRST_DAY = LocalDate.of(2023, 1, 1);
  public static final LocalDate DEFAULT_LAST_DAY = LocalDate.of(2025, 12, 31);

  public GeneratorSettings {
    if (customers < 1) {
      throw new IllegalArgumentException("--customers must be at least 1, got " + customers);
    }
    if (transactions < 1) {
      throw new IllegalArgumentException("--transactions must be at least 1, got " + transactions);
    }
    if (!(linesPerOrder >= 1)) {
      throw new IllegalArgumentException(
          "--lines-per-order must be at least 1, got " + linesPerOrder);
    }
    if (!(returnShare >= 0 && returnShare < 1)) {
      throw new IllegalArgumentException("the return share must be in [0, 1), got " + returnShare);
    }
    if (lastDay.isBefore(firstDay)) {
      throw new IllegalArgumentException(
          "the last day " + lastDay + " is before the first day " + firstDay);
    }
  }
}
