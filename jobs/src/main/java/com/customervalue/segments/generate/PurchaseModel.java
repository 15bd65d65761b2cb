package com.customervalue.segments.generate;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A "buy till you die" model of when a customer buys again after its first purchase: BG/NBD or
 * Pareto/NBD, with rates per week. Draws one customer's repeat purchase times.
 */
public sealed interface PurchaseModel extends Serializable
    permits PurchaseModel.BgNbd, PurchaseModel.ParetoNbd {

  /**
   * Draws one customer's latent rates and returns the times of its repeat purchases, in weeks after
   * its first purchase, ascending, up to {@code horizonWeeks} and at most {@code maxPurchases}.
   */
  double[] drawRepeatPurchaseWeeks(SplittableRandom random, double horizonWeeks, int maxPurchases);

  /**
   * BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): purchase rate λ ~
   * Gamma(r, rate alpha); a Poisson process with rate λ while alive; after each repeat purchase the
   * customer dies with probability p ~ Beta(a, b).
   */
  record BgNbd(double r, double alpha, double a, double b) implements PurchaseModel {
    /** The paper's estimates on the CDNOW cohort (2,357 customers, 39 weeks). */
    public static final BgNbd CDNOW = new BgNbd(0.2426, 4.414, 0.7929, 2.426);

    public BgNbd {
      requirePositive("bgnbd", new String[] {"r", "alpha", "a", "b"}, r, alpha, a, b);
    }

    @Override
    public double[] drawRepeatPurchaseWeeks(
        SplittableRandom random, double horizonWeeks, int maxPurchases) {
      double lambda = RandomVariates.gamma(random, r) / alpha;
      double dropout = RandomVariates.beta(random, a, b);
      double[] times = new double[4];
      int count = 0;
      double t = 0;
      while (count < maxPurchases) {
        t += RandomVariates.exponential(random, lambda);
        if (!(t <= horizonWeeks)) {
          break;
        }
        if (count == times.length) {
          times = Arrays.copyOf(times, 2 * count);
        }
        times[count++] = t;
        if (random.nextDouble() < dropout) {
          break;
        }
      }
      return Arrays.copyOf(times, count);
    }

    @Override
    public String toString() {
      return "BG/NBD(r=" + r + ", alpha=" + alpha + ", a=" + a + ", b=" + b + ")";
    }
  }

  /**
   * Pareto/NBD (Schmittlein, Morrison and Colombo 1987): purchase rate λ ~ Gamma(r, rate alpha), a
   * Poisson process with rate λ during a lifetime ~ Exponential(μ), μ ~ Gamma(s, rate beta).
   */
  record ParetoNbd(double r, double alpha, double s, double beta) implements PurchaseModel {
    /** The estimates on the CDNOW cohort (2,357 customers, 39 weeks) of BTYD and lifetimes. */
    public static final ParetoNbd CDNOW = new ParetoNbd(0.5534, 10.58, 0.6061, 11.66);

    public ParetoNbd {
      requirePositive("pareto-nbd", new String[] {"r", "alpha", "s", "beta"}, r, alpha, s, beta);
    }

    @Override
    public double[] drawRepeatPurchaseWeeks(
        SplittableRandom random, double horizonWeeks, int maxPurchases) {
      double lambda = RandomVariates.gamma(random, r) / alpha;
      double mu = RandomVariates.gamma(random, s) / beta;
      double end = Math.min(horizonWeeks, RandomVariates.exponential(random, mu));
      double[] times = new double[4];
      int count = 0;
      double t = 0;
      while (count < maxPurchases) {
        t += RandomVariates.exponential(random, lambda);
        if (!(t <= end)) {
          break;
        }
        if (count == times.length) {
          times = Arrays.copyOf(times, 2 * count);
        }
        times[count++] = t;
      }
      return Arrays.copyOf(times, count);
    }

    @Override
    public String toString() {
      return "Pareto/NBD(r=" + r + ", alpha=" + alpha + ", s=" + s + ", beta=" + beta + ")";
    }
  }

  /** Refuses a parameter that is not a finite positive number, naming the model's flag. */
  static void requirePositive(String flag, String[] names, double... values) {
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] > 0) || Double.isInfinite(values[i])) {
        throw new IllegalArgumentException(
            "--" + flag + " " + names[i] + " must be a finite number above 0, got " + values[i]);
      }
    }
  }
}
