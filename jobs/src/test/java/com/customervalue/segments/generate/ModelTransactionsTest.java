package com.customervalue.segments.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.minute;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import java.time.LocalDate;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Customers drawn from BG/NBD and Pareto/NBD with Gamma-Gamma spend at the CDNOW estimates: the
 * shape of the rows, determinism, and the models' closed-form moments within sampling error.
 */
class ModelTransactionsTest extends SparkTestSession {
  private static final LocalDate FIRST_DAY = LocalDate.of(2023, 1, 1);
  private static final LocalDate LAST_DAY = LocalDate.of(2025, 12, 31);

  /** Enough customers that 4 standard errors are about 3 % of the mean repeat purchases. */
  private static final long CUSTOMERS = 40_000;

  private static ModelGeneratorSettings settings(long customers, long seed, PurchaseModel model) {
    return new ModelGeneratorSettings(
        customers, seed, model, GammaGammaSpend.CDNOW, FIRST_DAY, LAST_DAY);
  }

  @Test
  void oneLinePerPurchaseDayWithTheGeneratorsSchema() {
    ModelGeneratorSettings settings = settings(3_000, 5, PurchaseModel.BgNbd.CDNOW);
    Dataset<Row> rows = ModelTransactions.generate(spark, settings);
    assertEquals(SyntheticTransactions.SCHEMA, rows.schema());

    Row check =
        rows.agg(
                count(lit(1)),
                countDistinct(col("order_id")),
                countDistinct(col("customer_id"), to_date(col("order_ts"))),
                min("customer_id"),
                max("customer_id"),
                countDistinct(col("customer_id")),
                min("amount"),
                min("order_ts"),
                max("order_ts"),
                sum(
                    when(
                            hour(col("order_ts"))
                                .equalTo(12)
                                .and(minute(col("order_ts")).equalTo(0)),
                            1)
                        .otherwise(0)))
            .first();
    long lines = check.getLong(0);
    assertTrue(lines > 3_000, "every customer buys once, some again: " + lines);
    assertEquals(lines, check.getLong(1), "one line per order");
    assertEquals(lines, check.getLong(2), "one order per customer and day");
    assertEquals(1L, check.getLong(3));
    assertEquals(3_000L, check.getLong(4));
    assertEquals(3_000L, check.getLong(5), "every customer of 1..N buys");
    assertTrue(check.getDecimal(6).signum() > 0, "amounts are positive: " + check.getDecimal(6));
    assertEquals(FIRST_DAY, check.getTimestamp(7).toLocalDateTime().toLocalDate());
    assertEquals(LAST_DAY, check.getTimestamp(8).toLocalDateTime().toLocalDate());
    assertEquals(lines, check.getLong(9), "every order at noon UTC");

    LocalDate lastFirstPurchase =
        perCustomer(rows).agg(max("first_day")).first().getDate(0).toLocalDate();
    assertTrue(
        lastFirstPurchase.isBefore(FIRST_DAY.plusDays(settings.acquisitionDays())),
        "first purchases in the first 80 % of the span: " + lastFirstPurchase);
    assertTrue(lastFirstPurchase.isAfter(FIRST_DAY.plusDays(settings.acquisitionDays() - 10)));
  }

  @Test
  void sameSeedSameRowsWhateverThePartitioning() {
    ModelGeneratorSettings settings = settings(2_000, 11, PurchaseModel.ParetoNbd.CDNOW);
    Dataset<Row> once = ModelTransactions.generate(spark, settings);
    Dataset<Row> inSmallPartitions = ModelTransactions.generate(spark, settings, 300);
    Dataset<Row> otherSeed =
        ModelTransactions.generate(spark, settings(2_000, 12, PurchaseModel.ParetoNbd.CDNOW));

    assertEquals(1, once.rdd().getNumPartitions());
    assertEquals(7, inSmallPartitions.rdd().getNumPartitions());
    assertEquals(
        0, once.exceptAll(inSmallPartitions).count() + inSmallPartitions.exceptAll(once).count());
    assertTrue(once.exceptAll(otherSeed).count() > once.count() / 2);
  }

  @Test
  void purchasesOnATakenDayMoveToTheNextFreeDayWithinTheObservation() {
    assertArrayEquals(new int[] {0}, ModelTransactions.purchaseDays(new double[0], 10));
    // 0.05 weeks rounds to day 0 (the first purchase's), 0.3 and 0.31 both to day 2.
    assertArrayEquals(
        new int[] {0, 1, 2, 3, 9},
        ModelTransactions.purchaseDays(new double[] {0.05, 0.3, 0.31, 9.0 / 7}, 10));
    assertArrayEquals(
        new int[] {0, 10}, ModelTransactions.purchaseDays(new double[] {10.0 / 7, 10.2 / 7}, 10));
  }

