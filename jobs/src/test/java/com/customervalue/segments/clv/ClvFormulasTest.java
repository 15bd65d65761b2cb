package com.customervalue.segments.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The models' formulas against published values and closed forms, and their numerics at the edges:
 * customers with hundreds of purchases, very long ages, t_x = T and t_x = 0.
 */
class ClvFormulasTest {
  /** The BG/NBD paper's estimates (Fader, Hardie and Lee 2005, CDNOW, weeks). */
  private static final double[] BG_NBD_PAPER = {0.243, 4.414, 0.793, 2.426};

  /** The BTYD walkthrough's Pareto/NBD estimates on CDNOW (vignette code, BTYD 2.4). */
  private static final double[] PARETO_NBD_BTYD = {0.5533971, 10.5801985, 0.6060625, 11.6562237};

  /** Published Gamma-Gamma estimates on CDNOW (lifetimes' tests; Fader and Hardie 2013). */
  private static final double[] GAMMA_GAMMA_PUBLISHED = {6.25, 3.74, 15.44};

  @Test
  void bgNbdConditionalExpectationEqualsHardiesSpreadsheet() {
    // Hardie's BG/NBD spreadsheet, as lifetimes' test_conditional_expectation_returns_same_value_
    // as_Hardie_excel_sheet asserts it: x = 2, t_x = 30.43, T = 38.86, t = 39 -> 1.226.
    assertEquals(
        1.226, BgNbd.conditionalExpectedPurchases(BG_NBD_PAPER, 39, 2, 30.43, 38.86), 0.001);
  }

  @Test
  void paretoNbdExpectationOfANewCustomerEqualsTheBtydWalkthrough() {
    // BTYD walkthrough: pnbd.Expectation(params, t = 52) # 1.473
    assertEquals(1.473, ParetoNbd.expectedPurchases(PARETO_NBD_BTYD, 52), 0.0005);
  }

  @Test
  void paretoNbdPredictionsForCustomer1516EqualTheBtydWalkthrough() {
    // BTYD walkthrough, CDNOW customer 1516 (sample id): x = 26, t_x = 30.86, T = 31 weeks;
    // pnbd.ConditionalExpectedTransactions(params, T.star = 52, ...) # 25.46, pnbd.PAlive # 0.9979.
    // (25.454 here: within 0.01 of the two printed decimals.)
    double tx = 216 / 7.0;
    assertEquals(
        25.46, ParetoNbd.conditionalExpectedPurchases(PARETO_NBD_BTYD, 52, 26, tx, 31), 0.01);
    assertEquals(0.9979, ParetoNbd.pAlive(PARETO_NBD_BTYD, 26, tx, 31), 0.00005);
  }

  @Test
  void anExpectationOverNoTimeIsZeroAndItGrowsWithTheHorizon() {
    assertEquals(0, BgNbd.conditionalExpectedPurchases(BG_NBD_PAPER, 0, 3, 20, 39), 1e-12);
    assertEquals(0, ParetoNbd.conditionalExpectedPurchases(PARETO_NBD_BTYD, 0, 3, 20, 39), 1e-12);
    double previous = 0;
    for (double t : new double[] {1, 10, 52, 520}) {
      double expected = BgNbd.conditionalExpectedPurchases(BG_NBD_PAPER, t, 3, 20, 39);
      assertTrue(expected > previous, "t = " + t);
      previous = expected;
    }
  }

  @Test
  void bgNbdConditionalExpectationOfANewCustomerIsTheUnconditionalOne() {
    // x = 0 and T = 0: nothing observed yet, so E[Y(t) | 0, 0, 0] = E[X(t)] (FHL 2005 eqs. 9, 10).
    assertEquals(
        BgNbd.expectedPurchases(BG_NBD_PAPER, 52),
        BgNbd.conditionalExpectedPurchases(BG_NBD_PAPER, 52, 0, 0, 0),
        1e-12);
  }

  @Test
  void pAliveFollowsThePapers() {
    // BG/NBD: no repeat purchase means alive (the model's dropout follows a purchase).
    assertEquals(1, BgNbd.pAlive(BG_NBD_PAPER, 0, 0, 39));
    // Closed form at x = 1, t_x = 10, T = 39.
    double odds = 0.793 / 2.426 * Math.pow((4.414 + 39) / (4.414 + 10), 1.243);
    assertEquals(1 / (1 + odds), BgNbd.pAlive(BG_NBD_PAPER, 1, 10, 39), 1e-12);
    // Pareto/NBD with t_x = T: the likelihood has only its alive-at-T term.
    assertEquals(1, ParetoNbd.pAlive(PARETO_NBD_BTYD, 5, 30, 30), 1e-12);
    double lapsed = ParetoNbd.pAlive(PARETO_NBD_BTYD, 5, 2, 39);
    assertTrue(lapsed > 0 && lapsed < 0.1, "frequent early, silent since: " + lapsed);
  }

