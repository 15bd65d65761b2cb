package com.customervalue.segments.classify;

import java.util.Optional;
import java.util.Set;

/**
 * A recommended action for customers of the given tiers and lifecycle statuses (empty = any) whose
 * P(alive) is at least {@code minPAlive} and below {@code maxPAlive}, when those are given.
 */
public record PlaybookRule(
    Set<String> tiers,
    Set<String> statuses,
    Optional<Double> minPAlive,
    Optional<Double> maxPAlive,
    String action) {

  /** A rule on tiers and statuses only. */
  public PlaybookRule(Set<String> tiers, Set<String> statuses, String action) {
    this(tiers, statuses, Optional.empty(), Optional.empty(), action);
  }

  /** Whether a customer of {@code tier} and {@code status} matches the rule. */
  public boolean matches(String tier, String status) {
    return (tiers.isEmpty() || tiers.contains(tier))
        && (statuses.isEmpty() || statuses.contains(status));
  }

  /**
   * Whether the rule has a P(alive) condition: it then takes only some customers of its cells (and
   * none without a P(alive), the prospects), so a later rule must give the others their action.
   */
  public boolean conditional() {
    return minPAlive.isPresent() || maxPAlive.isPresent();
  }

  /** A rule for everyone (no tier, status or P(alive) condition): the playbook's fallback. */
  public boolean matchesEveryone() {
    return tiers.isEmpty() && statuses.isEmpty() && !conditional();
  }
}
