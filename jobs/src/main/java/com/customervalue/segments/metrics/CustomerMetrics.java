package com.customervalue.segments.metrics;

import static com.customervalue.segments.ingest.Transactions.AMOUNT;
import static com.customervalue.segments.ingest.Transactions.ORDER_ID;
import static com.customervalue.segments.ingest.Transactions.TRANSACTION_DATE;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.ingest.Transactions;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Per-customer RFM metrics as docs/DEFINITIONS.md defines them: lines are netted into orders, an
 * order with a positive net amount is a purchase and a negative one a return; frequency and money
 * count the window [as-of - window-days, as-of), purchase dates look at the whole history before
 * as-of, and the amount level's basis counts a window of its own.
 */
public final class CustomerMetrics {
  public static final String CUSTOMER_ID = Transactions.CUSTOMER_ID;
  public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
  public static final String LAST_PURCHASE_DATE = "last_purchase_date";
  public static final String RECENCY_DAYS = "recency_days";
  public static final String FREQUENCY = "frequency";
  public static final String MONETARY = "monetary";
  public static final String GROSS_REVENUE = "gross_revenue";
  public static final String RETURNS_AMOUNT = "returns_amount";
  public static final String AVG_ORDER_VALUE = "avg_order_value";
  public static final String TENURE_DAYS = "tenure_days";

  /**
   * Net amount, returns included, of the orders in the amount-level window [as-of - days, as-of):
   * what the amount level is measured on, independent of the scoring window.
   */
  public static final String AMOUNT_LEVEL_REVENUE = "amount_level_revenue";

  /**
   * Purchase days (calendar days with at least one purchase) of the whole history before as-of,
   * minus the first: the repeat purchases x that the buy-till-you-die models count.
   */
  public static final String REPEAT_PURCHASES = "repeat_purchases";

  /**
   * The mean value of the repeat purchase days (a day's value: the net amount of its purchases),
   * the first purchase day left out; what Gamma-Gamma models the spend on. Null without repeats.
   */
  public static final String REPEAT_PURCHASE_VALUE = "repeat_purchase_value";

  /** The columns of {@link #perCustomer}, in order. */
  public static final List<String> COLUMNS =
      List.of(
          CUSTOMER_ID,
          FIRST_PURCHASE_DATE,
          LAST_PURCHASE_DATE,
          RECENCY_DAYS,
          FREQUENCY,
          MONETARY,
          GROSS_REVENUE,
          RETURNS_AMOUNT,
          AVG_ORDER_VALUE,
          TENURE_DAYS,
          AMOUNT_LEVEL_REVENUE,
          REPEAT_PURCHASES,
          REPEAT_PURCHASE_VALUE);

  private static final String PURCHASE_DAYS = CustomerDaysPass.PURCHASE_DAYS;
  private static final String HISTORY_PURCHASE_UNITS = CustomerDaysPass.HISTORY_PURCHASE_UNITS;
  private static final String FIRST_DAY_UNITS = CustomerDaysPass.FIRST_DAY_UNITS;

  /** Order-level columns between netting and the per-customer aggregate. */
  public static final String ORDER_DATE = "order_date";

  /**
   * An order's net amount in units of 1/10,000 of money, as BIGINT. Line amounts have 4 decimals,
   * so this is exact, and Spark sums longs many times faster than the DECIMAL(28,4) a decimal sum
   * would need (which it computes with BigDecimal). |amounts| up to 9.2 x 10^14 fit.
   */
  public static final String ORDER_UNITS = "order_units";

  /** Per customer and day: the number of purchases, orders with a positive net amount. */
  public static final String PURCHASES = "purchases";

  /** Per customer and day: the net amount of its purchases, in {@link #ORDER_UNITS}. */
  public static final String PURCHASE_UNITS = "purchase_units";

  /** Per customer and day: the net amount of its returns, negative or 0, in order units. */
  public static final String RETURN_UNITS = "return_units";

  /**
   * A DECIMAL(18,4)'s unscaled value: exact for every value of the type (below 10^18), and, on the
   * long Spark keeps such a decimal in, two small objects per line. Spark's own way, a decimal
   * multiplication by 10,000 and a cast, multiplies through BigDecimal and checks the product's
   * precision: a quarter of the CPU samples of the stage that nets the lines into orders, which
   * takes 15 % less task time with this (10 M lines).
   */
  private static final UserDefinedFunction UNSCALED_AMOUNT =
      udf(
              (UDF1<BigDecimal, Long>)
                  amount ->
                      amount == null
                          ? null
                          : amount
                              .movePointRight(Transactions.AMOUNT_TYPE.scale())
                              .longValueExact(),
              DataTypes.LongType)
          .withName("unscaled_amount");

  private static final BigDecimal MONEY_PER_UNIT = new BigDecimal("0.0001");

  /** Money per customer: sums of {@link Transactions#AMOUNT_TYPE} lines, exact. */
  public static final DecimalType MONEY_TYPE = Catalog.MONEY;

