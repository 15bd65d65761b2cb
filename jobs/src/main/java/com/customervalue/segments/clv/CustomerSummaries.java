package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The per-customer statistics the purchase and spend models depend on, as docs/DEFINITIONS.md
 * defines them: purchase days (calendar days with at least one order of net amount &gt; 0), the
 * repeat purchases x, the recency t_x and age T in the model's time unit, and the mean value of the
 * repeat purchase days.
 */
public final class CustomerSummaries {
  public static final String CUSTOMER_ID = CustomerMetrics.CUSTOMER_ID;

  /** The first purchase day. */
  public static final String FIRST_PURCHASE_DATE = CustomerMetrics.FIRST_PURCHASE_DATE;

  /** x: purchase days up to the observation end minus 1 (INT). */
  public static final String REPEAT_PURCHASES = "repeat_purchases";

  /** t_x: last purchase day minus first purchase day, in the time unit (DOUBLE). */
  public static final String RECENCY = "t_x";

  /** T: observation end minus first purchase day, in the time unit (DOUBLE). */
  public static final String AGE = "t_cal";

  /**
   * The mean value of the repeat purchase days (first purchase day excluded), in money (DOUBLE); a
   * day's value is the sum of its purchases' net amounts. Null when x = 0.
   */
  public static final String REPEAT_MEAN_VALUE = "repeat_mean_value";

  /** The columns of {@link #of}, in order. */
  public static final List<String> COLUMNS =
      List.of(CUSTOMER_ID, FIRST_PURCHASE_DATE, REPEAT_PURCHASES, RECENCY, AGE, REPEAT_MEAN_VALUE);

  private static final String DAY_UNITS = "day_units";
  private static final double UNITS_PER_MONEY = 10_000.0;

  private CustomerSummaries() {}

  /** Which orders make a purchase day. */
  public enum PurchaseRule {
    /** An order with net amount &gt; 0, the definition of docs/DEFINITIONS.md. */
    POSITIVE_AMOUNT,
    /**
     * Also orders of net amount 0: every recorded transaction that is not a return, as BTYD,
     * lifetimes and CLVTools count the CDNOW data (eight of its sample's customers have a $0.00
     * first purchase, which the published estimates count).
     */
    NON_NEGATIVE_AMOUNT
  }

  /**
   * One row per customer with at least one purchase day up to {@code observationEnd} (inclusive),
   * from the run's orders (customer_id, order_date, order_units as in {@link CustomerMetrics}).
   * Orders after the observation end, returns and zero-amount orders are ignored.
   */
  public static Dataset<Row> of(Dataset<Row> orders, LocalDate observationEnd, TimeUnit unit) {
    return of(orders, observationEnd, unit, PurchaseRule.POSITIVE_AMOUNT);
  }

  /** {@link #of(Dataset, LocalDate, TimeUnit)} with purchase days made by {@code rule}. */
  public static Dataset<Row> of(
      Dataset<Row> orders, LocalDate observationEnd, TimeUnit unit, PurchaseRule rule) {
    Column orderDate = col(CustomerMetrics.ORDER_DATE);
    Column units = col(CustomerMetrics.ORDER_UNITS);
    Column isPurchase = rule == PurchaseRule.POSITIVE_AMOUNT ? units.gt(0) : units.geq(0);
    Dataset<Row> purchaseDays =
        orders
            .where(isPurchase.and(orderDate.leq(lit(Date.valueOf(observationEnd)))))
            .groupBy(col(CUSTOMER_ID), orderDate)
            .agg(sum(col(CustomerMetrics.ORDER_UNITS)).as(DAY_UNITS));

    Dataset<Row> perCustomer =
        purchaseDays
            .groupBy(col(CUSTOMER_ID))
            .agg(
                min(orderDate).as(FIRST_PURCHASE_DATE),
                max(orderDate).as(CustomerMetrics.LAST_PURCHASE_DATE),
                count(lit(1)).as("purchase_days"),
                sum(col(DAY_UNITS)).as("all_units"),
                // The first day's value, to take it out of the repeat mean.
                min(struct(orderDate, col(DAY_UNITS))).getField(DAY_UNITS).as("first_units"));

    Column days = lit(unit.days()).cast(DataTypes.DoubleType);
    Column repeat = col("purchase_days").minus(1).cast(DataTypes.IntegerType);
    return perCustomer.select(
        col(CUSTOMER_ID),
        col(FIRST_PURCHASE_DATE),
        repeat.as(REPEAT_PURCHASES),
        datediff(col(CustomerMetrics.LAST_PURCHASE_DATE), col(FIRST_PURCHASE_DATE))
            .divide(days)
            .as(RECENCY),
        datediff(lit(Date.valueOf(observationEnd)), col(FIRST_PURCHASE_DATE)).divide(days).as(AGE),
        when(
                repeat.gt(0),
                col("all_units")
                    .minus(col("first_units"))
                    .cast(DataTypes.DoubleType)
                    .divide(repeat.multiply(UNITS_PER_MONEY)))
            .as(REPEAT_MEAN_VALUE));
  }
}
