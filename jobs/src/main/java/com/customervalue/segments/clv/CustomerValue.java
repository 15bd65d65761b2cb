package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;

/**
 * The fitted models of a run applied to its customers: the model inputs derived from the
 * per-customer metrics, and {@code p_alive}, {@code expected_purchases}, {@code
 * expected_order_value} and {@code clv} per customer (docs/DEFINITIONS.md, "Predicted value").
 * Without a spend model (nobody bought on two days) the last two are null.
 */
public record CustomerValue(ModelFit purchases, Optional<ModelFit> spend, ClvSettings settings) {
  public static final String P_ALIVE = ClvPredictions.P_ALIVE;
  public static final String EXPECTED_PURCHASES = ClvPredictions.EXPECTED_PURCHASES;
  public static final String EXPECTED_ORDER_VALUE = ClvPredictions.EXPECTED_ORDER_VALUE;
  public static final String CLV = "clv";

  private static final double DAYS_PER_YEAR = 365;
  private static final int DAYS_PER_DISCOUNT_PERIOD = 30;

  /**
   * The model inputs ({@link CustomerSummaries#COLUMNS}) of every customer of {@code metrics} with
   * a purchase, observed up to the day before the as-of date: the metrics already count the
   * purchase days of the whole history, so no pass over the orders is needed.
   */
  public static Dataset<Row> summaries(Dataset<Row> metrics, TimeUnit unit) {
    return metrics
        .filter(col(CustomerMetrics.REPEAT_PURCHASES).isNotNull())
        .select(inputColumns(unit).toArray(Column[]::new));
  }

  /**
   * {@code metrics} with the four prediction columns; null for customers without a purchase. The
   * predictions are narrow column functions of each row: no shuffle, no join.
   */
  public Dataset<Row> predict(Dataset<Row> metrics) {
    TimeUnit unit = settings.timeUnit();
    double horizon = unit.of(settings.horizonDays());
    Column bought = col(CustomerMetrics.REPEAT_PURCHASES).isNotNull();
    Dataset<Row> inputs =
        metrics
            .withColumn(CustomerSummaries.RECENCY, recency(unit))
            .withColumn(CustomerSummaries.AGE, age(unit))
            .withColumn(CustomerSummaries.REPEAT_MEAN_VALUE, meanValue());
    return inputs
        .withColumn(P_ALIVE, when(bought, ClvPredictions.pAlive(purchases)))
        .withColumn(
            EXPECTED_PURCHASES, when(bought, ClvPredictions.expectedPurchases(purchases, horizon)))
        .withColumn(
            EXPECTED_ORDER_VALUE,
            spend
                .map(model -> when(bought, ClvPredictions.expectedOrderValue(model)))
                .orElse(lit(null))
                .cast(CustomerMetrics.MONEY_TYPE))
        .withColumn(
            CLV,
            spend
                .map(
                    model ->
                        when(
                            bought,
                            udf(clv(purchases, model, settings), DataTypes.DoubleType)
                                .apply(
                                    col(CustomerSummaries.REPEAT_PURCHASES),
                                    col(CustomerSummaries.RECENCY),
                                    col(CustomerSummaries.AGE),
                                    col(CustomerSummaries.REPEAT_MEAN_VALUE))))
                .orElse(lit(null))
                .cast(CustomerMetrics.MONEY_TYPE))
        .drop(
            CustomerSummaries.RECENCY, CustomerSummaries.AGE, CustomerSummaries.REPEAT_MEAN_VALUE);
  }

  /**
   * margin x expected order value x expected purchases over the horizon, each of n periods of about
   * 30 days discounted at its end by (1 + annual rate)^(years); one period without discount.
   */
  private static UDF4<Integer, Double, Double, Double, Double> clv(
      ModelFit purchases, ModelFit spend, ClvSettings settings) {
    return (x, tx, age, meanValue) -> {
      double orderValue =
          meanValue == null
              ? ClvPredictions.expectedOrderValue(spend, 0, 0)
              : ClvPredictions.expectedOrderValue(spend, x, meanValue);
      return settings.margin() * orderValue * discountedPurchases(purchases, settings, x, tx, age);
    };
  }

  static double discountedPurchases(
      ModelFit purchases, ClvSettings settings, double x, double tx, double age) {
    TimeUnit unit = settings.timeUnit();
    int horizonDays = settings.horizonDays();
    if (settings.annualDiscountRate() == 0) {
      return ClvPredictions.expectedPurchases(purchases, unit.of(horizonDays), x, tx, age);
    }
    int periods = (horizonDays + DAYS_PER_DISCOUNT_PERIOD - 1) / DAYS_PER_DISCOUNT_PERIOD;
    double discounted = 0;
    double before = 0;
    for (int k = 1; k <= periods; k++) {
      double days = (double) horizonDays * k / periods;
      double until = ClvPredictions.expectedPurchases(purchases, unit.of(days), x, tx, age);
      discounted +=
          (until - before) / Math.pow(1 + settings.annualDiscountRate(), days / DAYS_PER_YEAR);
      before = until;
    }
    return discounted;
  }

  private static List<Column> inputColumns(TimeUnit unit) {
    return List.of(
        col(CustomerMetrics.CUSTOMER_ID),
        col(CustomerMetrics.REPEAT_PURCHASES).as(CustomerSummaries.REPEAT_PURCHASES),
        recency(unit).as(CustomerSummaries.RECENCY),
        age(unit).as(CustomerSummaries.AGE),
        meanValue().as(CustomerSummaries.REPEAT_MEAN_VALUE));
  }

  /** t_x: from the first to the last purchase day, in the unit. */
  private static Column recency(TimeUnit unit) {
    return datediff(
            col(CustomerMetrics.LAST_PURCHASE_DATE), col(CustomerMetrics.FIRST_PURCHASE_DATE))
        .cast(DataTypes.DoubleType)
        .divide(unit.days());
  }

  /** T: from the first purchase day to the observation end, the day before as-of. */
  private static Column age(TimeUnit unit) {
    return col(CustomerMetrics.TENURE_DAYS).minus(1).cast(DataTypes.DoubleType).divide(unit.days());
  }

  private static Column meanValue() {
    return col(CustomerMetrics.REPEAT_PURCHASE_VALUE).cast(DataTypes.DoubleType);
  }
}
