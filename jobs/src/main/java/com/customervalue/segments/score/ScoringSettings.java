package com.customervalue.segments.score;

import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How R/F/M scores and named RFM segments are computed ({@code segments.scoring}).
 *
 * @param fixedBreaks the metrics whose breaks the configuration fixes; the others use quantiles
 * @param segmentPreset the name of the preset rule table ({@code segments.scoring.segment-preset})
 * @param segmentRules the rules in force, first match wins: the explicit rules of {@code
 *     segments.scoring.segments}, then the preset's
 */
public record ScoringSettings(
    int bins,
    QuantileMode quantiles,
    double relativeError,
    FixedBreaks fixedBreaks,
    String segmentPreset,
    List<SegmentRule> segmentRules) {

  /** The number of bins the preset rule tables are written for. */
  static final int PRESET_BINS = 5;

  /** The metrics of {@code segments.scoring.breaks}, as their keys are spelled there. */
  private static final List<String> BREAK_KEYS = List.of("recency-days", "frequency", "monetary");

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
    List<Optional<List<BigDecimal>>> breaks = new ArrayList<>();
    for (String metric : BREAK_KEYS) {
      breaks.add(fixedBreaks(config, scoring, "breaks." + metric, bins));
    }
    String preset = scoring.string("segment-preset").trim();
    List<String> presets =
        config.getConfig(scoring.key("segment-presets")).root().keySet().stream().sorted().toList();
    if (!presets.contains(preset)) {
      throw scoring.invalid(
          "segment-preset", "must be one of " + presets + ", got '" + preset + "'");
    }
    String presetKey = "segment-presets.\"" + preset + "\"";
    List<SegmentRule> rules = new ArrayList<>(segmentRules(scoring, "segments", bins));
    if (!scoring.entries(presetKey).isEmpty() && bins != PRESET_BINS) {
      throw scoring.invalid(
          "segment-preset",
          "the preset '"
              + preset
              + "' is written for bins = "
              + PRESET_BINS
              + ", and segments.scoring.bins is "
              + bins
              + ": set segment-preset = \"none\" and give the rules in segments.scoring.segments");
    }
    rules.addAll(segmentRules(scoring, presetKey, bins));
    return new ScoringSettings(
        bins,
        quantiles,
        relativeError,
        new FixedBreaks(breaks.get(0), breaks.get(1), breaks.get(2)),
        preset,
        List.copyOf(rules));
  }

  /**
   * {@code "quantile"}: empty; a list: the bins - 1 breaks, strictly ascending, at the scale of the
   * published breaks.
   */
  private static Optional<List<BigDecimal>> fixedBreaks(
      Config config, Section scoring, String name, int bins) {
    ConfigValue value = Section.read(config, scoring.key(name), config::getValue);
    if (value.valueType() == ConfigValueType.STRING) {
      String method = scoring.string(name).trim();
      if (!method.equals("quantile")) {
        throw scoring.invalid(
            name,
            "must be \"quantile\" or a list of "
                + (bins - 1)
                + " ascending breaks, got '"
                + method
                + "'");
      }
      return Optional.empty();
    }
    List<BigDecimal> breaks = new ArrayList<>();
    for (Number number : scoring.numbers(name)) {
      breaks.add(
          new BigDecimal(number.toString()).setScale(RfmScores.BREAK_SCALE, RoundingMode.HALF_UP));
    }
    if (breaks.size() != bins - 1) {
      throw scoring.invalid(
          name,
          "must hold bins - 1 = "
              + (bins - 1)
              + " breaks (segments.scoring.bins is "
              + bins
              + "), got "
              + breaks.size());
    }
    for (int i = 1; i < breaks.size(); i++) {
      if (breaks.get(i).compareTo(breaks.get(i - 1)) <= 0) {
        throw scoring.invalid(name, "must be strictly ascending, got " + scoring.numbers(name));
      }
    }
    return Optional.of(List.copyOf(breaks));
  }

  private static List<SegmentRule> segmentRules(Section scoring, String table, int bins) {
    List<? extends Config> entries = scoring.entries(table);
    List<SegmentRule> rules = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String where = scoring.key(table) + "[" + i + "]";
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
