package com.customervalue.segments.score;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmScoresTest extends SparkTestSession {
  private static final StructType METRICS =
      new StructType()
          .add(CustomerMetrics.CUSTOMER_ID, DataTypes.StringType)
          .add(CustomerMetrics.RECENCY_DAYS, DataTypes.IntegerType)
          .add(CustomerMetrics.FREQUENCY, DataTypes.IntegerType)
          .add(CustomerMetrics.MONETARY, CustomerMetrics.MONEY_TYPE);

  private static Row customer(String id, Integer recency, int frequency, String monetary) {
    return RowFactory.create(id, recency, frequency, new BigDecimal(monetary).setScale(4));
  }

  private static Dataset<Row> metrics(List<Row> rows) {
    return spark.createDataFrame(rows, METRICS);
  }

  private static List<BigDecimal> decimals(String... values) {
    return Arrays.stream(values)
        .map(v -> new BigDecimal(v).setScale(RfmScores.BREAK_SCALE))
        .toList();
  }

  private static Map<String, String> cells(Dataset<Row> metrics, ScoreBreaks breaks) {
    return RfmScores.score(metrics, breaks).collectAsList().stream()
        .collect(
            Collectors.toMap(
                row -> row.getString(0),
                row -> String.valueOf((Object) row.getAs(RfmScores.RFM_CELL))));
  }

  @Test
  void breaksInterpolateLinearlyBetweenTheBuyersValues() {
    // Ten buyers: recency 10..100, frequency 1..10, monetary 100..1000; one non-buyer.
    List<Row> rows =
        new ArrayList<>(
            IntStream.rangeClosed(1, 10)
                .mapToObj(i -> customer("c" + i, 10 * i, i, String.valueOf(100 * i)))
                .toList());
    rows.add(customer("returns-only", null, 0, "-50"));
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);

    // Positions (n - 1) p = 1.8, 3.6, 5.4, 7.2 (R type 7); the non-buyer does not count.
    assertEquals(decimals("28", "46", "64", "82"), breaks.recency().values());
    assertEquals(decimals("2.8", "4.6", "6.4", "8.2"), breaks.frequency().values());
    assertEquals(decimals("280", "460", "640", "820"), breaks.monetary().values());
    assertEquals(BreakMethod.QUANTILE, breaks.frequency().method());
    assertEquals(
        List.of(Optional.of(0.2), Optional.of(0.4), Optional.of(0.6), Optional.of(0.8)),
        breaks.monetary().quantiles());
  }

  @Test
  void scoresAreRightClosedWithRecencyReversed() {
    ScoreBreaks breaks =
        new ScoreBreaks(
            5,
            MetricBreaks.fixed(decimals("10", "20", "30", "40")),
            MetricBreaks.fixed(decimals("1", "2", "3", "4")),
            MetricBreaks.fixed(decimals("100", "200", "300", "400")));
    Map<String, String> cells =
        cells(
            metrics(
                List.of(
                    customer(
                        "on-every-first-break", 10, 1, "100"), // equal to a break: the lower bin
                    customer("just-above", 11, 2, "100.0001"),
                    customer("middle", 25, 3, "250"),
                    customer("beyond-the-last", 41, 9, "401"),
                    customer("non-buyer", null, 0, "0"))),
            breaks);

    assertEquals("511", cells.get("on-every-first-break"));
    assertEquals("422", cells.get("just-above"));
    assertEquals("333", cells.get("middle"));
    assertEquals("155", cells.get("beyond-the-last"));
    assertEquals("null", cells.get("non-buyer"));
  }

  /** Each score's buyers by the metric's value. */
  private static Map<Integer, List<Integer>> scoresByValue(
      Dataset<Row> scored, String metric, String score) {
    return scored.collectAsList().stream()
        .collect(
            Collectors.groupingBy(
                row -> row.<Integer>getAs(metric),
                TreeMap::new,
                Collectors.mapping(row -> row.<Integer>getAs(score), Collectors.toList())));
  }

  @Test
  void tiesThatLeaveAScoreEmptyAreResolvedWithoutAGap() {
    // Frequencies 1,1,1,1,2,2,3,3,3,7: quantile breaks 1, 1.6, 2.4 and 3. Nobody lies in (1, 1.6],
    // so score 2 would be skipped (the 2s would score 3): the break 1.6 is dropped.
    int[] frequencies = {1, 1, 1, 1, 2, 2, 3, 3, 3, 7};
    List<Row> rows =
        IntStream.range(0, frequencies.length)
            .mapToObj(i -> customer("c" + i, 5, frequencies[i], "10"))
            .toList();
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    assertEquals(
        new MetricBreaks(
            BreakMethod.QUANTILE_TIES_RESOLVED,
            decimals("1", "2.4", "3"),
            List.of(Optional.of(0.2), Optional.of(0.6), Optional.of(0.8))),
        breaks.frequency());
    assertEquals(
        Map.of(1, List.of(1, 1, 1, 1), 2, List.of(2, 2), 3, List.of(3, 3, 3), 7, List.of(4)),
        scoresByValue(
            RfmScores.score(metrics(rows), breaks), CustomerMetrics.FREQUENCY, RfmScores.F_SCORE));
  }

  @Test
  void repeatedBreaksCollapseAndRecencyStaysContiguousFromTheTop() {
    // Recency 10 (six buyers), 20, 30, 40, 50: quantile breaks 10, 10, 14, 32, so (10, 10] and
    // (10, 14] are empty. Frequency 1 (five buyers), 2, 2, 3, 4, 6, like CDNOW's: breaks 1, 1, 2,
    // 3.2.
    int[] recency = {10, 10, 10, 10, 10, 10, 20, 30, 40, 50};
    int[] frequency = {1, 1, 1, 1, 1, 2, 2, 3, 4, 6};
    List<Row> rows =
        IntStream.range(0, recency.length)
            .mapToObj(i -> customer("c" + i, recency[i], frequency[i], String.valueOf(i)))
            .toList();
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    assertEquals(decimals("10", "32"), breaks.recency().values());
    assertEquals(List.of(Optional.of(0.2), Optional.of(0.8)), breaks.recency().quantiles());
    assertEquals(decimals("1", "2", "3.2"), breaks.frequency().values());
    assertEquals(BreakMethod.QUANTILE, breaks.monetary().method());

    Dataset<Row> scored = RfmScores.score(metrics(rows), breaks);
    assertEquals(
        Map.of(
            10,
            List.of(5, 5, 5, 5, 5, 5),
            20,
            List.of(4),
            30,
            List.of(4),
            40,
            List.of(3),
            50,
            List.of(3)),
        scoresByValue(scored, CustomerMetrics.RECENCY_DAYS, RfmScores.R_SCORE));
    assertEquals(
        Map.of(
            1,
            List.of(1, 1, 1, 1, 1),
            2,
            List.of(2, 2),
            3,
            List.of(3),
            4,
            List.of(4),
            6,
            List.of(4)),
        scoresByValue(scored, CustomerMetrics.FREQUENCY, RfmScores.F_SCORE));
  }

  @Test
  void aBreakIsKeptWhenTheScoreItClosesHoldsABuyer() {
    List<BigDecimal> quantiles = decimals("1", "1", "2", "4");
    // CDNOW's frequency as of 1998-07-01: 11,843 buyers at 1, nobody in (1, 1].
    assertEquals(
        new MetricBreaks(
            BreakMethod.QUANTILE_TIES_RESOLVED,
            decimals("1", "2", "4"),
            List.of(Optional.of(0.2), Optional.of(0.6), Optional.of(0.8))),
        RfmScores.resolveTies(quantiles, 5, new long[] {11_843, 0, 4_079, 3_655, 3_993}));
    // Nobody above the last break: the last kept break goes, its buyers score highest.
    assertEquals(
        decimals("1", "2"),
        RfmScores.resolveTies(quantiles, 5, new long[] {5, 0, 3, 2, 0}).values());
    // Everyone tied: no break, one score.
    assertEquals(
        List.of(), RfmScores.resolveTies(quantiles, 5, new long[] {9, 0, 0, 0, 0}).values());
    // No empty score: the quantiles as they are.
    assertEquals(
        MetricBreaks.quantiles(quantiles, 5),
        RfmScores.resolveTies(quantiles, 5, new long[] {1, 1, 1, 1, 1}));
  }

  @Test
  void allEqualValuesGiveEveryoneTheSameScores() {
    List<Row> rows =
        IntStream.range(0, 7).mapToObj(i -> customer("c" + i, 30, 2, "99.99")).toList();
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    assertEquals(List.of(), breaks.frequency().values());
    assertEquals(
        Map.of("511", 7L),
        cells(metrics(rows), breaks).values().stream()
            .collect(Collectors.groupingBy(cell -> cell, Collectors.counting())));
  }

  @Test
  void fewerBuyersThanBinsGetAdjacentScores() {
    List<Row> rows = List.of(customer("a", 10, 1, "10"), customer("b", 20, 3, "20"));
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    assertEquals(decimals("12"), breaks.recency().values());
    assertEquals(Map.of("a", "511", "b", "422"), cells(metrics(rows), breaks));
  }

  @Test
  void fixedBreaksAreUsedAsGivenEvenWhereAScoreStaysEmpty() {
    // Frequencies 1..3 and 9 against fixed breaks 1, 2, 3, 5: nobody has 4 or 5 purchases.
    List<Row> rows =
        List.of(
            customer("a", 10, 1, "10"),
            customer("b", 20, 2, "20"),
            customer("c", 30, 3, "30"),
            customer("d", 40, 9, "40"));
    FixedBreaks fixed =
        new FixedBreaks(
            Optional.empty(), Optional.of(decimals("1", "2", "3", "5")), Optional.empty());
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, fixed, QuantileMode.EXACT, 0.001);
    assertEquals(MetricBreaks.fixed(decimals("1", "2", "3", "5")), breaks.frequency());
    // The other metrics by quantiles: four buyers leave one of five scores empty.
    assertEquals(BreakMethod.QUANTILE_TIES_RESOLVED, breaks.recency().method());
    assertEquals(
        Map.of(1, List.of(1), 2, List.of(2), 3, List.of(3), 9, List.of(5)),
        scoresByValue(
            RfmScores.score(metrics(rows), breaks), CustomerMetrics.FREQUENCY, RfmScores.F_SCORE));
  }

  @Test
  void noScoreThatOccursIsSkippedOnHeavilyTiedData() {
    // Geometric frequencies (half buy once), recency in a few distinct days, money in 3 values.
    List<Row> rows =
        IntStream.range(0, 300)
            .mapToObj(
                i ->
                    customer(
                        "c" + i,
                        1 + (i % 7 == 0 ? 200 : i % 3),
                        1 + Integer.numberOfTrailingZeros(i + 1),
                        String.valueOf(10 * (i % 3 == 0 ? 5 : 1))))
            .toList();
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    List<Row> scored = RfmScores.score(metrics(rows), breaks).collectAsList();
    for (String score : List.of(RfmScores.R_SCORE, RfmScores.F_SCORE, RfmScores.M_SCORE)) {
      java.util.SortedSet<Integer> occurring = new TreeSet<>();
      scored.forEach(row -> occurring.add(row.getAs(score)));
      int k = occurring.size();
      List<Integer> expected =
          score.equals(RfmScores.R_SCORE)
              ? IntStream.rangeClosed(5 - k + 1, 5).boxed().toList()
              : IntStream.rangeClosed(1, k).boxed().toList();
      assertEquals(expected, List.copyOf(occurring), score);
    }
    assertEquals(BreakMethod.QUANTILE_TIES_RESOLVED, breaks.frequency().method());
    assertEquals(BreakMethod.QUANTILE_TIES_RESOLVED, breaks.monetary().method());
  }

  @Test
  void thresholdsSayHowEachMetricsBreaksWereFound() {
    ScoreBreaks breaks =
        new ScoreBreaks(
            5,
            MetricBreaks.quantiles(decimals("10", "20", "30", "40"), 5),
            MetricBreaks.fixed(decimals("1", "2", "3", "5")),
            new MetricBreaks(
                BreakMethod.QUANTILE_TIES_RESOLVED,
                decimals("100", "300"),
                List.of(Optional.of(0.4), Optional.of(0.8))));
    Dataset<Row> table = RfmThresholds.table(spark, breaks, QuantileMode.EXACT);
    assertEquals(
        List.of("metric", "break_index", "quantile", "threshold", "quantile_mode", "break_method"),
        List.of(table.columns()));
    List<String> rows =
        table.collectAsList().stream()
            .map(
                row ->
                    row.getString(0)
                        + " "
                        + row.getInt(1)
                        + " "
                        + row.get(2)
                        + " "
                        + row.getDecimal(3).stripTrailingZeros().toPlainString()
                        + " "
                        + row.get(4)
                        + " "
                        + row.getString(5))
            .toList();
    assertEquals(
        List.of(
            "recency_days 1 0.2 10 exact quantile",
            "recency_days 2 0.4 20 exact quantile",
            "recency_days 3 0.6 30 exact quantile",
            "recency_days 4 0.8 40 exact quantile",
            "frequency 1 null 1 null fixed",
            "frequency 2 null 2 null fixed",
            "frequency 3 null 3 null fixed",
            "frequency 4 null 5 null fixed",
            "monetary 1 0.4 100 exact quantile_ties_resolved",
            "monetary 2 0.8 300 exact quantile_ties_resolved"),
        rows);
  }

  @Test
  void scoresDoNotDependOnRowOrderOrPartitioning() {
    List<Row> rows =
        IntStream.range(0, 200)
            .mapToObj(i -> customer("c" + i, 1 + i % 17, 1 + i % 5, String.valueOf(i % 23 * 10)))
            .toList();
    Dataset<Row> ordered = metrics(rows).coalesce(1);
    Dataset<Row> shuffled =
        metrics(rows)
            .repartition(7, col(CustomerMetrics.MONETARY))
            .orderBy(col("customer_id").desc());
    ScoreBreaks fromOrdered = RfmScores.breaks(ordered, 5, QuantileMode.EXACT, 0.001);
    assertEquals(fromOrdered, RfmScores.breaks(shuffled, 5, QuantileMode.EXACT, 0.001));
    assertEquals(cells(ordered, fromOrdered), cells(shuffled, fromOrdered));
  }

  @Test
  void approximateBreaksStayWithinTheRelativeError() {
    List<Row> rows =
        IntStream.rangeClosed(1, 5_000)
            .mapToObj(i -> customer("c" + i, i, 1 + i % 50, String.valueOf(i)))
            .toList();
    ScoreBreaks exact = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    ScoreBreaks approximate = RfmScores.breaks(metrics(rows), 5, QuantileMode.APPROXIMATE, 0.001);
    for (int i = 0; i < 4; i++) {
      // A rank error of at most 0.1 % of 5,000 buyers is 5 ranks: here 5 units of money.
      double gap =
          exact
              .monetary()
              .values()
              .get(i)
              .subtract(approximate.monetary().values().get(i))
              .abs()
              .doubleValue();
      assertTrue(
          gap <= 5,
          "break "
              + i
              + ": "
              + exact.monetary().values()
              + " vs "
              + approximate.monetary().values());
    }
  }

  @Test
  void nonBuyersAreNotScored() {
    MetricBreaks any = MetricBreaks.fixed(decimals("1", "2", "3", "4"));
    Row row =
        RfmScores.score(
                metrics(List.of(customer("x", null, 0, "-3"))), new ScoreBreaks(5, any, any, any))
            .first();
    assertNull(row.getAs(RfmScores.R_SCORE));
    assertNull(row.getAs(RfmScores.F_SCORE));
    assertNull(row.getAs(RfmScores.M_SCORE));
    assertNull(row.getAs(RfmScores.RFM_CELL));
  }
}
