package com.customervalue.segments.score;

import java.util.Locale;

/**
 * How the breaks of one metric's score were found, as {@code rfm_thresholds.break_method} names it
 * (docs/DEFINITIONS.md, "Scores").
 */
public enum BreakMethod {
  /** The i/bins quantiles of the buyers' values, every score 1..bins occupied. */
  QUANTILE,
  /**
   * The quantile breaks less those below an empty score (ties): the scores that occur are
   * renumbered without gaps.
   */
  QUANTILE_TIES_RESOLVED,
  /** Breaks given in the configuration ({@code segments.scoring.breaks.<metric>}). */
  FIXED;

  /** The name published in {@code rfm_thresholds}: quantile, quantile_ties_resolved or fixed. */
  public String publishedName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
