package com.customervalue.segments.generate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * The hand-written samplers against Commons Math's distribution functions: a Kolmogorov–Smirnov
 * test on 20,000 draws for each shape the CDNOW estimates use, and for shapes far from them.
 */
class RandomVariatesTest {
  private static final int DRAWS = 20_000;

  /** A p-value below this fails: with 9 tests, a correct sampler fails about once in 10^5 runs. */
  private static final double MIN_P_VALUE = 1e-6;

  @Test
  void gammaFollowsTheGammaDistributionForSmallAndLargeShapes() {
    for (double shape : new double[] {0.05, 0.2426, 0.6061, 1.0, 3.74, 6.25, 40.0}) {
      SplittableRandom random = new SplittableRandom(17);
      assertFits(
          "Gamma(" + shape + ")",
          () -> RandomVariates.gamma(random, shape),
          new GammaDistribution(null, shape, 1.0));
    }
  }

  @Test
  void betaFollowsTheBetaDistribution() {
    SplittableRandom random = new SplittableRandom(18);
    assertFits(
        "Beta(0.7929, 2.426)",
        () -> RandomVariates.beta(random, 0.7929, 2.426),
        new BetaDistribution(null, 0.7929, 2.426));
  }

  @Test
  void exponentialHasTheGivenRate() {
    SplittableRandom random = new SplittableRandom(19);
    assertFits(
        "Exponential(rate 0.25)",
        () -> RandomVariates.exponential(random, 0.25),
        new ExponentialDistribution(null, 4.0));
  }

  private static void assertFits(String name, DoubleSupplier sampler, RealDistribution expected) {
    double[] draws = new double[DRAWS];
    for (int i = 0; i < DRAWS; i++) {
      draws[i] = sampler.getAsDouble();
    }
    double pValue = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(expected, draws);
    assertTrue(pValue > MIN_P_VALUE, name + ": Kolmogorov–Smirnov p-value " + pValue);
  }
}
