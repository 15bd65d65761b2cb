package com.customervalue.segments.generate;

import java.util.SplittableRandom;

/**
 * Gamma, Beta and exponential variates drawn from a {@link SplittableRandom}, so that a customer's
 * draws depend only on its own seeded stream (Commons Math's samplers want their own generator
 * object per stream, which is heavier than one per customer should be).
 */
final class RandomVariates {
  private RandomVariates() {}

  /**
   * Gamma with the given shape and rate 1, by Marsaglia and Tsang (2000), "A simple method for
   * generating gamma variables"; a shape below 1 is boosted to shape + 1 and scaled by U^(1/shape)
   * (their section 6).
   */
  static double gamma(SplittableRandom random, double shape) {
    if (shape < 1) {
      double u = 1 - random.nextDouble(); // (0, 1]
      return gamma(random, shape + 1) * Math.exp(Math.log(u) / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = random.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = 1 - random.nextDouble();
      double xx = x * x;
      if (u < 1 - 0.0331 * xx * xx || Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
  static double beta(SplittableRandom random, double a, double b) {
    double x = gamma(random, a);
    double y = gamma(random, b);
    double sum = x + y;
    // Both underflow only for tiny shapes: then the mass sits at 0 and 1 in proportion a : b.
    return sum > 0 ? x / sum : (random.nextDouble() < a / (a + b) ? 1 : 0);
  }

  /** Exponential with the given rate; infinite for rate 0. */
  static double exponential(SplittableRandom random, double rate) {
    return -Math.log(1 - random.nextDouble()) / rate;
  }
}