  /**
   * BG/NBD (Fader, Hardie and Lee 2005): P(X(t) = 0) = (alpha / (alpha + t))^r and, eq. 9, E[X(t)]
   * = (a + b − 1) / (a − 1) · [1 − (alpha / (alpha + t))^r · 2F1(r, b; a + b − 1; t / (alpha +
   * t))], averaged over the customers' own observation lengths.
   */
  @Test
  void bgNbdRepeatPurchasesAndSpendMatchTheClosedForms() {
    PurchaseModel.BgNbd m = PurchaseModel.BgNbd.CDNOW;
    List<Row> customers = collectPerCustomer(settings(CUSTOMERS, 21, m));

    assertMeanMatches(
        "BG/NBD E[X(T)]",
        customers,
        row -> row.getLong(1),
        t ->
            (m.a() + m.b() - 1)
                / (m.a() - 1)
                * (1
                    - Math.pow(m.alpha() / (m.alpha() + t), m.r())
                        * hypergeometric2F1(m.r(), m.b(), m.a() + m.b() - 1, t / (m.alpha() + t))));
    assertMeanMatches(
        "BG/NBD P(X(T) = 0)",
        customers,
        row -> row.getLong(1) == 0 ? 1 : 0,
        t -> Math.pow(m.alpha() / (m.alpha() + t), m.r()));
    assertSpendMatches(customers);
  }

  /**
   * Pareto/NBD (Schmittlein, Morrison and Colombo 1987; Fader and Hardie's note on its moments):
   * E[X(t)] = r·beta / (alpha·(s − 1)) · [1 − (beta / (beta + t))^(s − 1)].
   */
  @Test
  void paretoNbdRepeatPurchasesAndSpendMatchTheClosedForms() {
    PurchaseModel.ParetoNbd m = PurchaseModel.ParetoNbd.CDNOW;
    List<Row> customers = collectPerCustomer(settings(CUSTOMERS, 22, m));

    assertMeanMatches(
        "Pareto/NBD E[X(T)]",
        customers,
        row -> row.getLong(1),
        t ->
            m.r()
                * m.beta()
                / (m.alpha() * (m.s() - 1))
                * (1 - Math.pow(m.beta() / (m.beta() + t), m.s() - 1)));
    assertSpendMatches(customers);
  }

  /** Gamma-Gamma: a transaction's value has mean p·gamma / (q − 1) = 35.22 at CDNOW's estimates. */
  private static void assertSpendMatches(List<Row> customers) {
    GammaGammaSpend g = GammaGammaSpend.CDNOW;
    assertMeanMatches(
        "Gamma-Gamma E[z] of first purchases",
        customers,
        row -> row.getDecimal(3).doubleValue(),
        t -> g.p() * g.gamma() / (g.q() - 1));
  }

  /**
   * Asserts that the mean of {@code observed} over the customers is within 4 standard errors of the
   * mean of {@code expected} at each customer's observation length T (weeks), and that the standard
   * error is below 2 % of the expectation, so the check has teeth.
   */
  private static void assertMeanMatches(
      String name,
      List<Row> customers,
      java.util.function.ToDoubleFunction<Row> observed,
      DoubleUnaryOperator expected) {
    double sum = 0;
    double sumSquares = 0;
    double expectedSum = 0;
    for (Row row : customers) {
      double difference =
          observed.applyAsDouble(row) - expected.applyAsDouble(row.getLong(2) / 7.0);
      sum += difference;
      sumSquares += difference * difference;
      expectedSum += expected.applyAsDouble(row.getLong(2) / 7.0);
    }
    int n = customers.size();
    double meanDifference = sum / n;
    double standardError = Math.sqrt((sumSquares / n - meanDifference * meanDifference) / (n - 1));
    double expectedMean = expectedSum / n;
    String figures =
        String.format(
            "%s: observed %.4f, expected %.4f, standard error %.4f",
            name, expectedMean + meanDifference, expectedMean, standardError);
    assertTrue(standardError < 0.02 * expectedMean, figures);
    assertTrue(Math.abs(meanDifference) < 4 * standardError, figures);
  }

  /** Gauss's series, summed until its terms stop mattering (|z| < 1). */
  private static double hypergeometric2F1(double a, double b, double c, double z) {
    double term = 1;
    double sum = 1;
    for (int n = 0; n < 100_000 && Math.abs(term) > 1e-16 * Math.abs(sum); n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
    }
    return sum;
  }

  /**
   * customer_id, x (repeat purchase days), T (days from first purchase to the last day), first
   * amount.
   */
  private static List<Row> collectPerCustomer(ModelGeneratorSettings settings) {
    return perCustomer(ModelTransactions.generate(spark, settings))
        .selectExpr(
            "customer_id",
            "purchase_days - 1",
            "cast(datediff(date'" + LAST_DAY + "', first_day) as bigint)",
            "first_amount")
        .collectAsList();
  }

  private static Dataset<Row> perCustomer(Dataset<Row> rows) {
    return rows.groupBy("customer_id")
        .agg(
            count(lit(1)).as("purchase_days"),
            to_date(min("order_ts")).as("first_day"),
            min_by(col("amount"), col("order_ts")).as("first_amount"));
  }
}
