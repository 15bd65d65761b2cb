package com.customervalue.segments.score;

import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** How R/F/M scores and named RFM segments are computed ({@code segments.scoring}). */
public record ScoringSettings(
    int bins, QuantileMode quantiles, double relativeError, List<SegmentRule> segmentRules) {

  public static ScoringSettings from(Config config) {
    Section scoring = Section.of(config, "segments.scoring");
    int bins = scoring.integer("bins");
    if (bins < 2 || bins > 9) {
      throw scoring.invalid(
          "bins", "must be between 2 and 9 (a score is one digit of the RFM cell)");
    }
    String mode = scoring.string("quantiles").trim();
    QuantileMode quantiles =
        switch (mode) {
          case "exact" -> QuantileMode.EXACT;
          case "approximate" -> QuantileMode.APPROXIMATE;
          default ->
              throw scoring.invalid(
                  "quantiles", "must be \"exact\" or \"approximate\", got '" + mode + "'");
        };
    double relativeError = scoring.number("relative-error");
    if (!(relativeError > 0 && relativeError <= 0.1)) {
      throw scoring.invalid("relative-error", "must be above 0 and at most 0.1");
    }
    return new ScoringSettings(bins, quantiles, relativeError, segmentRules(scoring, bins));
  }

  private static List<SegmentRule> segmentRules(Section scoring, int bins) {
    List<? extends Config> entries = scoring.entries("segments");
    List<SegmentRule> rules = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String where = scoring.key("segments") + "[" + i + "]";
      Config entry = entries.get(i);
      Section.rejectUnknown(entry, where, Set.of("name", "r", "f", "m"));
      String name = Section.read(entry, "name", entry::getString).trim();
      if (name.isEmpty()) {
        throw new InvalidSettingsException("Invalid setting " + where + ".name: is empty.");
      }
      rules.add(
          new SegmentRule(
              name,
              scoreRange(entry, where, "r", bins),
              scoreRange(entry, where, "f", bins),
              scoreRange(entry, where, "m", bins)));
    }
    return List.copyOf(rules);
  }

  private static ScoreRange scoreRange(Config entry, String where, String key, int bins) {
    List<Integer> bounds = Section.read(entry, key, entry::getIntList);
    String problem = null;
    if (bounds.size() != 2) {
      problem = "must be [low, high], got " + bounds;
    } else if (bounds.get(0) > bounds.get(1)) {
      problem = "is inverted: low " + bounds.get(0) + " > high " + bounds.get(1);
    } else if (bounds.get(0) < 1 || bounds.get(1) > bins) {
      problem = "must lie within 1.." + bins + " (segments.scoring.bins), got " + bounds;
    }
    if (problem != null) {
      throw new InvalidSettingsException(
          "Invalid setting "
              + where
              + "."
              + key
              + " ("
              + entry.getValue(key).origin().description()
              + "): "
              + problem
              + ".");
    }
    return new ScoreRange(bounds.get(0), bounds.get(1));
  }
}
