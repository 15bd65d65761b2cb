package com.customervalue.segments.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The continued fraction that evaluates 2F1(1, b; c; z) near z = 1 equals the power series (the
 * reference, summed to 1e-15 however many terms it takes) on a grid of the parameters the
 * Pareto/NBD likelihood produces, including the edges: b and c - b from 0.05 to hundreds, z either
 * side of the switch and up to 1 - 1e-6; and the derivatives near z = 1 by its differences equal
 * the series' own derivatives.
 */
class HypergeometricTest {
  private static final double[] B = {0.05, 0.55, 1, 1.6, 27, 300};
  private static final double[] C_MINUS_B = {0.05, 0.6, 1, 1.6, 12, 250};

  @Test
  void theContinuedFractionEqualsTheSeries() {
    double[] arguments = {0, 1e-9, 0.1, 0.4999, 0.5, 0.5001, 0.9, 0.99, 0.999, 0.9999, 1 - 1e-5};
    int compared = 0;
    for (double b : B) {
      for (double gap : C_MINUS_B) {
        double c = b + gap;
        if (c <= 1) {
          continue; // the callers' c is r + s + x + 1
        }
        for (double z : arguments) {
          double series = Hypergeometric.seriesWithFirstParameterOne(b, c, z);
          assertEquals(
              series,
              Hypergeometric.continuedFractionWithFirstParameterOne(b, c, z),
              1e-10 * series,
              "b = " + b + ", c = " + c + ", z = " + z);
          assertEquals(series, Hypergeometric.firstParameterOne(b, c, z), 1e-10 * series);
          compared++;
        }
      }
    }
    assertTrue(compared > 300, "compared " + compared);
    // The far edge, where the series needs tens of millions of terms.
    for (double[] bc : new double[][] {{0.55, 1.6}, {27, 28.6}, {1.6, 300}}) {
      double z = 1 - 1e-6;
      double series = Hypergeometric.seriesWithFirstParameterOne(bc[0], bc[1], z);
      assertEquals(series, Hypergeometric.firstParameterOne(bc[0], bc[1], z), 1e-10 * series);
    }
  }

  @Test
  void theDerivativesNearOneEqualTheSeriesDerivatives() {
    for (double b : B) {
      for (double gap : C_MINUS_B) {
        double c = b + gap;
        if (c <= 1) {
          continue;
        }
        for (double z : new double[] {0.9, 0.90001, 0.95, 0.999, 0.9999, 0.99999}) {
          double[] series = Hypergeometric.seriesWithFirstParameterOneAndDerivatives(b, c, z);
          double[] fast = Hypergeometric.firstParameterOneAndDerivatives(b, c, z);
          // Closer to 1 the continued fraction's rounding limits its differences: there the
          // optimizer only passes through, on its way to parameters of ordinary arguments.
          double tolerance = z < 0.99995 ? 1e-7 : 1e-4;
          for (int i = 0; i < 4; i++) {
            assertEquals(
                series[i],
                fast[i],
                tolerance * Math.max(Math.abs(series[i]), series[0]),
                "element " + i + " at b = " + b + ", c = " + c + ", z = " + z);
          }
        }
      }
    }
  }
}