  private CustomerMetrics() {}

  /** A buyer has at least one purchase in the window; only buyers are scored and clustered. */
  public static Column isBuyer() {
    return col(FREQUENCY).gt(0);
  }

  /**
   * Nets accepted lines into orders: one row per (customer, order id) with the sum of its line
   * amounts, dated by its earliest line.
   */
  public static Dataset<Row> netOrders(Dataset<Row> lines) {
    return lines
        .groupBy(col(CUSTOMER_ID), col(ORDER_ID))
        .agg(min(col(TRANSACTION_DATE)).as(ORDER_DATE), sum(units(col(AMOUNT))).as(ORDER_UNITS));
  }

  /** Without an order-id column every accepted line is an order of its own. */
  public static Dataset<Row> eachLineAnOrder(Dataset<Row> lines) {
    return lines.select(
        col(CUSTOMER_ID), col(TRANSACTION_DATE).as(ORDER_DATE), units(col(AMOUNT)).as(ORDER_UNITS));
  }

  /** {@link #customerDays(Dataset, boolean)} with the default: a zero order is no purchase. */
  public static Dataset<Row> customerDays(Dataset<Row> orders) {
    return customerDays(orders, false);
  }

  /**
   * The orders summed per customer and day ({@link #ORDER_DATE}, {@link #PURCHASES}, {@link
   * #PURCHASE_UNITS}, {@link #RETURN_UNITS}), hash-partitioned by customer: the metrics and the
   * cohort triangle can be computed on them in one streaming pass ({@link CustomerDaysPass})
   * without another shuffle, and the backtest counts purchase days on them. Orders with a net
   * amount of 0 are purchases if {@code zeroAmountPurchases}, else they leave a day with no
   * purchase and no return, so that their customer is kept.
   */
  public static Dataset<Row> customerDays(Dataset<Row> orders, boolean zeroAmountPurchases) {
    Column units = col(ORDER_UNITS);
    Column isPurchase = isPurchase(units, zeroAmountPurchases);
    return orders
        .repartition(col(CUSTOMER_ID))
        .groupBy(col(CUSTOMER_ID), col(ORDER_DATE))
        .agg(
            count(when(isPurchase, lit(1))).cast(DataTypes.IntegerType).as(PURCHASES),
            sum(when(isPurchase, units).otherwise(0L)).as(PURCHASE_UNITS),
            sum(when(units.lt(0), units).otherwise(0L)).as(RETURN_UNITS));
  }

  /**
   * The orders in the shape of {@link #customerDays}, a row per order instead of per day (its
   * {@link #PURCHASES} 1 or 0), hash-partitioned by customer as well. {@link CustomerDaysPass} sums
   * a day's rows itself, so the metrics need no hash aggregation of every order into days (two,
   * partial and final, each over ~33 M rows at 100 M lines).
   */
  public static Dataset<Row> customerOrders(Dataset<Row> orders, boolean zeroAmountPurchases) {
    Column units = col(ORDER_UNITS);
    Column isPurchase = isPurchase(units, zeroAmountPurchases);
    return orders
        .repartition(col(CUSTOMER_ID))
        .select(
            col(CUSTOMER_ID),
            col(ORDER_DATE),
            when(isPurchase, lit(1)).otherwise(lit(0)).as(PURCHASES),
            when(isPurchase, units).otherwise(lit(0L)).as(PURCHASE_UNITS),
            when(units.lt(0), units).otherwise(lit(0L)).as(RETURN_UNITS));
  }

  /** An order is a purchase if its net units are positive, or also 0 if {@code zeroAmount}. */
  private static Column isPurchase(Column units, boolean zeroAmount) {
    return zeroAmount ? units.geq(0) : units.gt(0);
  }

  /**
   * One row per customer with at least one order before {@code asOf}, from the {@link
   * #customerDays} of the orders. {@code windowDays} (the scoring window) and {@code
   * amountLevelWindowDays} (the window of {@link #AMOUNT_LEVEL_REVENUE}) = 0 measure the whole
   * history. Customers without a purchase (returns or zero-amount orders only) have frequency 0 and
   * null purchase dates, recency, tenure and average order value.
   */
  public static Dataset<Row> perCustomer(
      Dataset<Row> customerDays, LocalDate asOf, int windowDays, int amountLevelWindowDays) {
    return customerRows(
        withMetrics(
            CustomerDaysPass.of(customerDays, asOf, windowDays, amountLevelWindowDays), asOf));
  }

  /**
   * The {@link #COLUMNS} of the customer rows of {@link #withMetrics}' rows: the per-customer
   * metrics.
   */
  static Dataset<Row> customerRows(Dataset<Row> withMetrics) {
    return withMetrics
        .filter(col(CustomerDaysPass.COHORT_INDEX).isNull())
        .select(COLUMNS.stream().map(name -> col(name)).toArray(Column[]::new));
  }

