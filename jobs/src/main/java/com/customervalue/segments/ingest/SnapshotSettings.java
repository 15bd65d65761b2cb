package com.customervalue.segments.ingest;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The point in time a run describes ({@code segments.snapshot}): the as-of date (empty: the day
 * after the latest accepted transaction), the measurement window in days (0: the whole history),
 * and whether an order of net amount 0 is a purchase.
 */
public record SnapshotSettings(
    Optional<LocalDate> asOf, int windowDays, boolean zeroAmountPurchases) {

  public static SnapshotSettings from(Config config) {
    Section snapshot = Section.of(config, "segments.snapshot");
    Optional<LocalDate> asOf =
        snapshot
            .optionalString("as-of")
            .map(given -> snapshot.parsed("as-of", LocalDate::parse, "a date YYYY-MM-DD"));
    int windowDays = snapshot.integer("window-days");
    if (windowDays < 0) {
      throw snapshot.invalid(
          "window-days", "must be 0 (whole history) or a positive number of days");
    }
    return new SnapshotSettings(asOf, windowDays, snapshot.isTrue("zero-amount-purchases"));
  }
}
