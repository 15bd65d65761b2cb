package com.customervalue.segments.classify;

import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rule-based CRM classifications ({@code segments.classification}): lifecycle, value grade,
 * amount level, recommended action.
 */
public record ClassificationSettings(
    LifecycleThresholds lifecycle,
    ValueGradeShares valueGrades,
    AmountLevels amountLevels,
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
    return new ClassificationSettings(
        new LifecycleThresholds(newDays, atRiskDays, churnDays),
        new ValueGradeShares(a, b, c),
        amountLevels(classification),
        playbook(classification, tierLabels));
  }

  private static AmountLevels amountLevels(Section classification) {
    List<BigDecimal> levels =
        classification.numbers("amount-levels").stream()
            .map(ClassificationSettings::amount)
            .toList();
    if (levels.isEmpty()) {
      throw classification.invalid("amount-levels", "must name at least one lower bound");
    }
    for (int i = 0; i < levels.size(); i++) {
      if (levels.get(i).signum() <= 0
          || (i > 0 && levels.get(i).compareTo(levels.get(i - 1)) <= 0)) {
        throw classification.invalid(
            "amount-levels", "must be positive and strictly ascending, got " + levels);
      }
    }
    BigDecimal cap = amount(classification.number("amount-levels-cap"));
    BigDecimal top = levels.get(levels.size() - 1);
    if (cap.signum() != 0 && cap.compareTo(top) <= 0) {
      throw classification.invalid(
          "amount-levels-cap",
          "must be 0 (no cap) or above the last bound of amount-levels ("
              + top.toPlainString()
              + "), got "
              + cap.toPlainString());
    }
    String currency = classification.string("amount-levels-currency").trim();
    if (currency.isEmpty()) {
      throw classification.invalid(
          "amount-levels-currency", "must name the currency of the amounts, e.g. \"GBP\"");
    }
    int windowDays = classification.integer("amount-levels-window-days");
    if (windowDays < 0) {
      throw classification.invalid(
          "amount-levels-window-days", "must be 0 (whole history) or a positive number of days");
    }
    return new AmountLevels(
        levels, cap.signum() == 0 ? Optional.empty() : Optional.of(cap), currency, windowDays);
  }

  /** A configured amount with only the decimals it needs: 1e7 and 10000000.0 are 10000000. */
  private static BigDecimal amount(Number number) {
    BigDecimal amount = new BigDecimal(number.toString()).stripTrailingZeros();
    return amount.scale() < 0 ? amount.setScale(0) : amount;
  }

  private static List<PlaybookRule> playbook(Section classification, List<String> tierLabels) {
    Set<String> labels = Set.copyOf(tierLabels);
    List<? extends Config> entries = classification.entries("playbook");
    List<PlaybookRule> rules = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String where = classification.key("playbook") + "[" + i + "]";
      Config entry = entries.get(i);
      Section.rejectUnknown(
          entry, where, Set.of("tiers", "statuses", "min-p-alive", "max-p-alive", "action"));
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
      Optional<Double> minPAlive = probability(entry, where, "min-p-alive");
      Optional<Double> maxPAlive = probability(entry, where, "max-p-alive");
      if (minPAlive.isPresent() && maxPAlive.isPresent() && minPAlive.get() >= maxPAlive.get()) {
        throw new InvalidSettingsException(
            "Invalid setting "
                + where
                + ": min-p-alive ("
                + minPAlive.get()
                + ") must be below max-p-alive ("
                + maxPAlive.get()
                + ").");
      }
      rules.add(new PlaybookRule(tiers, statuses, minPAlive, maxPAlive, action));
    }
    checkCoverage(classification, rules, tierLabels);
    return List.copyOf(rules);
  }

  /** An optional P(alive) bound of a rule, in [0, 1]. */
  private static Optional<Double> probability(Config entry, String where, String key) {
    if (!entry.hasPath(key)) {
      return Optional.empty();
    }
    double bound = Section.read(entry, key, entry::getDouble);
    if (!(bound >= 0 && bound <= 1)) {
      throw new InvalidSettingsException(
          "Invalid setting " + where + "." + key + ": must be in [0, 1], got " + bound + ".");
    }
    return Optional.of(bound);
  }

  /**
   * Every (tier, status) pair that can occur must get an action from a rule without a P(alive)
   * condition (a rule with one takes only some of its customers), and every rule must be tried for
   * some pair before such a rule; only a last rule for everyone, the deliberate fallback, may be
   * left unused.
   */
  private static void checkCoverage(
      Section classification, List<PlaybookRule> rules, List<String> tierLabels) {
    List<Playbook.Cell> cells = Playbook.occurringCells(tierLabels);
    List<String> uncovered =
        cells.stream()
            .filter(cell -> Playbook.ruleFor(rules, cell).isEmpty())
            .map(cell -> cell.tier() + " " + cell.status())
            .toList();
    if (!uncovered.isEmpty()) {
      throw classification.invalid(
          "playbook",
          "gives no action to "
              + String.join(", ", uncovered)
              + ": add rules for them, or end with a rule for everyone (tiers = [], statuses ="
              + " [])");
    }
    Set<Integer> used = new HashSet<>();
    cells.forEach(cell -> used.addAll(Playbook.rulesTried(rules, cell)));
    for (int i = 0; i < rules.size(); i++) {
      PlaybookRule rule = rules.get(i);
      boolean fallback = i == rules.size() - 1 && rule.matchesEveryone();
      if (!used.contains(i) && !fallback) {
        throw new InvalidSettingsException(
            "Invalid setting "
                + classification.key("playbook")
                + "["
                + i
                + "] ("
                + rule.action()
                + "): is never used: every customer it names matches an earlier rule, or"
                + " cannot occur (only the last tier has prospects).");
      }
    }
  }
}
