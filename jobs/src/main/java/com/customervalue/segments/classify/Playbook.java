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

  /** The first rule matching {@code cell}, as {@link Classifications#recommendedAction} applies. */
  public static Optional<PlaybookRule> ruleFor(List<PlaybookRule> rules, Cell cell) {
    OptionalInt index = ruleIndexFor(rules, cell);
    return index.isPresent() ? Optional.of(rules.get(index.getAsInt())) : Optional.empty();
  }

  /** The position of the first rule matching {@code cell}. */
  public static OptionalInt ruleIndexFor(List<PlaybookRule> rules, Cell cell) {
    return IntStream.range(0, rules.size())
        .filter(i -> rules.get(i).matches(cell.tier(), cell.status()))
        .findFirst();
  }
}
