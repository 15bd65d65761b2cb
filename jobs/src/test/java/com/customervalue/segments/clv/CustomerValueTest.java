package com.customervalue.segments.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.config.InvalidSettingsException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The CLV's discounting and the value-model settings. */
class CustomerValueTest {
  /** The published CDNOW BG/NBD estimates (weeks). */
  private static final ModelFit BG_NBD =
      new ModelFit(
          ClvModel.BG_NBD,
          new double[] {0.2426, 4.414, 0.7929, 2.426},
          new double[4],
          0,
          0,
          0,
          0,
          true);

  private static ClvSettings settings(Map<String, String> values) {
    return ClvSettings.from(ConfigLayers.layered(Optional.empty(), values));
  }

  @Test
  void withoutDiscountTheClvPurchasesAreTheExpectedPurchases() {
    ClvSettings plain = settings(Map.of());
    double expected =
        ClvPredictions.expectedPurchases(BG_NBD, TimeUnit.WEEK.of(365), 26, 30.857, 31);
    assertEquals(expected, CustomerValue.discountedPurchases(BG_NBD, plain, 26, 30.857, 31), 1e-12);
  }

  /**
   * Every purchase within the year is discounted by a factor between 1/(1 + rate) and 1, so the
   * discounted purchases lie strictly between those bounds of the undiscounted ones.
   */
  @Test
  void aDiscountRateShrinksTheYearsPurchasesByLessThanAYearOfDiscount() {
    ClvSettings discounted = settings(Map.of("segments.clv.annual-discount-rate", "0.1"));
    double undiscounted =
        ClvPredictions.expectedPurchases(BG_NBD, TimeUnit.WEEK.of(365), 26, 30.857, 31);
    double value = CustomerValue.discountedPurchases(BG_NBD, discounted, 26, 30.857, 31);
    assertTrue(value < undiscounted, value + " < " + undiscounted);
    assertTrue(value > undiscounted / 1.1, value + " > " + undiscounted / 1.1);
  }

  /** The published CDNOW Pareto/NBD and Gamma-Gamma estimates (weeks). */
  private static final ModelFit PARETO_NBD =
      new ModelFit(
          ClvModel.PARETO_NBD,
          new double[] {0.5534, 10.5802, 0.6061, 11.6562},
          new double[4],
          0,
          0,
          0,
          0,
          true);

  private static final ModelFit GAMMA_GAMMA =
      new ModelFit(
          ClvModel.GAMMA_GAMMA, new double[] {6.25, 3.74, 15.44}, new double[3], 0, 0, 0, 0, true);

  /**
   * The one-pass predictor, which remembers the expected purchases if alive per (x, T), gives
   * exactly the per-quantity functions' results, also for a customer met again, for x = 0, hundreds
   * of purchases, long ages and with discounting.
   */
  @Test
  void theOnePassPredictorEqualsThePerQuantityFunctions() {
    double[][] customers = {
      {0, 0, 31, Double.NaN}, {0, 0, 1000, Double.NaN}, {1, 2, 31, 20}, {26, 30.857, 31, 45},
      {2, 0.5, 38.86, 12}, {500, 299, 300, 3}, {500, 10, 3000, 3}, {26, 30.857, 31, 45}
    };
    for (String rate : List.of("0", "0.1")) {
      ClvSettings settings = settings(Map.of("segments.clv.annual-discount-rate", rate));
      for (ModelFit purchases : List.of(BG_NBD, PARETO_NBD)) {
        CustomerPredictor predictor = new CustomerPredictor(purchases, GAMMA_GAMMA, settings);
        for (double[] c : customers) {
          Double mean = Double.isNaN(c[3]) ? null : c[3];
          double[] values = predictor.predict(c[0], c[1], c[2], mean);
          double orderValue =
              ClvPredictions.expectedOrderValue(GAMMA_GAMMA, mean == null ? 0 : c[0], c[3]);
          String which = purchases.model() + " rate " + rate + " " + java.util.Arrays.toString(c);
          assertEquals(ClvPredictions.pAlive(purchases, c[0], c[1], c[2]), values[0], which);
          assertEquals(
              ClvPredictions.expectedPurchases(purchases, TimeUnit.WEEK.of(365), c[0], c[1], c[2]),
              values[1],
              which);
          assertEquals(orderValue, values[2], which);
          assertEquals(
              settings.margin()
                  * orderValue
                  * CustomerValue.discountedPurchases(purchases, settings, c[0], c[1], c[2]),
              values[3],
              which);
          assertTrue(values[3] >= 0, which);
        }
      }
    }
    double[] withoutSpend =
        new CustomerPredictor(BG_NBD, null, settings(Map.of())).predict(1, 2, 31, 20.0);
    assertTrue(Double.isNaN(withoutSpend[2]) && Double.isNaN(withoutSpend[3]));
  }

  /**
   * Money amounts equal Spark's cast from DOUBLE (the shortest decimal form rounded half up), also
   * at and next to half-unit boundaries, where the binary value alone would round the other way.
   */
  @Test
  void moneyRoundsAsTheCastFromDouble() {
    java.util.Random random = new java.util.Random(14);
    List<Double> values = new java.util.ArrayList<>();
    for (double v : new double[] {0, -0.0, 0.00005, 1.00005, 2.00015, 123.45675, -1.00005, 1e12}) {
      values.add(v);
      values.add(Math.nextUp(v));
      values.add(Math.nextDown(v));
    }
    for (int i = 0; i < 100_000; i++) {
      values.add(random.nextDouble() * Math.pow(10, random.nextInt(16) - 4));
      values.add(random.nextInt(2_000_000) / 20_000.0 + 0.00005); // near a half unit
    }
    for (double v : values) {
      assertEquals(
          java.math.BigDecimal.valueOf(v).setScale(4, java.math.RoundingMode.HALF_UP),
          CustomerValue.money(v),
          Double.toString(v));
    }
    assertEquals(null, CustomerValue.money(Double.NaN));
  }

  @Test
  void settingsNameTheModelsInOrderAndRefuseOthers() {
    assertEquals(List.of(ClvModel.BG_NBD, ClvModel.PARETO_NBD), settings(Map.of()).models());
    assertEquals(ClvModel.BG_NBD, settings(Map.of()).predictingModel());
    assertEquals(TimeUnit.WEEK, settings(Map.of()).timeUnit());
    InvalidSettingsException unknown =
        assertThrows(
            InvalidSettingsException.class,
            () -> settings(Map.of("segments.clv.time-unit", "month")));
    assertTrue(unknown.getMessage().contains("segments.clv.time-unit"), unknown.getMessage());
    assertThrows(
        InvalidSettingsException.class, () -> settings(Map.of("segments.clv.margin", "1.5")));
    assertThrows(
        InvalidSettingsException.class, () -> settings(Map.of("segments.clv.holdout-days", "-1")));
  }
}
