package com.customervalue.segments.classify;

import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rule-based CRM classifications ({@code segments.classification}): lifecycle, value grade,
 * amount level, recommended action.
 */
public record ClassificationSettings(
    LifecycleThresholds lifecycle,
    ValueGradeShares valueGrades,
    List<BigDecimal> amountLevels,
    List<PlaybookRule> playbook) {

  /** Reads the section; the playbook may name only the tiers of {@code tierLabels}. */
  public static ClassificationSettings from(Config config, List<String> tierLabels) {
    Section lifecycle = Section.of(config, "segments.classification.lifecycle");
    int newDays = lifecycle.integer("new-days");
    int atRiskDays = lifecycle.integer("at-risk-days");
    int churnDays = lifecycle.integer("churn-days");
    if (newDays < 1) {
      throw lifecycle.invalid("new-days", "must be at least 1");
    }
    if (atRiskDays < 1 || atRiskDays >= churnDays) {
      throw lifecycle.invalid(
          "at-risk-days", "must be at least 1 and below churn-days (" + churnDays + ")");
    }
    Section grades = Section.of(config, "segments.classification.value-grades");
    double a = grades.number("a-share");
    double b = grades.number("b-share");
    double c = grades.number("c-share");
    if (!(0 < a && a < b && b < c && c <= 1)) {
      throw grades.invalid(
          "a-share",
          "the grade shares must rise: 0 < a-share < b-share < c-share <= 1, got "
              + a
              + ", "
              + b
              + ", "
              + c);
    }
    Section classification = Section.of(config, "segments.classification");
    List<BigDecimal> levels =
        classification.numbers("amount-levels").stream()
            .map(number -> new BigDecimal(number.toString()))
            .toList();
    for (int i = 0; i < levels.size(); i++) {
      if (levels.get(i).signum() <= 0
          || (i > 0 && levels.get(i).compareTo(levels.get(i - 1)) <= 0)) {
        throw classification.invalid(
            "amount-levels", "must be positive and strictly ascending, got " + levels);
      }
    }
    return new ClassificationSettings(
        new LifecycleThresholds(newDays, atRiskDays, churnDays),
        new ValueGradeShares(a, b, c),
        levels,
        playbook(classification, Set.copyOf(tierLabels)));
  }

  private static List<PlaybookRule> playbook(Section classification, Set<String> labels) {
    List<? extends Config> entries = classification.entries("playbook");
    List<PlaybookRule> rules = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String where = classification.key("playbook") + "[" + i + "]";
      Config entry = entries.get(i);
      Section.rejectUnknown(entry, where, Set.of("tiers", "statuses", "action"));
      Set<String> tiers = Set.copyOf(Section.read(entry, "tiers", entry::getStringList));
      Set<String> statuses = Set.copyOf(Section.read(entry, "statuses", entry::getStringList));
      String action = Section.read(entry, "action", entry::getString).trim();
      if (!labels.containsAll(tiers)) {
        throw new InvalidSettingsException(
            "Invalid setting "
                + where
                + ".tiers: "
                + tiers
                + " names a tier that segments.tiers.labels does not have "
                + labels
                + ".");
      }
      if (!Lifecycle.STATUSES.containsAll(statuses)) {
        throw new InvalidSettingsException(
            "Invalid setting "
                + where
                + ".statuses: "
                + statuses
                + " names an unknown status; known: "
                + Lifecycle.STATUSES
                + ".");
      }
      if (action.isEmpty()) {
        throw new InvalidSettingsException("Invalid setting " + where + ".action: is empty.");
      }
      rules.add(new PlaybookRule(tiers, statuses, action));
    }
    PlaybookRule last = rules.isEmpty() ? null : rules.get(rules.size() - 1);
    if (last == null || !last.tiers().isEmpty() || !last.statuses().isEmpty()) {
      throw classification.invalid(
          "playbook",
          "must end with a rule for everyone (tiers = [], statuses = []), "
              + "so that every customer gets an action");
    }
    return List.copyOf(rules);
  }
}
