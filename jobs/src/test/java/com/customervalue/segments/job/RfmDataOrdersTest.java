package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The R package rfm's sample orders as of 2006-12-31 with conf/rfm-data-orders.conf (the preset
 * "rfm-package"), with every customer's scores and segment computed here independently: exact
 * type-7 quantiles in BigDecimal, and the package's rule table typed in again rather than read from
 * the configuration.
 */
class RfmDataOrdersTest extends SparkTestSession {
  private static final Path INPUT =
      repositoryRoot().resolve("data-samples/rfm_data_orders.parquet");
  private static final LocalDate AS_OF = LocalDate.of(2006, 12, 31);

  /** name, r low..high, f low..high, m low..high: the rfm package's table, in order. */
  private static final Object[][] RULES = {
    {"Champions", 5, 5, 5, 5, 5, 5},
    {"Potential Loyalist", 3, 5, 3, 5, 2, 5},
    {"Loyal Customers", 2, 4, 2, 4, 2, 4},
    {"Promising", 3, 4, 1, 3, 3, 5},
    {"New Customers", 4, 5, 1, 3, 1, 5},
    {"Can't Lose Them", 1, 2, 3, 4, 4, 5},
    {"At Risk", 1, 2, 2, 5, 4, 5},
    {"Need Attention", 1, 3, 3, 5, 3, 5},
    {"About To Sleep", 2, 3, 1, 3, 1, 4},
    {"Lost", 1, 1, 1, 5, 1, 5}
  };

  @TempDir static Path output;
  private static Map<String, String> published;
  private static Map<String, String> expected;

  @BeforeAll
  static void runAndRecompute() {
    SegmentationJob.run(
        spark,
        JobSettings.load(
            ConfigLayers.layered(
                Optional.of(repositoryRoot().resolve("conf/rfm-data-orders.conf").toFile()),
                Map.of(
                    "segments.input.path",
                    INPUT.toString(),
                    "segments.output.root",
                    output.toString(),
                    "segments.snapshot.as-of",
                    AS_OF.toString()))));
    published =
        spark
            .read()
            .parquet(output.resolve("customer_segments").toString())
            .collectAsList()
            .stream()
            .collect(
                Collectors.toMap(
                    row -> row.getString(0),
                    row ->
                        row.getAs("r_score")
                            + ""
                            + row.getAs("f_score")
                            + row.getAs("m_score")
                            + " "
                            + row.getAs("rfm_segment")));
    expected = independently();
  }

  /** customer -> "rfm segment", straight from the raw orders. */
  private static Map<String, String> independently() {
    Map<String, LocalDate> last = new HashMap<>();
    Map<String, Integer> frequency = new HashMap<>();
    Map<String, BigDecimal> monetary = new HashMap<>();
    for (Row row : spark.read().parquet(INPUT.toString()).collectAsList()) {
      String customer = row.getString(0).trim();
      LocalDate date = row.getDate(1).toLocalDate();
      int revenue = row.getInt(2);
      assertTrue(
          revenue > 0 && date.isBefore(AS_OF),
          "every order of this data set is a purchase before as-of");
      last.merge(customer, date, (a, b) -> a.isAfter(b) ? a : b);
      frequency.merge(customer, 1, Integer::sum);
      monetary.merge(customer, BigDecimal.valueOf(revenue), BigDecimal::add);
    }
    Map<String, BigDecimal> recency = new HashMap<>();
    last.forEach(
        (customer, date) ->
            recency.put(customer, BigDecimal.valueOf(ChronoUnit.DAYS.between(date, AS_OF))));
    Map<String, BigDecimal> frequencies = new HashMap<>();
    frequency.forEach((customer, count) -> frequencies.put(customer, BigDecimal.valueOf(count)));

    List<BigDecimal> recencyBreaks = breaks(recency.values());
    List<BigDecimal> frequencyBreaks = breaks(frequencies.values());
    List<BigDecimal> monetaryBreaks = breaks(monetary.values());
    Map<String, String> result = new HashMap<>();
    for (String customer : last.keySet()) {
      int r = 6 - (1 + below(recency.get(customer), recencyBreaks));
      int f = 1 + below(frequencies.get(customer), frequencyBreaks);
      int m = 1 + below(monetary.get(customer), monetaryBreaks);
      result.put(customer, r + "" + f + m + " " + segment(r, f, m));
    }
    return result;
  }

