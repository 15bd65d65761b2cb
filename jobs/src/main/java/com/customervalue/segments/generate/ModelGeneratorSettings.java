package com.customervalue.segments.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * Settings of a transaction set drawn from a buy-till-you-die model: {@code customers} customers
 * (ids 1..N, every one buys at least once), purchases from {@code purchases}, values from {@code
 * spend}, over the days {@code firstDay} to {@code lastDay} inclusive.
 */
public record ModelGeneratorSettings(
    long customers,
    long seed,
    PurchaseModel purchases,
    GammaGammaSpend spend,
    LocalDate firstDay,
    LocalDate lastDay)
    implements Serializable {

  /**
   * First purchases fall in this leading share of the span, as the default generator's active
   * periods start: every customer is observed for at least the remaining fifth.
   */
  public static final double ACQUISITION_SHARE = 0.8;

  public ModelGeneratorSettings {
    if (customers < 1) {
      throw new IllegalArgumentException("--customers must be at least 1, got " + customers);
    }
    if (lastDay.isBefore(firstDay)) {
      throw new IllegalArgumentException(
          "the last day " + lastDay + " is before the first day " + firstDay);
    }
  }

  /** Days from the first to the last day, both included. */
  public int spanDays() {
    return Math.toIntExact(ChronoUnit.DAYS.between(firstDay, lastDay) + 1);
  }

  /** Number of leading days of the span a first purchase can fall on (at least 1). */
  public int acquisitionDays() {
    return Math.max(1, (int) Math.floor(ACQUISITION_SHARE * spanDays()));
  }
}
