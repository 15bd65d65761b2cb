package com.customervalue.segments.clv;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All four predictions of one customer from one evaluation: P(alive) once, and the expected
 * purchases if alive, which depend on the customer only through (x, T), remembered per (x, T) pair
 * at the horizon and at the ends of the discount periods. Customers share few such pairs (x is
 * small, and T takes one value per first purchase day), so most rows sum no hypergeometric series.
 * The results equal {@link ClvPredictions} and {@link CustomerValue#discountedPurchases} bit for
 * bit: the same operations in the same order.
 */
final class CustomerPredictor implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Beyond this many (x, T) pairs per task, new pairs are computed without being remembered. */
  private static final int CAPACITY = 1 << 20;

  private final ModelFit purchases;
  private final ModelFit spend;
  private final double margin;

  /** The ends of the periods in the model's unit; the last is the horizon. */
  private final double[] periodEnds;

  /** The discount divisor of each period; null without discounting (one period). */
  private final double[] discountDivisors;

  /**
   * Created on first use in each deserialized copy (one per task); concurrent in case threads share
   * a copy, where a race on creating it only loses remembered values.
   */
  private transient Map<Shape, double[]> ifAliveByShape;

  private record Shape(double x, double age) {}

  /** {@code spend} may be null: no order value and no CLV then. */
  CustomerPredictor(ModelFit purchases, ModelFit spend, ClvSettings settings) {
    ClvPredictions.pAlive(purchases, 0, 0, 1); // fails here, on the driver, for a spend fit
    this.purchases = purchases;
    this.spend = spend;
    this.margin = settings.margin();
    TimeUnit unit = settings.timeUnit();
    int horizonDays = settings.horizonDays();
    double rate = settings.annualDiscountRate();
    if (rate == 0) {
      periodEnds = new double[] {unit.of(horizonDays)};
      discountDivisors = null;
      return;
    }
    int periods =
        (horizonDays + CustomerValue.DAYS_PER_DISCOUNT_PERIOD - 1)
            / CustomerValue.DAYS_PER_DISCOUNT_PERIOD;
    periodEnds = new double[periods];
    discountDivisors = new double[periods];
    for (int k = 1; k <= periods; k++) {
      double days = (double) horizonDays * k / periods;
      periodEnds[k - 1] = unit.of(days);
      discountDivisors[k - 1] = Math.pow(1 + rate, days / CustomerValue.DAYS_PER_YEAR);
    }
  }

  /**
   * {p_alive, expected_purchases, expected_order_value, clv} of a customer; the last two NaN
   * without a spend model. A null mean value counts as x = 0 for the order value.
   */
  double[] predict(double x, double tx, double age, Double meanValue) {
    double pAlive = ClvPredictions.pAlive(purchases, x, tx, age);
    double[] ifAlive = ifAlive(x, age);
    double expectedPurchases = ifAlive[ifAlive.length - 1] * pAlive;
    if (spend == null) {
      return new double[] {pAlive, expectedPurchases, Double.NaN, Double.NaN};
    }
    double orderValue =
        meanValue == null
            ? ClvPredictions.expectedOrderValue(spend, 0, 0)
            : ClvPredictions.expectedOrderValue(spend, x, meanValue);
    double purchasesForClv = expectedPurchases;
    if (discountDivisors != null) {
      purchasesForClv = 0;
      double before = 0;
      for (int k = 0; k < ifAlive.length; k++) {
        double until = ifAlive[k] * pAlive;
        purchasesForClv += (until - before) / discountDivisors[k];
        before = until;
      }
    }
    return new double[] {
      pAlive, expectedPurchases, orderValue, margin * orderValue * purchasesForClv
    };
  }

  private double[] ifAlive(double x, double age) {
    if (ifAliveByShape == null) {
      ifAliveByShape = new ConcurrentHashMap<>();
    }
    Shape shape = new Shape(x, age);
    double[] values = ifAliveByShape.get(shape);
    if (values == null) {
      values = new double[periodEnds.length];
      for (int k = 0; k < values.length; k++) {
        values[k] = ClvPredictions.expectedPurchasesIfAlive(purchases, periodEnds[k], x, age);
      }
      if (ifAliveByShape.size() < CAPACITY) {
        ifAliveByShape.put(shape, values);
      }
    }
    return values;
  }
}
