package com.customervalue.segments.score;

import java.math.BigDecimal;
import java.util.List;

/** R's type-7 quantiles computed the plain way, to check the distributed ones against. */
public final class Type7 {
  private Type7() {}

  /**
   * Type 7 at p = percent / 100 of each percent, in exact arithmetic over the values, rounded once.
   */
  public static double[] percentiles(List<BigDecimal> values, List<Integer> percents) {
    List<BigDecimal> sorted = values.stream().sorted().toList();
    long n = sorted.size();
    double[] quantiles = new double[percents.size()];
    for (int i = 0; i < quantiles.length; i++) {
      long lower = (n - 1) * percents.get(i) / 100;
      long remainder = (n - 1) * percents.get(i) % 100;
      BigDecimal x = sorted.get((int) lower);
      BigDecimal next = remainder == 0 ? x : sorted.get((int) lower + 1);
      quantiles[i] =
          x.multiply(BigDecimal.valueOf(100))
              .add(next.subtract(x).multiply(BigDecimal.valueOf(remainder)))
              .divide(BigDecimal.valueOf(100))
              .doubleValue();
    }
    return quantiles;
  }
}
