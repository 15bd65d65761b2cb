package com.customervalue.segments.clv;

import java.util.Arrays;

/**
 * Evaluates rows' log-likelihoods at a fixed set of parameter points, remembering each x's
 * log-gamma part ({@link ClvModel#countTerm}): customers share few distinct purchase counts, so the
 * log-gamma functions, the costly part, are computed once per x and point instead of per row. One
 * per task and evaluation; not thread-safe.
 */
final class PointEvaluator {
  private final ClvModel model;
  private final double[][] points;
  private double[][] countTerms = new double[64][];

  PointEvaluator(ClvModel model, double[][] points) {
    this.model = model;
    this.points = points;
  }

  /** Adds weight x log-likelihood of {@code row} (data columns, then the weight) at each point. */
  void add(double[] row, double[] sums) {
    double weight = row[row.length - 1];
    double[] byCount = countTerms(row[0]);
    for (int k = 0; k < points.length; k++) {
      sums[k] += weight * (byCount[k] + model.restTerm(points[k], row));
    }
  }

  private double[] countTerms(double x) {
    int index = (int) x;
    if (index != x || index < 0) {
      return compute(x);
    }
    if (index >= countTerms.length) {
      countTerms = Arrays.copyOf(countTerms, Math.max(index + 1, 2 * countTerms.length));
    }
    if (countTerms[index] == null) {
      countTerms[index] = compute(x);
    }
    return countTerms[index];
  }

  private double[] compute(double x) {
    double[] values = new double[points.length];
    for (int k = 0; k < points.length; k++) {
      values[k] = model.countTerm(points[k], x);
    }
    return values;
  }
}
