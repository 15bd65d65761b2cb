package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per-customer predictions from fitted models, as Spark columns over {@link CustomerSummaries} rows
 * and as plain functions: P(alive), the conditional expected purchase days in the next t units, and
 * the Gamma-Gamma conditional expected value per purchase day.
 */
public final class ClvPredictions {
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  public static final String EXPECTED_ORDER_VALUE = "expected_order_value";

  private ClvPredictions() {}

  /** P(alive at the observation end | x, t_x, T) under a BG/NBD or Pareto/NBD fit. */
  public static double pAlive(ModelFit fit, double x, double tx, double age) {
    double[] p = fit.parameters();
    return switch (fit.model()) {
      case BG_NBD -> BgNbd.pAlive(p, x, tx, age);
      case PARETO_NBD -> ParetoNbd.pAlive(p, x, tx, age);
      case GAMMA_GAMMA -> throw notPurchases(fit);
    };
  }

  /** E[purchase days in (T, T + t] | x, t_x, T] under a BG/NBD or Pareto/NBD fit; t in units. */
  public static double expectedPurchases(ModelFit fit, double t, double x, double tx, double age) {
    double[] p = fit.parameters();
    return switch (fit.model()) {
      case BG_NBD -> BgNbd.conditionalExpectedPurchases(p, t, x, tx, age);
      case PARETO_NBD -> ParetoNbd.conditionalExpectedPurchases(p, t, x, tx, age);
      case GAMMA_GAMMA -> throw notPurchases(fit);
    };
  }

  /**
   * {@link #expectedPurchases} over P(alive): what does not depend on t_x (for BG/NBD, the
   * hypergeometric series).
   */
  static double expectedPurchasesIfAlive(ModelFit fit, double t, double x, double age) {
    double[] p = fit.parameters();
    return switch (fit.model()) {
      case BG_NBD -> BgNbd.expectedPurchasesIfAlive(p, t, x, age);
      case PARETO_NBD -> ParetoNbd.expectedPurchasesIfAlive(p, t, x, age);
      case GAMMA_GAMMA -> throw notPurchases(fit);
    };
  }

  /** The Gamma-Gamma expected value per purchase day; the population mean for x = 0. */
  public static double expectedOrderValue(ModelFit spend, double x, double meanValue) {
    if (spend.model() != ClvModel.GAMMA_GAMMA) {
      throw new IllegalArgumentException(spend.model().settingName() + " is not gamma-gamma");
    }
    return GammaGamma.conditionalExpectedValue(spend.parameters(), x, meanValue);
  }

  /** {@link #pAlive} as a DOUBLE column over the summary columns. */
  public static Column pAlive(ModelFit fit) {
    pAlive(fit, 0, 0, 1); // fails here, on the driver, for a spend fit
    UDF3<Integer, Double, Double, Double> f = (x, tx, age) -> pAlive(fit, x, tx, age);
    return udf(f, DataTypes.DoubleType)
        .apply(
            col(CustomerSummaries.REPEAT_PURCHASES),
            col(CustomerSummaries.RECENCY),
            col(CustomerSummaries.AGE));
  }

  /** {@link #expectedPurchases} over the next {@code horizonUnits} as a DOUBLE column. */
  public static Column expectedPurchases(ModelFit fit, double horizonUnits) {
    pAlive(fit, 0, 0, 1);
    UDF3<Integer, Double, Double, Double> f =
        (x, tx, age) -> expectedPurchases(fit, horizonUnits, x, tx, age);
    return udf(f, DataTypes.DoubleType)
        .apply(
            col(CustomerSummaries.REPEAT_PURCHASES),
            col(CustomerSummaries.RECENCY),
            col(CustomerSummaries.AGE));
  }

  /** {@link #expectedOrderValue} as a DOUBLE column (a null mean value counts for x = 0). */
  public static Column expectedOrderValue(ModelFit spend) {
    expectedOrderValue(spend, 0, 0);
    UDF2<Integer, Double, Double> f =
        (x, mean) ->
            mean == null ? expectedOrderValue(spend, 0, 0) : expectedOrderValue(spend, x, mean);
    return udf(f, DataTypes.DoubleType)
        .apply(col(CustomerSummaries.REPEAT_PURCHASES), col(CustomerSummaries.REPEAT_MEAN_VALUE));
  }

  /**
   * The summaries with {@link #P_ALIVE} and {@link #EXPECTED_PURCHASES} over {@code horizonUnits}
   * from {@code purchases}, and {@link #EXPECTED_ORDER_VALUE} from {@code spend}.
   */
  public static Dataset<Row> withPredictions(
      Dataset<Row> summaries, ModelFit purchases, ModelFit spend, double horizonUnits) {
    return summaries
        .withColumn(P_ALIVE, pAlive(purchases))
        .withColumn(EXPECTED_PURCHASES, expectedPurchases(purchases, horizonUnits))
        .withColumn(EXPECTED_ORDER_VALUE, expectedOrderValue(spend));
  }

  private static IllegalArgumentException notPurchases(ModelFit fit) {
    return new IllegalArgumentException(fit.model().settingName() + " predicts no purchases");
  }
}
