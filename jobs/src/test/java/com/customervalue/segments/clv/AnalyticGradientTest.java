package com.customervalue.segments.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The analytic gradients of the BG/NBD, Pareto/NBD and Gamma-Gamma log-likelihoods (which the fits
 * use instead of central differences) equal the numeric derivatives of the log-likelihood on a grid
 * of parameters and customers, including one-timers, hundreds of purchases and very long ages.
 */
class AnalyticGradientTest {
  private static final double[] SCALES = {0.05, 1, 20};

  @Test
  void bgNbdGradientEqualsTheNumericOne() {
    double[][] rows = {
      {0, 0, 0.5}, {0, 0, 150}, {1, 2, 30}, {5, 10, 10}, {2, 1 / 7.0, 78}, {300, 150, 160}
    };
    double[] base = {0.2426, 4.414, 0.7929, 2.426};
    int checked = 0;
    for (double[] point : grid(base)) {
      for (double[] row : rows) {
        assertGradient(ClvModel.BG_NBD, point, row);
        checked++;
      }
    }
    assertTrue(checked > 400, "points checked: " + checked);
  }

  @Test
  void paretoNbdGradientEqualsTheNumericOne() {
    double[][] rows = {
      {0, 0, 0.5}, {0, 0, 150}, {1, 2, 30}, {5, 10, 10}, {2, 1 / 7.0, 78}, {300, 150, 160}
    };
    double[] base = {0.5534, 10.58, 0.6061, 11.66};
    for (double[] point : grid(base)) {
      for (double[] row : rows) {
        assertGradient(ClvModel.PARETO_NBD, point, row);
      }
    }
    // alpha = beta, where the hypergeometric argument changes sides, and either side of it.
    for (double beta : new double[] {10, 10 * (1 + 1e-9), 10 * (1 - 1e-9), 9.99, 10.01}) {
      assertGradient(
          ClvModel.PARETO_NBD, new double[] {0.55, 10, 0.6, beta}, new double[] {3, 20, 52});
    }
  }

  @Test
  void gammaGammaGradientEqualsTheNumericOne() {
    double[][] rows = {{1, 0.5}, {1, 35}, {7, 12.3}, {250, 80}, {3, 10_000}};
    double[] base = {6.25, 3.74, 15.44};
    for (double[] point : grid(base)) {
      for (double[] row : rows) {
        assertGradient(ClvModel.GAMMA_GAMMA, point, row);
      }
    }
  }

  @Test
  void theEvaluatorSumsWeightedRowsInLogParameters() {
    assertEvaluatorSums(ClvModel.BG_NBD, new double[] {0.2426, 4.414, 0.7929, 2.426});
    // Pareto/NBD's evaluator remembers the tails by (x, t): rows share them here.
    assertEvaluatorSums(ClvModel.PARETO_NBD, new double[] {0.5534, 10.58, 0.6061, 11.66});
    assertEvaluatorSums(ClvModel.PARETO_NBD, new double[] {0.5534, 11.66, 0.6061, 10.58});
  }

  private static void assertEvaluatorSums(ClvModel model, double[] point) {
    double[][] rows = {{0, 0, 20}, {0, 0, 30}, {3, 5, 20}, {3, 5, 30}, {3, 7, 30}, {0, 0, 20}};
    double[] weights = {10, 2, 5, 1, 3, 4};
    GradientEvaluator evaluator = new GradientEvaluator(model, point);
    double[] gradient = new double[4];
    double sum = 0;
    for (int k = 0; k < rows.length; k++) {
      sum += evaluator.add(rows[k], weights[k], gradient);
    }
    double expected = 0;
    for (int k = 0; k < rows.length; k++) {
      expected += weights[k] * model.logLikelihood(point, rows[k]);
    }
    assertEquals(expected, sum, 1e-9 * Math.abs(expected));
    for (int i = 0; i < 4; i++) {
      double h = 1e-6;
      double up = 0;
      double down = 0;
      for (int k = 0; k < rows.length; k++) {
        up += weights[k] * model.logLikelihood(scaled(point, i, Math.exp(h)), rows[k]);
        down += weights[k] * model.logLikelihood(scaled(point, i, Math.exp(-h)), rows[k]);
      }
      double numeric = (up - down) / (2 * h);
      assertEquals(
          numeric, gradient[i], 1e-6 * Math.max(1, Math.abs(numeric)), "log parameter " + i);
    }
  }

  /** The base point and every point with each parameter scaled by 0.05, 1 or 20 (3^p points). */
  private static double[][] grid(double[] base) {
    int n = base.length;
    int count = (int) Math.pow(SCALES.length, n);
    double[][] points = new double[count][n];
    for (int k = 0; k < count; k++) {
      int rest = k;
      for (int i = 0; i < n; i++) {
        points[k][i] = base[i] * SCALES[rest % SCALES.length];
        rest /= SCALES.length;
      }
    }
    return points;
  }

  private static void assertGradient(ClvModel model, double[] point, double[] row) {
    double[] countGradient = new double[point.length];
    double[] restGradient = new double[point.length];
    double value =
        model.countTermWithGradient(point, row[0], countGradient)
            + model.restTermWithGradient(point, row, restGradient);
    double expected = model.logLikelihood(point, row);
    assertEquals(expected, value, 1e-12 * Math.max(1, Math.abs(expected)));
    for (int i = 0; i < point.length; i++) {
      // d/d log theta_i by the five-point stencil: truncation error of order h^4.
      double h = 1e-3;
      double numeric =
          (8 * (logLikelihood(model, point, i, h, row) - logLikelihood(model, point, i, -h, row))
                  - (logLikelihood(model, point, i, 2 * h, row)
                      - logLikelihood(model, point, i, -2 * h, row)))
              / (12 * h);
      double analytic = point[i] * (countGradient[i] + restGradient[i]);
      String name = model.parameterNames().get(i);
      assertEquals(
          numeric,
          analytic,
          1e-7 * Math.max(1, Math.abs(numeric)),
          () ->
              model.settingName()
                  + " d/d log "
                  + name
                  + " at "
                  + java.util.Arrays.toString(point)
                  + " row "
                  + java.util.Arrays.toString(row));
    }
  }

  private static double logLikelihood(
      ClvModel model, double[] point, int i, double logStep, double[] row) {
    return model.logLikelihood(scaled(point, i, Math.exp(logStep)), row);
  }

  private static double[] scaled(double[] point, int i, double factor) {
    double[] copy = point.clone();
    copy[i] *= factor;
    return copy;
  }
}
