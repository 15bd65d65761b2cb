package com.customervalue.segments.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * The cells of the playbook: the (tier, lifecycle status) pairs a customer can have, and the rule
 * that gives each its action, so that a playbook can be checked before any data is read.
 */
public final class Playbook {
  private Playbook() {}

  /** A tier and a lifecycle status. */
  public record Cell(String tier, String status) {}

  /**
   * Every pair that can occur, tiers best first: a buyer of any tier is new, active, at_risk or
   * lapsed (no purchase for more than churn-days); a non-buyer is always in the last tier, lapsed
   * (bought before the window) or a prospect (never bought).
   */
  public static List<Cell> occurringCells(List<String> tierLabels) {
    List<Cell> cells = new ArrayList<>();
    for (String tier : tierLabels) {
      for (String status :
          List.of(Lifecycle.NEW, Lifecycle.ACTIVE, Lifecycle.AT_RISK, Lifecycle.LAPSED)) {
        cells.add(new Cell(tier, status));
      }
    }
    cells.add(new Cell(tierLabels.get(tierLabels.size() - 1), Lifecycle.PROSPECT));
    return List.copyOf(cells);
  }

  /**
   * The first rule without a P(alive) condition matching {@code cell}: the action of every customer
   * of the cell that no earlier rule with a condition takes.
   */
  public static Optional<PlaybookRule> ruleFor(List<PlaybookRule> rules, Cell cell) {
    OptionalInt index = ruleIndexFor(rules, cell);
    return index.isPresent() ? Optional.of(rules.get(index.getAsInt())) : Optional.empty();
  }

  /** The position of the first rule without a P(alive) condition matching {@code cell}. */
  public static OptionalInt ruleIndexFor(List<PlaybookRule> rules, Cell cell) {
    return IntStream.range(0, rules.size())
        .filter(
            i -> !rules.get(i).conditional() && rules.get(i).matches(cell.tier(), cell.status()))
        .findFirst();
  }

  /**
   * The positions of the rules that can give {@code cell} its action, in order, as {@link
   * Classifications#recommendedAction} tries them: those with a P(alive) condition before the first
   * without one, and that one (none when no rule covers the cell).
   */
  public static List<Integer> rulesTried(List<PlaybookRule> rules, Cell cell) {
    List<Integer> tried = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      PlaybookRule rule = rules.get(i);
      if (rule.matches(cell.tier(), cell.status())) {
        tried.add(i);
        if (!rule.conditional()) {
          break;
        }
      }
    }
    return List.copyOf(tried);
  }
}
