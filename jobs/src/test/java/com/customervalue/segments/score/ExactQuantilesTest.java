package com.customervalue.segments.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The distributed exact quantiles against a plain-Java type-7 computation over the sorted values:
 * integers with heavy ties, money with 4 decimals, tiny inputs where the approximate brackets miss,
 * and bin counts whose fractions do not terminate in decimal; then the same per group, at p1..p99,
 * on groups of very different sizes (down to one and two values, and none).
 */
class ExactQuantilesTest extends SparkTestSession {
  private static final StructType SCHEMA =
      new StructType()
          .add("ties", DataTypes.IntegerType)
          .add("money", DataTypes.createDecimalType(28, 4));

  private static Dataset<Row> rows(List<Integer> ties, List<BigDecimal> money, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ties.size(); i++) {
      rows.add(RowFactory.create(ties.get(i), money.get(i)));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  /** R's type 7 on the sorted values, in exact arithmetic, rounded once. */
  private static List<BigDecimal> type7(List<BigDecimal> values, int bins, int scale) {
    List<BigDecimal> sorted = values.stream().sorted().toList();
    long n = sorted.size();
    List<BigDecimal> quantiles = new ArrayList<>();
    for (int i = 1; i < bins; i++) {
      long lower = (n - 1) * i / bins;
      long remainder = (n - 1) * i % bins;
      BigDecimal x = sorted.get((int) lower);
      BigDecimal next = remainder == 0 ? x : sorted.get((int) lower + 1);
      quantiles.add(
          x.multiply(BigDecimal.valueOf(bins))
              .add(next.subtract(x).multiply(BigDecimal.valueOf(remainder)))
              .divide(BigDecimal.valueOf(bins), scale, RoundingMode.HALF_UP));
    }
    return quantiles;
  }

  private static void assertExact(List<Integer> ties, List<BigDecimal> money, int bins) {
    assertExact(ties, money, bins, 2.0 / ExactQuantiles.ACCURACY);
  }

  private static void assertExact(
      List<Integer> ties, List<BigDecimal> money, int bins, double margin) {
    List<BigDecimal> tiesAsDecimals = ties.stream().map(BigDecimal::valueOf).toList();
    Dataset<Row> rows = rows(ties, money, 7);
    // Whole numbers either bracketed and ranked, or counted per value.
    for (Set<String> counted : List.of(Set.<String>of(), Set.of("ties"))) {
      Map<String, List<BigDecimal>> quantiles =
          ExactQuantiles.of(rows, List.of("ties", "money"), counted, bins, 8, margin);
      String what = "bins " + bins + ", counted " + counted;
      assertEquals(type7(tiesAsDecimals, bins, 8), quantiles.get("ties"), "ties, " + what);
      assertEquals(type7(money, bins, 8), quantiles.get("money"), "money, " + what);
    }
  }

  private static List<Integer> ties(Random random, int n) {
    List<Integer> ties = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Half the rows are 1, as purchase counts are; a long tail above.
      ties.add(random.nextBoolean() ? 1 : 1 + (int) Math.floor(-Math.log(random.nextDouble()) * 3));
    }
    return ties;
  }