  /**
   * The rows of a {@link CustomerDaysPass} with the {@link #COLUMNS} derived from each customer
   * row's sums (exact long units; dates, money and ratios are derived here), followed by the cell
   * columns as they are: the metrics step caches these rows, so that one cache holds the metrics
   * ({@link #customerRows}) and the cohort cells ({@link CustomerDaysPass#cells}).
   */
  static Dataset<Row> withMetrics(Dataset<Row> passRows, LocalDate asOf) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Column windowPurchases = col(CustomerDaysPass.WINDOW_PURCHASES);
    Column windowPurchaseUnits = col(CustomerDaysPass.WINDOW_PURCHASE_UNITS);
    Column repeatDays = col(PURCHASE_DAYS).minus(1);
    List<Column> sums =
        new ArrayList<>(
            List.of(
                col(CUSTOMER_ID),
                date_from_unix_date(col(CustomerDaysPass.FIRST_PURCHASE_DAY))
                    .as(FIRST_PURCHASE_DATE),
                date_from_unix_date(col(CustomerDaysPass.LAST_PURCHASE_DAY)).as(LAST_PURCHASE_DATE),
                windowPurchases.cast(DataTypes.IntegerType).as(FREQUENCY),
                money(windowPurchaseUnits.plus(col(CustomerDaysPass.WINDOW_RETURN_UNITS)))
                    .as(MONETARY),
                money(windowPurchaseUnits).as(GROSS_REVENUE),
                money(negate(col(CustomerDaysPass.WINDOW_RETURN_UNITS))).as(RETURNS_AMOUNT),
                when(
                        windowPurchases.gt(0),
                        money(roundedQuotient(windowPurchaseUnits, windowPurchases)))
                    .as(AVG_ORDER_VALUE),
                money(col(CustomerDaysPass.AMOUNT_LEVEL_UNITS)).as(AMOUNT_LEVEL_REVENUE),
                when(col(PURCHASE_DAYS).gt(0), repeatDays.cast(DataTypes.IntegerType))
                    .as(REPEAT_PURCHASES),
                when(
                        repeatDays.gt(0),
                        money(
                            roundedQuotient(
                                col(HISTORY_PURCHASE_UNITS).minus(col(FIRST_DAY_UNITS)),
                                repeatDays)))
                    .as(REPEAT_PURCHASE_VALUE)));
    CustomerDaysPass.CELL_COLUMNS.forEach(name -> sums.add(col(name)));
    List<Column> metrics =
        new ArrayList<>(
            List.of(
                col(CUSTOMER_ID).cast(DataTypes.StringType).as(CUSTOMER_ID),
                col(FIRST_PURCHASE_DATE),
                col(LAST_PURCHASE_DATE),
                datediff(asOfDate, col(LAST_PURCHASE_DATE)).as(RECENCY_DAYS),
                col(FREQUENCY),
                col(MONETARY),
                col(GROSS_REVENUE),
                col(RETURNS_AMOUNT),
                col(AVG_ORDER_VALUE),
                datediff(asOfDate, col(FIRST_PURCHASE_DATE)).as(TENURE_DAYS),
                col(AMOUNT_LEVEL_REVENUE),
                col(REPEAT_PURCHASES),
                col(REPEAT_PURCHASE_VALUE)));
    CustomerDaysPass.CELL_COLUMNS.forEach(name -> metrics.add(col(name)));
    return passRows.select(sums.toArray(Column[]::new)).select(metrics.toArray(Column[]::new));
  }

  /**
   * {@code units / divisor} rounded half up (away from zero) to a whole unit, in long arithmetic;
   * {@code divisor} > 0. The same as dividing the money and casting to {@link #MONEY_TYPE}, which
   * Spark does through BigDecimal: its intermediate rounding to 14 decimals cannot move a quotient
   * across a half unit while the divisor is below 10^10.
   */
  private static Column roundedQuotient(Column units, Column divisor) {
    Column quotient = call_function("div", units, divisor);
    Column awayFromZero = when(units.lt(0), lit(-1L)).otherwise(lit(1L));
    return when(abs(units.mod(divisor)).multiply(2).geq(divisor), quotient.plus(awayFromZero))
        .otherwise(quotient);
  }

  /** A line amount (DECIMAL(18,4)) as BIGINT units of 1/10,000. */
  private static Column units(Column amount) {
    return UNSCALED_AMOUNT.apply(amount);
  }

  /**
   * A sum of {@link #ORDER_UNITS} back as money, exact; no orders counts as 0. Multiplied by 0.0001
   * rather than divided by 10,000: both are exact, but Spark divides decimals of this precision
   * through BigDecimal with a rounding context, five times slower, and this runs for every money
   * column of every customer.
   */
  public static Column money(Column unitSum) {
    return coalesce(unitSum, lit(0L))
        .cast(DataTypes.createDecimalType(20, 0))
        .multiply(lit(MONEY_PER_UNIT))
        .cast(MONEY_TYPE);
  }
}
