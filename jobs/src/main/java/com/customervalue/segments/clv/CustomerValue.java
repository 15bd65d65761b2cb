package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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

  static final double DAYS_PER_YEAR = 365;
  static final int DAYS_PER_DISCOUNT_PERIOD = 30;
  private static final String PREDICTIONS_COLUMN = "__predictions";
  private static final double MONEY_UNITS = Math.pow(10, CustomerMetrics.MONEY_TYPE.scale());

  /** Below this, scaled values and their floors are exact integers in a double. */
  private static final double MONEY_FAST_LIMIT = 0x1p52;

  private static final StructType PREDICTIONS =
      new StructType()
          .add(P_ALIVE, DataTypes.DoubleType, false)
          .add(EXPECTED_PURCHASES, DataTypes.DoubleType, false)
          .add(EXPECTED_ORDER_VALUE, CustomerMetrics.MONEY_TYPE, true)
          .add(CLV, CustomerMetrics.MONEY_TYPE, true);

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
   * predictions are narrow column functions of each row: no shuffle, no join. One function computes
   * all four into a struct column of its own, which the optimizer keeps (it does not copy a costly
   * expression into each of the four fields that use it), so each customer is evaluated once.
   */
  public Dataset<Row> predict(Dataset<Row> metrics) {
    TimeUnit unit = settings.timeUnit();
    Column bought = col(CustomerMetrics.REPEAT_PURCHASES).isNotNull();
    CustomerPredictor predictor = new CustomerPredictor(purchases, spend.orElse(null), settings);
    UDF4<Integer, Double, Double, Double, Row> predict =
        (x, tx, age, meanValue) -> {
          double[] values = predictor.predict(x, tx, age, meanValue);
          return RowFactory.create(values[0], values[1], money(values[2]), money(values[3]));
        };
    Column predictions =
        when(
            bought,
            udf(predict, PREDICTIONS)
                .apply(
                    col(CustomerSummaries.REPEAT_PURCHASES),
                    col(CustomerSummaries.RECENCY),
                    col(CustomerSummaries.AGE),
                    col(CustomerSummaries.REPEAT_MEAN_VALUE)));
    return metrics
        .withColumn(CustomerSummaries.RECENCY, recency(unit))
        .withColumn(CustomerSummaries.AGE, age(unit))
        .withColumn(CustomerSummaries.REPEAT_MEAN_VALUE, meanValue())
        .withColumn(PREDICTIONS_COLUMN, predictions)
        .withColumn(P_ALIVE, col(PREDICTIONS_COLUMN).getField(P_ALIVE))
        .withColumn(EXPECTED_PURCHASES, col(PREDICTIONS_COLUMN).getField(EXPECTED_PURCHASES))
        .withColumn(EXPECTED_ORDER_VALUE, col(PREDICTIONS_COLUMN).getField(EXPECTED_ORDER_VALUE))
        .withColumn(CLV, col(PREDICTIONS_COLUMN).getField(CLV))
        .drop(
            PREDICTIONS_COLUMN,
            CustomerSummaries.RECENCY,
            CustomerSummaries.AGE,
            CustomerSummaries.REPEAT_MEAN_VALUE);
  }

  /**
   * {@code value} as a money amount, exactly as Spark's cast from DOUBLE gives it (its shortest
   * decimal form rounded half up; null for NaN). That cast formats every value as a string, which
   * cost more than all the predictions; here only a value within a few ulps of a rounding boundary
   * takes that way, where the binary value and its decimal form could round apart (they differ by
   * at most 1.5 ulps of the scaled value).
   */
  static BigDecimal money(double value) {
    if (!Double.isFinite(value)) {
      return null;
    }
    int scale = CustomerMetrics.MONEY_TYPE.scale();
    double scaled = Math.abs(value) * MONEY_UNITS;
    if (scaled < MONEY_FAST_LIMIT) {
      double whole = Math.floor(scaled);
      double fraction = scaled - whole;
      if (Math.abs(fraction - 0.5) > 8 * Math.ulp(scaled)) {
        long units = (long) whole + (fraction > 0.5 ? 1 : 0);
        return BigDecimal.valueOf(value < 0 ? -units : units, scale);
      }
    }
    return BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_UP);
  }

  /**
   * margin x expected order value x expected purchases over the horizon, each of n periods of about
   * 30 days discounted at its end by (1 + annual rate)^(years); one period without discount. The
   * reference form of what {@link CustomerPredictor} computes per customer.
   */
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
