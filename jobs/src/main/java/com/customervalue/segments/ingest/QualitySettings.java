package com.customervalue.segments.ingest;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.time.LocalDate;

/**
 * How much bad input a run tolerates before it fails, and what counts as implausibly old ({@code
 * segments.quality}).
 */
public record QualitySettings(double maxQuarantinedShare, LocalDate earliestDate) {

  public static QualitySettings from(Config config) {
    Section quality = Section.of(config, "segments.quality");
    double share = quality.number("max-quarantined-share");
    if (!(share >= 0 && share <= 1)) {
      throw quality.invalid(
          "max-quarantined-share", "must be a share between 0 and 1, e.g. 0.05 for 5 %");
    }
    LocalDate earliest = quality.parsed("earliest-date", LocalDate::parse, "a date YYYY-MM-DD");
    return new QualitySettings(share, earliest);
  }
}
