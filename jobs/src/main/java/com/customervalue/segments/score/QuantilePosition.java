package com.customervalue.segments.score;

import java.math.BigDecimal;

/**
 * Where R's type-7 quantile at numerator/denominator of n sorted values lies: h = (n - 1) ×
 * numerator / denominator, between the 0-based order statistics {@code lower} = floor(h) and {@code
 * upper} (lower + 1 unless h is whole), {@code remainder} / denominator of the way; all in
 * integers, so the interpolation is exact.
 */
public record QuantilePosition(long lower, long upper, long remainder, int denominator) {
  public static QuantilePosition of(long n, int numerator, int denominator) {
    long scaled = (n - 1) * numerator;
    long lower = scaled / denominator;
    long remainder = scaled % denominator;
    return new QuantilePosition(lower, remainder == 0 ? lower : lower + 1, remainder, denominator);
  }

  /**
   * The quantile times the denominator, x[lower] × d + (x[upper] − x[lower]) × remainder, exactly:
   * the caller divides once, rounding as its table needs.
   */
  public BigDecimal scaled(BigDecimal lowerValue, BigDecimal upperValue) {
    return lowerValue
        .multiply(BigDecimal.valueOf(denominator))
        .add(upperValue.subtract(lowerValue).multiply(BigDecimal.valueOf(remainder)));
  }

  /** The quantile rounded once to double, from its order statistics. */
  public double value(BigDecimal lowerValue, BigDecimal upperValue) {
    return ExactQuantiles.exactly(scaled(lowerValue, upperValue), denominator).doubleValue();
  }
}