  private static List<BigDecimal> money(Random random, int n) {
    List<BigDecimal> money = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Log-normal amounts with 4 decimals; every tenth repeats an earlier amount exactly.
      money.add(
          i % 10 == 9
              ? money.get(random.nextInt(i))
              : BigDecimal.valueOf(Math.exp(4 + 1.5 * random.nextGaussian()))
                  .setScale(4, RoundingMode.HALF_UP));
    }
    return money;
  }

  @Test
  void manyTiesAndFourDecimalMoneyEqualTheSortedComputation() {
    Random random = new Random(20261126);
    List<Integer> ties = ties(random, 60_000);
    List<BigDecimal> money = money(random, 60_000);
    for (int bins : List.of(5, 3, 7, 10)) {
      assertExact(ties, money, bins);
    }
  }

  @Test
  void bracketsThatMissTheOrderStatisticsAreWidened() {
    Random random = new Random(7);
    List<Integer> ties = ties(random, 5_000);
    List<BigDecimal> money = money(random, 5_000);
    // No margin: a bracket's edge is itself an approximate quantile, often beside the statistic
    // (found as the first or last row of the gap next to it).
    assertExact(ties, money, 5, 0);
    // Brackets the wrong way round: every one misses on both sides.
    assertExact(ties, money, 5, -0.05);
  }

  @Test
  void tinyInputsEqualTheSortedComputation() {
    assertExact(List.of(4), List.of(new BigDecimal("12.3400")), 5);
    assertExact(List.of(2, 1), List.of(new BigDecimal("0.0001"), new BigDecimal("-5.5000")), 5);
    assertExact(
        List.of(3, 3, 1, 9, 3),
        List.of(
            new BigDecimal("10.0000"),
            new BigDecimal("10.0000"),
            new BigDecimal("99.9999"),
            new BigDecimal("0.0000"),
            new BigDecimal("10.0001")),
        5);
  }

  @Test
  void noValuesGiveNoQuantiles() {
    for (Set<String> counted : List.of(Set.<String>of(), Set.of("ties"))) {
      Map<String, List<BigDecimal>> quantiles =
          ExactQuantiles.of(rows(List.of(), List.of(), 1), List.of("ties", "money"), counted, 5, 8);
      assertEquals(Map.of("ties", List.of(), "money", List.of()), quantiles, counted.toString());
    }
  }

  private static final StructType GROUPED =
      new StructType()
          .add("scope", DataTypes.StringType)
          .add("ties", DataTypes.IntegerType)
          .add("money", DataTypes.createDecimalType(28, 4))
          .add("amount", DataTypes.DoubleType);

  private static final List<String> COLUMNS = List.of("ties", "money", "amount");
  private static final List<Integer> PERCENTS = IntStream.rangeClosed(1, 99).boxed().toList();

  /**
   * Groups of 20,000, 3,000, 200, 2 and 1 rows, and one whose values are all null; a null scope is
   * a group too. Money and amounts go below zero; amounts are doubles with many ties.
   */
  private static List<Row> groupedRows(Random random) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    sizes.put("large", 20_000);
    sizes.put("medium", 3_000);
    sizes.put(null, 200);
    sizes.put("two", 2);
    sizes.put("one", 1);
    List<Row> rows = new ArrayList<>();
    sizes.forEach(
        (scope, size) -> {
          List<Integer> ties = ties(random, size);
          List<BigDecimal> money = money(random, size);
          for (int i = 0; i < size; i++) {
            double amount =
                i % 3 == 0 ? Math.round(random.nextGaussian() * 4) / 4.0 : random.nextGaussian();
            rows.add(
                RowFactory.create(
                    scope,
                    ties.get(i),
                    i % 7 == 3 ? money.get(i).negate() : money.get(i),
                    // One in 50 amounts is missing: quantiles are over the non-null values.
                    i % 50 == 49 ? null : amount));
          }
        });
    rows.add(RowFactory.create("empty", null, null, null));
    rows.add(RowFactory.create("empty", null, null, null));
    return rows;
  }

  /** R's type 7 in double, as Spark's percentile computes it. */
  private static double[] type7InDouble(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] quantiles = new double[PERCENTS.size()];
    for (int i = 0; i < quantiles.length; i++) {
      double h = (sorted.length - 1) * (PERCENTS.get(i) / 100.0);
      int lower = (int) Math.floor(h);
      double next = sorted[Math.min(lower + 1, sorted.length - 1)];
      quantiles[i] = sorted[lower] + (h - lower) * (next - sorted[lower]);
    }
    return quantiles;
  }

  private static BigDecimal exact(Object value) {
    return value instanceof Double d ? new BigDecimal(d) : new BigDecimal(value.toString());
  }

  private static void assertGroupedExact(List<Row> rows, double margin) {
    assertGroupedExact(rows, margin, Set.of());
  }

  private static void assertGroupedExact(List<Row> rows, double margin, Set<String> counted) {
    Dataset<Row> data = spark.createDataFrame(rows, GROUPED).repartition(5);
    Map<List<Object>, Map<String, double[]>> quantiles =
        ExactQuantiles.percentiles(data, List.of("scope"), COLUMNS, counted, PERCENTS, margin);

    Map<List<Object>, Map<String, List<Object>>> byGroup = new LinkedHashMap<>();
    for (Row row : rows) {
      Map<String, List<Object>> columns =
          byGroup.computeIfAbsent(Arrays.asList(row.get(0)), g -> new LinkedHashMap<>());
      for (int c = 0; c < COLUMNS.size(); c++) {
        List<Object> values = columns.computeIfAbsent(COLUMNS.get(c), k -> new ArrayList<>());
        if (!row.isNullAt(c + 1)) {
          values.add(row.get(c + 1));
        }
      }
    }
    assertEquals(byGroup.keySet(), quantiles.keySet());
    byGroup.forEach(
        (group, columns) ->
            columns.forEach(
                (column, values) -> {
                  String what = group + " " + column + " margin " + margin + " counted " + counted;
                  if (values.isEmpty()) {
                    assertEquals(null, quantiles.get(group).get(column), what);
                    return;
                  }
                  double[] computed = quantiles.get(group).get(column);
                  assertArrayEquals(
                      Type7.percentiles(
                          values.stream().map(ExactQuantilesTest::exact).toList(), PERCENTS),
                      computed,
                      what);
                  double[] inDouble =
                      type7InDouble(values.stream().map(v -> exact(v).doubleValue()).toList());
                  for (int i = 0; i < computed.length; i++) {
                    assertEquals(
                        inDouble[i], computed[i], 1e-9 * Math.abs(inDouble[i]) + 1e-300, what);
                  }
                }));
  }

  @Test
  void groupPercentilesEqualTheSortedComputationOfEachGroup() {
    List<Row> rows = groupedRows(new Random(16));
    assertGroupedExact(rows, 2.0 / ExactQuantiles.ACCURACY);
    // The whole numbers counted per value: the same quantiles, and the same groups and absences.
    assertGroupedExact(rows, 2.0 / ExactQuantiles.ACCURACY, Set.of("ties"));
  }

  @Test
  void manyGroupsEqualTheSortedComputationOfEachGroup() {
    // More groups than are compared in place: a join numbers them.
    Random random = new Random(18);
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < 40; g++) {
      int size = 1 + 13 * g;
      List<Integer> ties = ties(random, size);
      List<BigDecimal> money = money(random, size);
      for (int i = 0; i < size; i++) {
        rows.add(RowFactory.create("g" + g, ties.get(i), money.get(i), random.nextGaussian()));
      }
    }
    assertGroupedExact(rows, 2.0 / ExactQuantiles.ACCURACY);
  }

  @Test
  void groupBracketsThatMissAreWidened() {
    List<Row> rows =
        groupedRows(new Random(17)).stream().filter(r -> !"large".equals(r.get(0))).toList();
    assertGroupedExact(rows, 0);
    assertGroupedExact(rows, -0.05);
  }
}
