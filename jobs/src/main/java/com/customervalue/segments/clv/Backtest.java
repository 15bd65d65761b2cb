package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.corr;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The holdout backtest ({@code clv_backtest}): models fitted on the history before the holdout
 * predict each customer's purchase days in it, compared with the actual ones per calibration repeat
 * purchases 0..6, 7+ and all, as Fader, Hardie &amp; Lee (2005) and the BTYD vignette compare them.
 */
public final class Backtest {
  static final String ACTUAL = "holdout_purchases";
  private static final String PREDICTED = "predicted_purchases";
  private static final int OPEN_BIN = 7;

  private Backtest() {}

  /**
   * The calibration inputs of every customer with a purchase day before {@code holdoutStart}, with
   * their purchase days in [holdoutStart, asOf) as {@link #ACTUAL}; from the customer days.
   */
  public static Dataset<Row> calibration(
      Dataset<Row> customerDays, LocalDate holdoutStart, LocalDate asOf, TimeUnit unit) {
    Column day = col(CustomerMetrics.ORDER_DATE);
    Dataset<Row> purchaseDays =
        customerDays
            .filter(col(CustomerMetrics.PURCHASES).gt(0))
            .select(
                col(CustomerMetrics.CUSTOMER_ID),
                day,
                col(CustomerMetrics.PURCHASE_UNITS).as(CustomerMetrics.ORDER_UNITS));
    Dataset<Row> holdout =
        purchaseDays
            .filter(day.geq(lit(Date.valueOf(holdoutStart))).and(day.lt(lit(Date.valueOf(asOf)))))
            .groupBy(col(CustomerMetrics.CUSTOMER_ID).as("holdout_customer"))
            .agg(count(lit(1)).as(ACTUAL));
    // Every row is a purchase day already (a zero-amount one too when those are purchases).
    Dataset<Row> summaries =
        CustomerSummaries.of(
            purchaseDays,
            holdoutStart.minusDays(1),
            unit,
            CustomerSummaries.PurchaseRule.NON_NEGATIVE_AMOUNT);
    return summaries
        .join(
            holdout,
            summaries.col(CustomerSummaries.CUSTOMER_ID).equalTo(holdout.col("holdout_customer")),
            "left")
        .drop("holdout_customer")
        .withColumn(ACTUAL, coalesce(col(ACTUAL), lit(0L)).cast(DataTypes.DoubleType));
  }

  /** The clv_backtest rows of the calibration {@code fits} over {@code calibration}. */
  public static Dataset<Row> table(
      Dataset<Row> calibration,
      List<ModelFit> fits,
      LocalDate holdoutStart,
      int holdoutDays,
      TimeUnit unit) {
    Column x = col(CustomerSummaries.REPEAT_PURCHASES);
    Column bin = when(x.geq(OPEN_BIN), lit(OPEN_BIN + "+")).otherwise(x.cast(DataTypes.StringType));
    Dataset<Row> table = null;
    for (ModelFit fit : fits) {
      Dataset<Row> predicted =
          calibration.withColumn(
              PREDICTED, ClvPredictions.expectedPurchases(fit, unit.of(holdoutDays)));
      Dataset<Row> bins =
          compare(
              predicted.groupBy(
                  bin.as("repeat_purchases"), least(x, lit(OPEN_BIN)).as("bin_order")));
      Dataset<Row> all =
          compare(
              predicted.groupBy(
                  lit("all").as("repeat_purchases"), lit(OPEN_BIN + 1).as("bin_order")));
      Dataset<Row> rows =
          bins.unionByName(all)
              .select(
                  lit(fit.model().settingName()).as("model"),
                  col("repeat_purchases"),
                  col("bin_order").cast(DataTypes.IntegerType).as("bin_order"),
                  col("customers"),
                  col("actual_mean"),
                  col("predicted_mean"),
                  col("correlation"),
                  lit(Date.valueOf(holdoutStart)).as("holdout_start"),
                  lit(holdoutDays).as("holdout_days"));
      table = table == null ? rows : table.unionByName(rows);
    }
    return table.orderBy(col("model"), col("bin_order"));
  }

  private static Dataset<Row> compare(RelationalGroupedDataset groups) {
    return groups.agg(
        count(lit(1)).as("customers"),
        avg(col(ACTUAL)).as("actual_mean"),
        avg(col(PREDICTED)).as("predicted_mean"),
        corr(col(PREDICTED), col(ACTUAL)).as("correlation"));
  }
}