  @Test
  void hypergeometricSeriesMatchesClosedForms() {
    for (double z : new double[] {0, 0.1, 0.5, 0.9, 0.999}) {
      // 2F1(1, 1; 2; z) = -log(1 - z) / z.
      double expected = z == 0 ? 1 : -Math.log1p(-z) / z;
      assertEquals(expected, Hypergeometric.series(1, 1, 2, z), 1e-12 * expected);
      assertEquals(Math.log(expected), Hypergeometric.logOfShiftedC(1, 1, z), 1e-12);
    }
    // 2F1(a, b; a + 1; z) against the plain series where that one is safe.
    double a = 3.7;
    double b = 2.2;
    for (double z : new double[] {0.05, 0.3, 0.6}) {
      assertEquals(
          Math.log(Hypergeometric.series(a, b, a + 1, z)),
          Hypergeometric.logOfShiftedC(a, b, z),
          1e-12);
    }
  }

  @Test
  void extremeCustomersHaveFiniteLikelihoodsAndPredictions() {
    double[] ages = {2000, 14_000};
    for (double age : ages) {
      for (double tx : new double[] {0, age / 2, age}) {
        for (double x : new double[] {0, 1, 500}) {
          String where = "x=" + x + " t_x=" + tx + " T=" + age;
          assertFinite(BgNbd.logLikelihood(BG_NBD_PAPER, x, tx, age), where);
          assertProbability(BgNbd.pAlive(BG_NBD_PAPER, x, tx, age), where);
          assertNonNegativeFinite(
              BgNbd.conditionalExpectedPurchases(BG_NBD_PAPER, 52, x, tx, age), where);
          for (double[] p : new double[][] {PARETO_NBD_BTYD, {0.55, 11.6, 0.6, 10.5}}) {
            assertFinite(ParetoNbd.logLikelihood(p, x, tx, age), where);
            assertProbability(ParetoNbd.pAlive(p, x, tx, age), where);
            assertNonNegativeFinite(
                ParetoNbd.conditionalExpectedPurchases(p, 52, x, tx, age), where);
          }
          if (x > 0) {
            assertFinite(GammaGamma.logLikelihood(GAMMA_GAMMA_PUBLISHED, x, 35.0), where);
          }
          assertNonNegativeFinite(
              GammaGamma.conditionalExpectedValue(GAMMA_GAMMA_PUBLISHED, x, 35.0), where);
        }
      }
    }
  }

  @Test
  void paretoNbdSurvivesTheParametersThatOverflowedLifetimes() {
    // lifetimes' TestParetoNBDFitter.test_overflow_error: alpha far below beta and 400-500
    // purchases within a few weeks.
    double[] p = {10.465, 7.98565181e-03, 3.0516, 2.820};
    double[][] customers = {{400, 5, 6}, {500, 1, 37}, {500, 4, 37}};
    for (double[] c : customers) {
      assertFinite(ParetoNbd.logLikelihood(p, c[0], c[1], c[2]), "x=" + c[0]);
      assertProbability(ParetoNbd.pAlive(p, c[0], c[1], c[2]), "x=" + c[0]);
    }
  }

  @Test
  void gammaGammaExpectedValueShrinksTowardsThePopulationMean() {
    double population = 6.25 * 15.44 / (3.74 - 1);
    assertEquals(population, GammaGamma.conditionalExpectedValue(GAMMA_GAMMA_PUBLISHED, 0, 0));
    double one = GammaGamma.conditionalExpectedValue(GAMMA_GAMMA_PUBLISHED, 1, 100);
    double many = GammaGamma.conditionalExpectedValue(GAMMA_GAMMA_PUBLISHED, 50, 100);
    assertTrue(population < one && one < many && many < 100, one + " " + many);
  }

  private static void assertFinite(double value, String where) {
    assertTrue(Double.isFinite(value), where + ": " + value);
  }

  private static void assertProbability(double value, String where) {
    assertTrue(value >= 0 && value <= 1, where + ": " + value);
  }

  private static void assertNonNegativeFinite(double value, String where) {
    assertTrue(Double.isFinite(value) && value >= 0, where + ": " + value);
  }
}