  /** Type 7: h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]), exactly. */
  private static List<BigDecimal> breaks(java.util.Collection<BigDecimal> values) {
    List<BigDecimal> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    List<BigDecimal> breaks = new ArrayList<>();
    for (int i = 1; i < 5; i++) {
      int lower = (n - 1) * i / 5;
      BigDecimal fraction = BigDecimal.valueOf((n - 1) * i % 5).divide(BigDecimal.valueOf(5));
      BigDecimal low = sorted.get(lower);
      BigDecimal high = sorted.get(Math.min(lower + 1, n - 1));
      breaks.add(low.add(fraction.multiply(high.subtract(low))));
    }
    return breaks;
  }

  private static int below(BigDecimal value, List<BigDecimal> breaks) {
    return (int) breaks.stream().filter(b -> b.compareTo(value) < 0).count();
  }

  private static String segment(int r, int f, int m) {
    for (Object[] rule : RULES) {
      if (r >= (int) rule[1]
          && r <= (int) rule[2]
          && f >= (int) rule[3]
          && f <= (int) rule[4]
          && m >= (int) rule[5]
          && m <= (int) rule[6]) {
        return (String) rule[0];
      }
    }
    return "Others";
  }

  @Test
  void everyCustomersScoresAndSegmentMatchAnIndependentComputation() {
    assertEquals(995, expected.size());
    assertEquals(expected.keySet(), published.keySet());
    List<String> differences =
        expected.keySet().stream()
            .filter(c -> !expected.get(c).equals(published.get(c)))
            .map(c -> c + ": expected " + expected.get(c) + ", published " + published.get(c))
            .toList();
    assertTrue(
        differences.isEmpty(),
        differences.size()
            + " differ, e.g. "
            + differences.subList(0, Math.min(3, differences.size())));
  }

  @Test
  void segmentCountsAreTheIndependentOnes() {
    Map<String, Long> counts =
        new TreeMap<>(
            expected.values().stream()
                .collect(Collectors.groupingBy(v -> v.substring(4), Collectors.counting())));
    Map<String, Long> table =
        new TreeMap<>(
            spark
                .read()
                .parquet(output.resolve("customer_segments").toString())
                .groupBy(col("rfm_segment"))
                .count()
                .collectAsList()
                .stream()
                .collect(Collectors.toMap(row -> row.getString(0), row -> row.getLong(1))));
    assertEquals(counts, table);
  }

  @Test
  void thePackagesSegmentCounts() {
    // The counts of the rfm package's documentation table on its own data, as the issue quotes
    // them: 341 Potential Loyalists against 35 Champions.
    Map<String, Long> counts =
        expected.values().stream()
            .collect(
                Collectors.groupingBy(v -> v.substring(4), TreeMap::new, Collectors.counting()));
    assertEquals(
        new TreeMap<>(
            Map.of(
                "Potential Loyalist", 341L,
                "Loyal Customers", 171L,
                "Lost", 148L,
                "New Customers", 104L,
                "About To Sleep", 101L,
                "Can't Lose Them", 48L,
                "Champions", 35L,
                "At Risk", 28L,
                "Need Attention", 10L,
                "Promising", 9L)),
        counts);
  }

  @Test
  void noBreaksTieHereSoEveryScoreOccursWithPlainQuantiles() {
    assertEquals(
        List.of("quantile"),
        spark
            .read()
            .parquet(output.resolve("rfm_thresholds").toString())
            .select("break_method")
            .distinct()
            .collectAsList()
            .stream()
            .map(row -> row.getString(0))
            .toList());
    for (int position = 0; position < 3; position++) {
      int at = position;
      assertEquals(
          List.of('1', '2', '3', '4', '5'),
          published.values().stream().map(v -> v.charAt(at)).distinct().sorted().toList());
    }
  }

  @Test
  void publishedThresholdsAreTheExactQuantiles() {
    List<String> monetary =
        spark
            .read()
            .parquet(output.resolve("rfm_thresholds").toString())
            .filter(col("metric").equalTo("monetary"))
            .orderBy("break_index")
            .collectAsList()
            .stream()
            .map(
                row ->
                    row.getDecimal(row.fieldIndex("threshold"))
                        .stripTrailingZeros()
                        .toPlainString())
            .toList();
    Map<String, BigDecimal> byCustomer = new HashMap<>();
    spark
        .read()
        .parquet(INPUT.toString())
        .collectAsList()
        .forEach(
            row ->
                byCustomer.merge(
                    row.getString(0).trim(), BigDecimal.valueOf(row.getInt(2)), BigDecimal::add));
    assertEquals(
        breaks(byCustomer.values()).stream()
            .map(b -> b.stripTrailingZeros().toPlainString())
            .toList(),
        monetary);
  }
}
