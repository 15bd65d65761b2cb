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
