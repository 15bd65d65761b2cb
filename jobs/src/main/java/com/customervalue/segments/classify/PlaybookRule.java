package com.customervalue.segments.classify;

import java.util.Set;

/** A recommended action for customers of the given tiers and lifecycle statuses (empty = any). */
public record PlaybookRule(Set<String> tiers, Set<String> statuses, String action) {

  /** Whether a customer of {@code tier} and {@code status} matches the rule. */
  public boolean matches(String tier, String status) {
    return (tiers.isEmpty() || tiers.contains(tier))
        && (statuses.isEmpty() || statuses.contains(status));
  }

  /** A rule for everyone (no tier and no status named): the playbook's fallback. */
  public boolean matchesEveryone() {
    return tiers.isEmpty() && statuses.isEmpty();
  }
}
