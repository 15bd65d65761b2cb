package com.customervalue.segments.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Transactions drawn customer by customer from a buy-till-you-die model (BG/NBD or Pareto/NBD) with
 * Gamma-Gamma spend, so that a model fitted on them can be checked against the parameters they were
 * drawn with. Same columns as {@link SyntheticTransactions}; one line per order, one order per
 * purchase day, no returns. Customer {@code i}'s rows depend only on the settings and {@code i}:
 * the same for any partitioning.
 */
public final class ModelTransactions {
  /** Customers per Spark partition: fixed, so the output does not depend on the machine's cores. */
  static final long CUSTOMERS_PER_PARTITION = 250_000L;

  private static final long SECONDS_PER_DAY = 86_400L;
  private static final long NOON = 12 * 3_600L;
  private static final BigDecimal MAX_AMOUNT = new BigDecimal("9999999999.99");
  private static final BigDecimal MIN_AMOUNT = new BigDecimal("0.01");

  private ModelTransactions() {}

  public static Dataset<Row> generate(SparkSession spark, ModelGeneratorSettings settings) {
    return generate(spark, settings, CUSTOMERS_PER_PARTITION);
  }

  static Dataset<Row> generate(
      SparkSession spark, ModelGeneratorSettings settings, long customersPerPartition) {
    long customers = settings.customers();
    int partitions =
        (int) Math.max(1, (customers + customersPerPartition - 1) / customersPerPartition);
    return spark
        .range(1, customers + 1, 1, partitions)
        .flatMap(new CustomerWriter(settings), Encoders.row(SyntheticTransactions.SCHEMA));
  }

  /**
   * Maps repeat purchase times (weeks after the first purchase) to purchase days (days after it):
   * each to the nearest day, and a purchase that lands on a day the customer already bought on to
   * the next free day, so that the customer has as many purchase days as the model drew purchases
   * (the models count purchase days); a purchase pushed past {@code observedDays} is dropped.
   * Element 0 of the result is day 0, the first purchase.
   */
  static int[] purchaseDays(double[] repeatWeeks, int observedDays) {
    int[] days = new int[repeatWeeks.length + 1];
    int count = 1;
    for (double weeks : repeatWeeks) {
      int day = Math.max((int) Math.round(weeks * 7), days[count - 1] + 1);
      if (day > observedDays) {
        break;
      }
      days[count++] = day;
    }
    return count == days.length ? days : Arrays.copyOf(days, count);
  }

  /** Writes one customer's orders. */
  private static final class CustomerWriter implements FlatMapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;

    private final ModelGeneratorSettings settings;

    CustomerWriter(ModelGeneratorSettings settings) {
      this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Long customerId) {
      int spanDays = settings.spanDays();
      long firstSecond = settings.firstDay().atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      SplittableRandom random = new SplittableRandom(mix(mix(settings.seed()) + customerId));
      int firstDay = random.nextInt(settings.acquisitionDays());
      int observedDays = spanDays - 1 - firstDay;
      double[] repeatWeeks =
          settings.purchases().drawRepeatPurchaseWeeks(random, observedDays / 7.0, observedDays);
      int[] days = purchaseDays(repeatWeeks, observedDays);
      double customerRate = settings.spend().drawCustomerRate(random);
      List<Row> rows = new ArrayList<>(days.length);
      for (int day : days) {
        long dayInSpan = firstDay + day;
        BigDecimal amount = amount(settings.spend().drawValue(random, customerRate));
        rows.add(
            RowFactory.create(
                customerId,
                (customerId - 1) * spanDays + dayInSpan + 1,
                new Timestamp((firstSecond + dayInSpan * SECONDS_PER_DAY + NOON) * 1000L),
                amount));
      }
      return rows.iterator();
    }

    /** A value in cents, at least one cent and at most what DECIMAL(12,2) holds. */
    private static BigDecimal amount(double value) {
      if (!(value < MAX_AMOUNT.doubleValue())) {
        return MAX_AMOUNT;
      }
      return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).max(MIN_AMOUNT);
    }

    /** SplitMix64's finalizer: spreads nearby seeds over the whole range. */
    private static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      return z ^ (z >>> 31);
    }
  }
}
