package com.customervalue.segments.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.customervalue.segments.SparkTestSession;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The distributed exact quantiles against a plain-Java type-7 computation over the sorted values:
 * integers with heavy ties (bracketed and ranked, or counted per value), money with 4 decimals,
 * tiny inputs where the approximate brackets miss, no values at all, and bin counts whose fractions
 * do not terminate in decimal.
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
}
