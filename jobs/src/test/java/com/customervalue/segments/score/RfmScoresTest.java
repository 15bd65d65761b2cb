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
    assertEquals(decimals("28", "46", "64", "82"), breaks.recency());
    assertEquals(decimals("2.8", "4.6", "6.4", "8.2"), breaks.frequency());
    assertEquals(decimals("280", "460", "640", "820"), breaks.monetary());
  }

  @Test
  void scoresAreRightClosedWithRecencyReversed() {
    ScoreBreaks breaks =
        new ScoreBreaks(
            5,
            decimals("10", "20", "30", "40"),
            decimals("1", "2", "3", "4"),
            decimals("100", "200", "300", "400"));
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

  @Test
  void tiesAtABreakAllGetTheLowerScore() {
    // Frequencies 1,1,1,1,2,2,3,3,3,7: breaks 1, 1.6, 2.4 and 3 (the last on the tied 3s).
    int[] frequencies = {1, 1, 1, 1, 2, 2, 3, 3, 3, 7};
    List<Row> rows =
        IntStream.range(0, frequencies.length)
            .mapToObj(i -> customer("c" + i, 5, frequencies[i], "10"))
            .toList();
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    assertEquals(decimals("1", "1.6", "2.4", "3"), breaks.frequency());

    Map<Integer, List<Integer>> scoresByFrequency =
        RfmScores.score(metrics(rows), breaks).collectAsList().stream()
            .collect(
                Collectors.groupingBy(
                    row -> row.<Integer>getAs(CustomerMetrics.FREQUENCY),
                    Collectors.mapping(
                        row -> row.<Integer>getAs(RfmScores.F_SCORE), Collectors.toList())));
    assertEquals(
        Map.of(1, List.of(1, 1, 1, 1), 2, List.of(3, 3), 3, List.of(4, 4, 4), 7, List.of(5)),
        scoresByFrequency);
  }

  @Test
  void allEqualValuesGiveEveryoneTheSameScores() {
    List<Row> rows =
        IntStream.range(0, 7).mapToObj(i -> customer("c" + i, 30, 2, "99.99")).toList();
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    assertEquals(
        Map.of("511", 7L),
        cells(metrics(rows), breaks).values().stream()
            .collect(Collectors.groupingBy(cell -> cell, Collectors.counting())));
  }

  @Test
  void fewerBuyersThanBinsStillSpreadOverTheRange() {
    List<Row> rows = List.of(customer("a", 10, 1, "10"), customer("b", 20, 3, "20"));
    ScoreBreaks breaks = RfmScores.breaks(metrics(rows), 5, QuantileMode.EXACT, 0.001);
    assertEquals(decimals("12", "14", "16", "18"), breaks.recency());
    assertEquals(Map.of("a", "511", "b", "155"), cells(metrics(rows), breaks));
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
          exact.monetary().get(i).subtract(approximate.monetary().get(i)).abs().doubleValue();
      assertTrue(
          gap <= 5,
          "break " + i + ": " + exact.monetary().get(i) + " vs " + approximate.monetary().get(i));
    }
  }

  @Test
  void nonBuyersAreNotScored() {
    List<BigDecimal> any = decimals("1", "2", "3", "4");
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
