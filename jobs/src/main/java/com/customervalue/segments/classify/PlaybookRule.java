package com.customervalue.segments.classify;

import java.util.Set;

/** A recommended action for customers of the given tiers and lifecycle statuses (empty = any). */
public record PlaybookRule(Set<String> tiers, Set<String> statuses, String action) {}
