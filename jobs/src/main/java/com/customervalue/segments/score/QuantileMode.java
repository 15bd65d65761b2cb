package com.customervalue.segments.score;

/**
 * How score breaks are computed: exactly, or approximately within a relative error for very large
 * bases.
 */
public enum QuantileMode {
  EXACT,
  APPROXIMATE
}
