package com.customervalue.segments.distribute;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.QuantileMode;
import com.customervalue.segments.score.Type7;
import com.customervalue.segments.tier.ValueTiers;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ValueDistributionTest extends SparkTestSession {
  private static final StructType SEGMENTS =
      new StructType()
          .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
          .add(CustomerMetrics.RECENCY_DAYS, DataTypes.IntegerType)
          .add(CustomerMetrics.FREQUENCY, DataTypes.IntegerType)
          .add(CustomerMetrics.MONETARY, CustomerMetrics.MONEY_TYPE)
          .add(CustomerMetrics.AVG_ORDER_VALUE, CustomerMetrics.MONEY_TYPE)
          .add(ValueTiers.VALUE_TIER, DataTypes.StringType);

  private static Dataset<Row> distribution;

  private static Row customer(
      String id, Integer recency, int frequency, String monetary, String tier) {
    BigDecimal money = new BigDecimal(monetary).setScale(4);
    return RowFactory.create(
        id,
        recency,
        frequency,
        money,
        frequency == 0
            ? null
            : money.divide(BigDecimal.valueOf(frequency), 4, java.math.RoundingMode.HALF_UP),
        tier);
  }

  /** Four buyers, one holding almost everything, and a non-buyer who must not count. */
  @BeforeAll
  static void compute() {
    Dataset<Row> segments =
        spark.createDataFrame(
            List.of(
                customer("a", 1, 1, "10", "iron"),
                customer("b", 1, 1, "10", "iron"),
                customer("c", 1, 1, "10", "iron"),
                customer("d", 97, 7, "970", "gold"),
                customer("returns-only", null, 0, "-50", "iron")),
            SEGMENTS);
    distribution = ValueDistribution.compute(segments, QuantileMode.EXACT, 0.001).cache();
  }

  private static double value(String metric, String tier, String statistic, int position) {
    return distribution
        .filter(
            col("metric")
                .equalTo(metric)
                .and(col("value_tier").equalTo(tier))
                .and(col("statistic").equalTo(statistic))
                .and(col("position").equalTo(position)))
        .first()
        .getAs("value");
  }

  @Test
  void giniIsExactForDaysAndPurchases() {
    // Recency 1, 1, 1, 97: sum (2i - n - 1) x_(i) / (n sum x) = 288 / 400.
    assertEquals(0.72, value("recency_days", "all", "gini", 0), 1e-12);
    // Frequency 1, 1, 1, 7: (-3 - 1 + 1 + 21) / 40.
    assertEquals(0.45, value("frequency", "all", "gini", 0), 1e-12);
    assertEquals(0.0, value("frequency", "iron", "gini", 0), 1e-12);
  }

  @Test
  void moneyGiniLorenzAndTopSharesAreExact() {
    // Monetary 10, 10, 10, 970: exact Gini (−30 − 10 + 10 + 2910) / 4000 = 0.72.
    assertEquals(0.72, value("monetary", "all", "gini", 0), 1e-9);
    // The top 20 % of 4 buyers is round(0.8) = 1 customer, d: 970 / 1000.
    assertEquals(0.97, value("monetary", "all", "top_share", 20), 1e-9);
    assertEquals(0.03, value("monetary", "all", "lorenz", 75), 1e-9);
    assertEquals(0.0, value("monetary", "all", "lorenz", 0), 1e-12);
    assertEquals(1.0, value("monetary", "all", "lorenz", 100), 1e-12);
  }

  @Test
  void quantilesInterpolateOverTheBuyersOfEachScope() {
    assertEquals(1.0, value("recency_days", "all", "quantile", 50), 1e-12);
    // (n - 1) p = 3 * 0.9 = 2.7: 1 + 0.7 * (97 - 1).
    assertEquals(68.2, value("recency_days", "all", "quantile", 90), 1e-9);
    assertEquals(97.0, value("recency_days", "gold", "quantile", 50), 1e-12);
  }

  @Test
  void histogramsCountEveryBuyerOnceInBinsThatTileTheRange() {
    Map<String, Long> customersByScope =
        distribution
            .filter(col("statistic").equalTo("histogram"))
            .groupBy("metric", "value_tier")
            .sum("customers")
            .collectAsList()
            .stream()
            .collect(
                Collectors.toMap(
                    row -> row.getString(0) + "/" + row.getString(1), row -> row.getLong(2)));
    for (String metric : ValueDistribution.METRICS) {
      assertEquals(4L, customersByScope.get(metric + "/all"), metric);
      assertEquals(3L, customersByScope.get(metric + "/iron"), metric);
      assertEquals(1L, customersByScope.get(metric + "/gold"), metric);
    }
    List<Row> money =
        distribution
            .filter(
                col("statistic")
                    .equalTo("histogram")
                    .and(col("metric").equalTo("monetary"))
                    .and(col("value_tier").equalTo("all")))
            .orderBy("position")
            .collectAsList();
    assertEquals(2, money.size());
    assertEquals(10.0, money.get(0).<Double>getAs("lower_bound"), 1e-9); // [10, 17.78)
    assertEquals(Math.pow(10, 1.25), money.get(0).<Double>getAs("upper_bound"), 1e-9);
    assertEquals(3L, (Long) money.get(0).getAs("customers"));
    assertEquals(30.0, money.get(0).<Double>getAs("value"), 1e-9);
    assertEquals(
        Math.pow(10, 2.75), money.get(1).<Double>getAs("lower_bound"), 1e-9); // [562.3, 1000)
    List<Row> recency =
        distribution
            .filter(
                col("statistic")
                    .equalTo("histogram")
                    .and(col("metric").equalTo("recency_days"))
                    .and(col("value_tier").equalTo("all")))
            .orderBy("position")
            .collectAsList();
    assertEquals(
        List.of(0.0, 90.0), recency.stream().map(row -> row.<Double>getAs("lower_bound")).toList());
  }

  /**
   * Gini, Lorenz points (interpolated at i/n steps) and top shares (of the round(p n) largest) of
   * sorted values, below 0 as 0, in plain Java.
   */
  private static Map<String, Double> plainConcentration(List<Double> values) {
    double[] x = values.stream().mapToDouble(v -> Math.max(0, v)).sorted().toArray();
    int n = x.length;
    double[] partial = new double[n + 1];
    for (int i = 0; i < n; i++) {
      partial[i + 1] = partial[i] + x[i];
    }
    double total = partial[n];
    double weighted = 0;
    for (int i = 0; i < n; i++) {
      weighted += (2.0 * (i + 1) - n - 1) * x[i];
    }
    java.util.function.DoubleUnaryOperator lorenz =
        share -> {
          double position = share * n;
          int k = (int) Math.floor(position);
          return k >= n ? 1.0 : (partial[k] + (position - k) * x[k]) / total;
        };
    Map<String, Double> statistics = new java.util.TreeMap<>();
    statistics.put("gini 0", weighted / (n * total));
    for (int percent = 0; percent <= 100; percent += 5) {
      statistics.put("lorenz " + percent, lorenz.applyAsDouble(percent / 100.0));
    }
    for (int percent : new int[] {1, 5, 10, 20}) {
      long top = Math.round(n * percent / 100.0);
      statistics.put("top_share " + percent, (total - partial[(int) (n - top)]) / total);
    }
    return statistics;
  }

  /**
   * Money's p1..p99 come from its bins' order statistics: ties, values at and below zero, bins over
   * several partitions and amounts beyond what a double holds to four decimals (from 10^11) still
   * give type 7 over the exact values.
   */
  @Test
  void moneyPercentilesAreTheExactType7OverEveryScope() {
    java.util.Random random = new java.util.Random(26);
    String[] tiers = {"gold", "silver", "iron"};
    List<Row> customers = new java.util.ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String monetary =
          i % 100 == 7
              ? new BigDecimal("234567890123.4567").add(BigDecimal.valueOf(i, 4)).toPlainString()
              : BigDecimal.valueOf(random.nextInt(500) - 40, 0)
                  .multiply(new BigDecimal("1.0001"))
                  .toPlainString();
      customers.add(
          customer(
              "c" + i, 1 + random.nextInt(300), 1 + random.nextInt(3), monetary, tiers[i % 3]));
    }
    Dataset<Row> segments = spark.createDataFrame(customers, SEGMENTS).repartition(4);
    Dataset<Row> published = ValueDistribution.compute(segments, QuantileMode.EXACT, 0.001);
    for (String metric : ValueDistribution.METRICS) {
      for (String scope : List.of("all", "gold", "silver", "iron")) {
        List<BigDecimal> values =
            customers.stream()
                .filter(row -> scope.equals("all") || scope.equals(row.getAs(5)))
                .map(row -> new BigDecimal(row.get(SEGMENTS.fieldIndex(metric)).toString()))
                .toList();
        assertArrayEquals(
            Type7.percentiles(values, BuyerPercentiles.PERCENTS),
            quantiles(published, metric, scope),
            metric + " " + scope);
      }
    }
  }

  private static double[] quantiles(Dataset<Row> published, String metric, String scope) {
    return published
        .filter(
            col("metric")
                .equalTo(metric)
                .and(col("value_tier").equalTo(scope))
                .and(col("statistic").equalTo("quantile")))
        .orderBy("position")
        .collectAsList()
        .stream()
        .mapToDouble(row -> row.<Double>getAs("value"))
        .toArray();
  }

  /**
   * Ties within and across tiers, money at and below zero, and each bin's buyers spread over
   * several partitions (so its sorted runs are merged): still the plain computation.
   */
  @Test
  void moneyConcentrationWithTiesAndNegativesOverPartitionsEqualsThePlainComputation() {
    java.util.Random random = new java.util.Random(16);
    String[] tiers = {"gold", "silver", "iron"};
    List<Row> customers = new java.util.ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      // 1/10,000 steps, a few hundred distinct values, some at or below zero.
      String monetary =
          BigDecimal.valueOf(random.nextInt(400) - 20, 0)
              .multiply(new BigDecimal("1.2345"))
              .toPlainString();
      customers.add(
          customer(
              "c" + i,
              random.nextInt(300),
              1 + random.nextInt(5),
              monetary,
              tiers[random.nextInt(3)]));
    }
    Dataset<Row> segments = spark.createDataFrame(customers, SEGMENTS).repartition(5);
    Dataset<Row> published = ValueDistribution.compute(segments, QuantileMode.APPROXIMATE, 0.01);
    for (String metric : List.of(CustomerMetrics.MONETARY, CustomerMetrics.AVG_ORDER_VALUE)) {
      for (String scope : List.of("all", "gold", "silver", "iron")) {
        List<Double> values =
            customers.stream()
                .filter(row -> scope.equals("all") || scope.equals(row.getAs(5)))
                .map(
                    row ->
                        ((BigDecimal) row.get(metric.equals(CustomerMetrics.MONETARY) ? 3 : 4))
                            .doubleValue())
                .toList();
        assertSameConcentration(plainConcentration(values), published, metric, scope);
      }
    }
  }

  private static void assertSameConcentration(
      Map<String, Double> expected, Dataset<Row> published, String metric, String scope) {
    Map<String, Double> actual =
        published
            .filter(
                col("metric")
                    .equalTo(metric)
                    .and(col("value_tier").equalTo(scope))
                    .and(col("statistic").isin("gini", "lorenz", "top_share")))
            .collectAsList()
            .stream()
            .collect(
                Collectors.toMap(
                    row -> row.getAs("statistic") + " " + row.getAs("position"),
                    row -> row.<Double>getAs("value")));
    assertEquals(expected.keySet(), new java.util.TreeSet<>(actual.keySet()), metric + " " + scope);
    expected.forEach(
        (statistic, value) ->
            assertEquals(
                value, actual.get(statistic), 1e-9, metric + " " + scope + " " + statistic));
  }

  @Test
  void moneyConcentrationOnOnlineRetailEqualsThePlainComputation() {
    Dataset<Row> segments =
        spark
            .read()
            .parquet(
                com.customervalue.segments.OnlineRetailHistory.root(spark)
                    .resolve("customer_segments")
                    .toString())
            .filter(col("snapshot_date").equalTo(java.sql.Date.valueOf("2011-12-10")));
    Dataset<Row> published = ValueDistribution.compute(segments, QuantileMode.EXACT, 0.001);
    List<Row> buyers = segments.filter(CustomerMetrics.isBuyer()).collectAsList();
    for (String metric : List.of(CustomerMetrics.MONETARY, CustomerMetrics.AVG_ORDER_VALUE)) {
      for (String scope : List.of("all", "gold", "silver", "copper", "iron")) {
        List<Double> values =
            buyers.stream()
                .filter(
                    row -> scope.equals("all") || scope.equals(row.getAs(ValueTiers.VALUE_TIER)))
                .map(row -> row.<BigDecimal>getAs(metric))
                .filter(java.util.Objects::nonNull)
                .map(BigDecimal::doubleValue)
                .toList();
        assertSameConcentration(plainConcentration(values), published, metric, scope);
      }
    }
    // p1..p99 of every metric and scope: type 7 over the values as published (money with its four
    // decimals, not as doubles), computed exactly and rounded once.
    for (String metric : ValueDistribution.METRICS) {
      for (String scope : List.of("all", "gold", "silver", "copper", "iron")) {
        List<BigDecimal> values =
            buyers.stream()
                .filter(
                    row -> scope.equals("all") || scope.equals(row.getAs(ValueTiers.VALUE_TIER)))
                .map(row -> row.get(row.fieldIndex(metric)))
                .filter(java.util.Objects::nonNull)
                .map(value -> new BigDecimal(value.toString()))
                .toList();
        assertArrayEquals(
            Type7.percentiles(values, BuyerPercentiles.PERCENTS),
            quantiles(published, metric, scope),
            metric + " " + scope);
      }
    }
    // Issue 16 quotes these, computed exactly over the same buyers; the fine bins had given
    // 0.70401 and 29.742 %.
    Map<String, Double> monetary =
        published
            .filter(
                col("metric")
                    .equalTo(CustomerMetrics.MONETARY)
                    .and(col("value_tier").equalTo("all")))
            .collectAsList()
            .stream()
            .collect(
                Collectors.toMap(
                    row -> row.getAs("statistic") + " " + row.getAs("position"),
                    row -> row.<Double>getAs("value")));
    assertEquals(0.70427, monetary.get("gini 0"), 5e-6);
    assertEquals(0.29666, monetary.get("top_share 1"), 5e-6);
  }
}
