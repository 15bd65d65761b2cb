package com.customervalue.segments.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class SyntheticTransactionsTest extends SparkTestSession {
  private static final GeneratorSettings SETTINGS =
      new GeneratorSettings(
          5_000, 60_000, 7, 3.0, 0.03, LocalDate.of(2023, 1, 1), LocalDate.of(2025, 12, 31));

  @Test
  void writesExactlyTheRequestedLinesWithTheDocumentedSchema() {
    Dataset<Row> lines = SyntheticTransactions.generate(spark, SETTINGS);
    assertEquals(
        "customer_id BIGINT, order_id BIGINT, order_ts TIMESTAMP, amount DECIMAL(12,2)",
        String.join(
            ", ",
            java.util.Arrays.stream(lines.schema().fields())
                .map(f -> f.name() + " " + f.dataType().sql())
                .toList()));

    Row stats =
        lines
            .agg(
                count(lit(1)),
                min("customer_id"),
                max("customer_id"),
                min("order_ts"),
                max("order_ts"),
                countDistinct(col("order_id")))
            .first();
    assertEquals(60_000L, stats.getLong(0));
    assertTrue(stats.getLong(1) >= 1 && stats.getLong(2) <= 5_000, "customer ids in 1..N");
    assertTrue(!stats.getTimestamp(3).before(Timestamp.valueOf("2023-01-01 00:00:00")));
    assertTrue(stats.getTimestamp(4).before(Timestamp.valueOf("2026-01-01 00:00:00")));
    double linesPerOrder = 60_000.0 / stats.getLong(5);
    assertTrue(
        linesPerOrder > 2.8 && linesPerOrder < 3.2,
        "mean lines per order near 3: " + linesPerOrder);
  }

  @Test
  void sameSeedSameRowsOtherSeedOtherRows() {
    GeneratorSettings small =
        new GeneratorSettings(
            300, 2_000, 11, 3.0, 0.03, LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31));
    Dataset<Row> once = SyntheticTransactions.generate(spark, small);
    Dataset<Row> again = SyntheticTransactions.generate(spark, small);
    Dataset<Row> otherSeed =
        SyntheticTransactions.generate(
            spark,
            new GeneratorSettings(
                300, 2_000, 12, 3.0, 0.03, LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31)));

    assertEquals(0, once.exceptAll(again).count() + again.exceptAll(once).count());
    assertTrue(once.exceptAll(otherSeed).count() > 1_000);
  }

  @Test
  void ordersAreWholeAndAFewPercentAreReturns() {
    Dataset<Row> orders =
        SyntheticTransactions.generate(spark, SETTINGS)
            .groupBy("order_id")
            .agg(
                countDistinct(col("customer_id")).as("customers"),
                countDistinct(col("order_ts")).as("times"),
                sum(when(col("amount").lt(0), 1).otherwise(0)).as("negative_lines"),
                count(lit(1)).as("lines"));
    Row check =
        orders
            .agg(
                max("customers"),
                max("times"),
                sum(
                    when(col("negative_lines").gt(0).and(col("negative_lines").lt(col("lines"))), 1)
                        .otherwise(0)),
                sum(when(col("negative_lines").gt(0), 1).otherwise(0)),
                count(lit(1)))
            .first();

    assertEquals(1L, check.getLong(0), "an order belongs to one customer");
    assertEquals(1L, check.getLong(1), "an order has one timestamp");
    assertEquals(0L, check.getLong(2), "a return order has only negative lines");
    double returnShare = (double) check.getLong(3) / check.getLong(4);
    assertTrue(returnShare > 0.02 && returnShare < 0.04, "return share near 3 %: " + returnShare);
  }

  @Test
  void activityAndSpendAreHeavyTailed() {
    Dataset<Row> perCustomer =
        SyntheticTransactions.generate(spark, SETTINGS)
            .groupBy("customer_id")
            .agg(sum("amount").as("spend"), countDistinct("order_id").as("orders"));
    long customers = perCustomer.count();
    List<Row> ranked =
        perCustomer
            .withColumn("rank", functions.row_number().over(Window.orderBy(col("spend").desc())))
            .agg(
                sum(when(col("rank").leq(customers / 10), col("spend"))),
                sum("spend"),
                max("orders"),
                functions.percentile_approx(col("orders"), lit(0.5), lit(10_000)))
            .collectAsList();
    double topDecileShare =
        ranked.get(0).getDecimal(0).doubleValue() / ranked.get(0).getDecimal(1).doubleValue();
    assertTrue(
        topDecileShare > 0.4,
        "the top 10 % of customers bring most of the money: " + topDecileShare);
    assertTrue(
        ranked.get(0).getLong(2) > 10 * ranked.get(0).getLong(3),
        "the most active customer orders far more often than the median one");
  }
}
