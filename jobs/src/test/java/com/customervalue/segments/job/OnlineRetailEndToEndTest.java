package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on the real Online Retail order lines (data-samples/), checked against metrics
 * computed here in plain Java from the raw rows, following docs/DEFINITIONS.md word by word.
 */
class OnlineRetailEndToEndTest extends SparkTestSession {
  private static final Path INPUT = repositoryRoot().resolve("data-samples/online_retail.parquet");
  private static final LocalDate AS_OF = LocalDate.of(2011, 12, 10);

  /** The columns customer_segments adds to the metrics, in order. */
  static final List<String> SEGMENT_COLUMNS =
      List.of(
          "r_score",
          "f_score",
          "m_score",
          "rfm_cell",
          "rfm_segment",
          "value_tier",
          "value_tier_name",
          "tier_rank",
          "lifecycle_status",
          "value_grade",
          "amount_level",
          "amount_above_cap",
          "recommended_action");

  /** The value models' predictions, null for customers without a purchase. */
  static final List<String> PREDICTION_COLUMNS =
      List.of("p_alive", "expected_purchases", "expected_order_value", "clv");

  @TempDir static Path output;
  private static List<RawLine> raw;
  private static RunResult result;

  /** One order line as published, read without any of the code under test. */
  record RawLine(Long customerId, String invoice, LocalDate date, BigDecimal amount) {}

  /** The expected metrics of one customer. */
  record Expected(
      LocalDate first,
      LocalDate last,
      Integer recency,
      int frequency,
      BigDecimal monetary,
      BigDecimal gross,
      BigDecimal returns,
      BigDecimal averageOrder,
      Integer tenure) {}

  @BeforeAll
  static void runTheJob() {
    raw =
        spark
            .read()
            .parquet(INPUT.toString())
            .select("customer_id", "invoice_no", "invoice_date", "quantity", "unit_price")
            .collectAsList()
            .stream()
            .map(
                row ->
                    new RawLine(
                        row.isNullAt(0) ? null : row.getLong(0),
                        row.getString(1),
                        ((LocalDateTime) row.get(2)).toLocalDate(),
                        BigDecimal.valueOf(row.getInt(3)).multiply(row.getDecimal(4))))
            .toList();
    result =
        SegmentationJob.run(
            spark, settings(output, Map.of("segments.snapshot.as-of", AS_OF.toString())));
  }

  static JobSettings settings(Path outputRoot, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segments.input.path", INPUT.toString());
    overrides.put("segments.output.root", outputRoot.toString());
    return JobSettings.load(
        ConfigLayers.layered(
            Optional.of(repositoryRoot().resolve("conf/online-retail.conf").toFile()), overrides));
  }

  /** docs/DEFINITIONS.md, computed directly: net each invoice, then per customer. */
  static Map<String, Expected> expectedMetrics(LocalDate asOf, int windowDays) {
    LocalDate windowStart = windowDays == 0 ? LocalDate.MIN : asOf.minusDays(windowDays);
    Map<String, BigDecimal> orderAmount = new HashMap<>();
    Map<String, LocalDate> orderDate = new HashMap<>();
    Map<String, String> orderCustomer = new HashMap<>();
    for (RawLine line : raw) {
      if (line.customerId() == null || !line.date().isBefore(asOf)) {
        continue;
      }
      String order = line.customerId() + "/" + line.invoice();
      orderAmount.merge(order, line.amount(), BigDecimal::add);
      orderDate.merge(order, line.date(), (a, b) -> a.isBefore(b) ? a : b);
      orderCustomer.put(order, line.customerId().toString());
    }
    Map<String, List<String>> ordersByCustomer = new HashMap<>();
    orderCustomer.forEach(
        (order, customer) ->
            ordersByCustomer.computeIfAbsent(customer, c -> new ArrayList<>()).add(order));

    Map<String, Expected> expected = new HashMap<>();
    ordersByCustomer.forEach(
        (customer, orders) -> {
          LocalDate first = null;
          LocalDate last = null;
          int frequency = 0;
          BigDecimal monetary = BigDecimal.ZERO;
          BigDecimal gross = BigDecimal.ZERO;
          BigDecimal returns = BigDecimal.ZERO;
          for (String order : orders) {
            BigDecimal amount = orderAmount.get(order);
            LocalDate date = orderDate.get(order);
            boolean inWindow = !date.isBefore(windowStart);
            if (amount.signum() > 0) {
              first = first == null || date.isBefore(first) ? date : first;
              last = last == null || date.isAfter(last) ? date : last;
            }
            if (inWindow) {
              monetary = monetary.add(amount);
              if (amount.signum() > 0) {
                frequency++;
                gross = gross.add(amount);
              } else if (amount.signum() < 0) {
                returns = returns.subtract(amount);
              }
            }
          }
          expected.put(
              customer,
              new Expected(
                  first,
                  last,
                  last == null ? null : (int) ChronoUnit.DAYS.between(last, asOf),
                  frequency,
                  monetary,
                  gross,
                  returns,
                  frequency == 0
                      ? null
                      : gross.divide(
                          BigDecimal.valueOf(frequency), 4, java.math.RoundingMode.HALF_UP),
                  first == null ? null : (int) ChronoUnit.DAYS.between(first, asOf)));
        });
    return expected;
  }

  static Map<String, Expected> publishedMetrics(Path outputRoot, LocalDate snapshot) {
    Dataset<Row> table =
        spark
            .read()
            .parquet(outputRoot.resolve("customer_segments").toString())
            .filter(col("snapshot_date").equalTo(Date.valueOf(snapshot)));
    Map<String, Expected> published = new HashMap<>();
    for (Row row : table.collectAsList()) {
      Date first = row.getAs(CustomerMetrics.FIRST_PURCHASE_DATE);
      Date last = row.getAs(CustomerMetrics.LAST_PURCHASE_DATE);
      Expected previous =
          published.put(
              row.getAs(CustomerMetrics.CUSTOMER_ID),
              new Expected(
                  first == null ? null : first.toLocalDate(),
                  last == null ? null : last.toLocalDate(),
                  row.getAs(CustomerMetrics.RECENCY_DAYS),
                  row.<Integer>getAs(CustomerMetrics.FREQUENCY),
                  row.getAs(CustomerMetrics.MONETARY),
                  row.getAs(CustomerMetrics.GROSS_REVENUE),
                  row.getAs(CustomerMetrics.RETURNS_AMOUNT),
                  row.getAs(CustomerMetrics.AVG_ORDER_VALUE),
                  row.getAs(CustomerMetrics.TENURE_DAYS)));
      assertEquals(null, previous, "one row per customer");
    }
    return published;
  }

  static void assertSameMetrics(Map<String, Expected> expected, Map<String, Expected> published) {
    assertEquals(expected.keySet(), published.keySet());
    List<String> mismatches = new ArrayList<>();
    expected.forEach(
        (customer, want) -> {
          if (!same(want, published.get(customer))) {
            mismatches.add(customer + ": expected " + want + " but was " + published.get(customer));
          }
        });
    assertTrue(
        mismatches.isEmpty(),
        mismatches.size()
            + " customers differ, e.g. "
            + mismatches.subList(0, Math.min(3, mismatches.size())));
  }

  private static boolean same(Expected a, Expected b) {
    return Objects.equals(a.first(), b.first())
        && Objects.equals(a.last(), b.last())
        && Objects.equals(a.recency(), b.recency())
        && a.frequency() == b.frequency()
        && sameMoney(a.monetary(), b.monetary())
        && sameMoney(a.gross(), b.gross())
        && sameMoney(a.returns(), b.returns())
        && sameMoney(a.averageOrder(), b.averageOrder())
        && Objects.equals(a.tenure(), b.tenure());
  }

  private static boolean sameMoney(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }

  @Test
  void everyCustomerHasTheMetricsTheDesignDefines() {
    Map<String, Expected> expected = expectedMetrics(AS_OF, 0);
    assertEquals(4_372, expected.size());
    assertSameMetrics(expected, publishedMetrics(output, AS_OF));
  }

  /** The raw lines before as-of netted per "customer/invoice", each dated by its first line. */
  private record RawInvoices(Map<String, BigDecimal> amount, Map<String, LocalDate> date) {}

  private static RawInvoices rawInvoices() {
    Map<String, BigDecimal> amount = new HashMap<>();
    Map<String, LocalDate> date = new HashMap<>();
    for (RawLine line : raw) {
      if (line.customerId() != null && line.date().isBefore(AS_OF)) {
        String invoice = line.customerId() + "/" + line.invoice();
        amount.merge(invoice, line.amount(), BigDecimal::add);
        date.merge(invoice, line.date(), (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    return new RawInvoices(amount, date);
  }

  @Test
  void cohortRetentionIsTheTriangleOfTheRawInvoices() {
    // docs/DEFINITIONS.md, computed directly: invoices netted per customer and dated by their
    // first line; a customer's cohort is the month of the first positive invoice; a cell counts
    // the cohort's customers with a positive invoice in the month and nets all their invoices.
    RawInvoices invoices = rawInvoices();
    Map<String, BigDecimal> orderAmount = invoices.amount();
    Map<String, LocalDate> orderDate = invoices.date();
    Map<String, LocalDate> cohortOf = new HashMap<>();
    orderAmount.forEach(
        (order, amount) -> {
          if (amount.signum() > 0) {
            cohortOf.merge(
                order.substring(0, order.indexOf('/')),
                orderDate.get(order).withDayOfMonth(1),
                (a, b) -> a.isBefore(b) ? a : b);
          }
        });
    Map<String, java.util.Set<String>> activeIn = new HashMap<>();
    Map<String, BigDecimal> revenueIn = new HashMap<>();
    orderAmount.forEach(
        (order, amount) -> {
          LocalDate cohort = cohortOf.get(order.substring(0, order.indexOf('/')));
          LocalDate month = orderDate.get(order).withDayOfMonth(1);
          if (cohort == null || month.isBefore(cohort)) {
            return;
          }
          String cell = cohort + " " + ChronoUnit.MONTHS.between(cohort, month);
          revenueIn.merge(cell, amount, BigDecimal::add);
          if (amount.signum() > 0) {
            activeIn
                .computeIfAbsent(cell, c -> new java.util.HashSet<>())
                .add(order.substring(0, order.indexOf('/')));
          }
        });
    Map<LocalDate, Long> cohortSize = new java.util.TreeMap<>();
    cohortOf.values().forEach(cohort -> cohortSize.merge(cohort, 1L, Long::sum));
    List<String> expected = new ArrayList<>();
    LocalDate lastMonth = AS_OF.minusDays(1).withDayOfMonth(1);
    cohortSize.forEach(
        (cohort, size) -> {
          for (long m = 0; m <= ChronoUnit.MONTHS.between(cohort, lastMonth); m++) {
            String cell = cohort + " " + m;
            int active = activeIn.getOrDefault(cell, java.util.Set.of()).size();
            expected.add(
                cell
                    + " "
                    + size
                    + " "
                    + active
                    + " "
                    + (double) active / size
                    + " "
                    + revenueIn.getOrDefault(cell, BigDecimal.ZERO).setScale(4).toPlainString());
          }
        });
    assertEquals(13, cohortSize.size(), "December 2010 to December 2011");
    assertEquals(13 * 14 / 2, expected.size());

    List<String> published =
        spark
            .read()
            .parquet(output.resolve("cohort_retention").toString())
            .filter(col("snapshot_date").equalTo(Date.valueOf(AS_OF)))
            .orderBy("cohort_month", "months_since_first")
            .collectAsList()
            .stream()
            .map(
                row ->
                    row.getDate(0)
                        + " "
                        + row.getInt(1)
                        + " "
                        + row.getLong(2)
                        + " "
                        + row.getLong(3)
                        + " "
                        + row.getDouble(4)
                        + " "
                        + row.getDecimal(5).toPlainString())
            .toList();
    assertEquals(expected, published);
  }

  @Test
  void repeatRateIsTheShareOfEachTiersBuyersWithTwoPurchasesOrMore() {
    Map<String, long[]> buyersAndRepeaters = new HashMap<>();
    for (Row row :
        spark
            .read()
            .parquet(output.resolve("customer_segments").toString())
            .select("value_tier", "frequency")
            .collectAsList()) {
      long[] counts = buyersAndRepeaters.computeIfAbsent(row.getString(0), t -> new long[2]);
      counts[0] += row.getInt(1) >= 1 ? 1 : 0;
      counts[1] += row.getInt(1) >= 2 ? 1 : 0;
    }
    List<Row> summary =
        spark
            .read()
            .parquet(output.resolve("tier_summary").toString())
            .select("value_tier", "repeat_rate")
            .collectAsList();
    assertEquals(4, summary.size());
    for (Row row : summary) {
      long[] counts = buyersAndRepeaters.get(row.getString(0));
      assertEquals((double) counts[1] / counts[0], row.getDouble(1), 1e-12, row.getString(0));
    }
  }

  @Test
  void customer12346BoughtOnceAndReturnedEverything() {
    // Invoice 541431 (2011-01-18): 74,215 x 1.04; cancelled the same day by C541433.
    Expected row = publishedMetrics(output, AS_OF).get("12346");
    assertEquals(
        new Expected(
            LocalDate.of(2011, 1, 18),
            LocalDate.of(2011, 1, 18),
            326,
            1,
            new BigDecimal("0.0000"),
            new BigDecimal("77183.6000"),
            new BigDecimal("77183.6000"),
            new BigDecimal("77183.6000"),
            326),
        row);
  }

  @Test
  void countsReconcileAndTheRunIsRecorded() {
    long withoutCustomer = raw.stream().filter(line -> line.customerId() == null).count();
    assertEquals(135_080, withoutCustomer);
    var counts = result.counts().orElseThrow();
    assertEquals(raw.size(), counts.rowsRead());
    assertEquals(raw.size() - withoutCustomer, counts.rowsAccepted());
    assertEquals(Map.of("missing_customer_id", withoutCustomer), counts.quarantinedByReason());
    assertEquals(0, counts.rowsAfterAsOf());
    assertEquals(Optional.of(4_372L), result.customers());
    long buyers =
        expectedMetrics(AS_OF, 0).values().stream().filter(e -> e.frequency() > 0).count();
    assertEquals(Optional.of(buyers), result.buyers());

    Dataset<Row> quarantine = spark.read().parquet(output.resolve("quarantine").toString());
    assertEquals(withoutCustomer, quarantine.count());
    assertEquals(
        withoutCustomer,
        quarantine
            .filter(
                col("reason")
                    .equalTo("missing_customer_id")
                    .and(col("raw_record").contains("\"customer_id\":null"))
                    .and(col("source_file").endsWith("online_retail.parquet")))
            .count());

    Row run =
        spark
            .read()
            .parquet(output.resolve("job_runs").toString())
            .filter(col("run_id").equalTo(result.runId()))
            .first();
    assertEquals("succeeded", run.getAs("status"));
    assertEquals(Date.valueOf(AS_OF), run.getAs("snapshot_date"));
    assertEquals(counts.rowsRead(), (Long) run.getAs("rows_read"));
    assertEquals(
        counts.rowsRead(),
        run.<Long>getAs("rows_accepted")
            + run.<Long>getAs("rows_quarantined")
            + run.<Long>getAs("rows_after_as_of"));
    assertEquals(
        withoutCustomer,
        run.getJavaMap(run.fieldIndex("quarantined_by_reason")).get("missing_customer_id"));
    assertEquals(4_372L, (Long) run.getAs("customers"));
    assertEquals(
        java.util.Set.of(
            "validate",
            "metrics",
            "score",
            "tier",
            "clv",
            "segments",
            "quarantine",
            "distribute",
            "report",
            "publish"),
        run.getJavaMap(run.fieldIndex("stage_seconds")).keySet());
    assertEquals(64, run.<String>getAs("config_digest").length());
  }

  @Test
  void anEarlierAsOfWithAWindowLeavesLaterRowsOutAndStillReconciles(@TempDir Path otherOutput) {
    LocalDate asOf = LocalDate.of(2011, 6, 1);
    RunResult june =
        SegmentationJob.run(
            spark,
            settings(
                otherOutput,
                Map.of(
                    "segments.snapshot.as-of",
                    asOf.toString(),
                    "segments.snapshot.window-days",
                    "90")));

    var counts = june.counts().orElseThrow();
    long later = raw.stream().filter(line -> !line.date().isBefore(asOf)).count();
    long bad =
        raw.stream()
            .filter(line -> line.customerId() == null && line.date().isBefore(asOf))
            .count();
    long beforeWindow =
        raw.stream()
            .filter(line -> line.customerId() != null && line.date().isBefore(asOf.minusDays(90)))
            .count();
    assertEquals(later, counts.rowsAfterAsOf());
    assertEquals(Map.of("missing_customer_id", bad), counts.quarantinedByReason());
    assertEquals(raw.size() - later - bad, counts.rowsAccepted());
    assertEquals(beforeWindow, counts.rowsBeforeWindow());
    assertSameMetrics(expectedMetrics(asOf, 90), publishedMetrics(otherOutput, asOf));
  }

  @Test
  void everyCustomerCarriesEveryLabelAndOnlyBuyersAreScored() {
    Dataset<Row> segments = spark.read().parquet(output.resolve("customer_segments").toString());
    List<String> columns = new ArrayList<>(CustomerMetrics.COLUMNS);
    columns.addAll(SEGMENT_COLUMNS);
    columns.addAll(PREDICTION_COLUMNS);
    columns.add("snapshot_date");
    assertEquals(columns, List.of(segments.columns()));
    // From value_tier on, every label is set for buyers and non-buyers alike.
    for (String label :
        SEGMENT_COLUMNS.subList(SEGMENT_COLUMNS.indexOf("value_tier"), SEGMENT_COLUMNS.size())) {
      assertEquals(0, segments.filter(col(label).isNull()).count(), label + " is set for everyone");
    }
    Dataset<Row> buyers = segments.filter(col("frequency").gt(0));
    assertEquals(
        0,
        buyers
            .filter(
                col("r_score")
                    .isNull()
                    .or(col("f_score").isNull())
                    .or(col("m_score").isNull())
                    .or(col("rfm_segment").isNull()))
            .count());
    Dataset<Row> nonBuyers = segments.filter(col("frequency").equalTo(0));
    assertEquals(34, nonBuyers.count());
    assertEquals(
        34,
        nonBuyers
            .filter(
                col("r_score")
                    .isNull()
                    .and(col("rfm_cell").isNull())
                    .and(col("value_tier").equalTo("iron"))
                    .and(col("tier_rank").equalTo(4))
                    .and(col("lifecycle_status").isin("prospect", "lapsed")))
            .count());
  }

  @Test
  void amountLevelsBandTheNetAmountOfTheTrailingYear() {
    // docs/DEFINITIONS.md, computed directly: the net amount of each customer's invoices dated in
    // [as-of - 365 days, as-of), an invoice dated by its first line, whatever the scoring window.
    LocalDate start = AS_OF.minusDays(365);
    RawInvoices invoices = rawInvoices();
    Map<String, BigDecimal> orderAmount = invoices.amount();
    Map<String, LocalDate> orderDate = invoices.date();
    Map<String, BigDecimal> expected = new HashMap<>();
    orderAmount.forEach(
        (order, amount) -> {
          String customer = order.substring(0, order.indexOf('/'));
          expected.merge(customer, BigDecimal.ZERO, BigDecimal::add);
          if (!orderDate.get(order).isBefore(start)) {
            expected.merge(customer, amount, BigDecimal::add);
          }
        });
    // conf/online-retail.conf: levels from 250, 1,000, 5,000, 20,000 and 50,000 GBP, cap 250,000.
    List<BigDecimal> bounds =
        List.of(250, 1_000, 5_000, 20_000, 50_000).stream().map(BigDecimal::valueOf).toList();
    BigDecimal cap = BigDecimal.valueOf(250_000);
    Map<Integer, Integer> customersPerLevel = new HashMap<>();
    List<String> mismatches = new ArrayList<>();
    for (Row row :
        spark
            .read()
            .parquet(output.resolve("customer_segments").toString())
            .select("customer_id", "amount_level_revenue", "amount_level", "amount_above_cap")
            .collectAsList()) {
      BigDecimal want = expected.get(row.getString(0));
      int level = (int) bounds.stream().filter(bound -> want.compareTo(bound) >= 0).count();
      customersPerLevel.merge(level, 1, Integer::sum);
      if (!sameMoney(want, row.getDecimal(1))
          || level != row.getInt(2)
          || (want.compareTo(cap) > 0) != row.getBoolean(3)) {
        mismatches.add(row + " expected " + want + ", level " + level);
      }
    }
    assertEquals(List.of(), mismatches.subList(0, Math.min(3, mismatches.size())));
    assertEquals(4_372, customersPerLevel.values().stream().mapToInt(Integer::intValue).sum());
    // Every level holds customers: 1,009 below 250 GBP (no spend in the year included), 16 at
    // level 5, of whom one (279,489 GBP) is above the cap.
    assertEquals(Map.of(0, 1_009, 1, 1_768, 2, 1_342, 3, 218, 4, 19, 5, 16), customersPerLevel);
  }

  @Test
  void medianMonetaryAndFrequencyFallFromGoldToIron() {
    List<Row> tiers =
        spark
            .read()
            .parquet(output.resolve("customer_segments").toString())
            .groupBy("tier_rank", "value_tier")
            .agg(
                org.apache.spark.sql.functions.percentile(
                    col("monetary"), org.apache.spark.sql.functions.lit(0.5)),
                org.apache.spark.sql.functions.percentile(
                    col("frequency"), org.apache.spark.sql.functions.lit(0.5)))
            .orderBy("tier_rank")
            .collectAsList();
    assertEquals(
        List.of("gold", "silver", "copper", "iron"),
        tiers.stream().map(row -> row.getString(1)).toList());
    for (int i = 1; i < tiers.size(); i++) {
      assertTrue(
          tiers.get(i).getDouble(2) < tiers.get(i - 1).getDouble(2),
          "median monetary falls: " + tiers);
      assertTrue(
          tiers.get(i).getDouble(3) <= tiers.get(i - 1).getDouble(3),
          "median frequency falls: " + tiers);
    }
    Row run = spark.read().parquet(output.resolve("job_runs").toString()).first();
    assertEquals(4, (Integer) run.getAs("k"));
    assertTrue(run.<Double>getAs("silhouette") > 0.3, "silhouette " + run.getAs("silhouette"));
    assertEquals(4_338L, (Long) run.getAs("training_rows"));
  }

  @Test
  void everyBuyerHasANamedSegmentNoScoreIsSkippedAndTheMapCountsThem() {
    Dataset<Row> buyers =
        spark
            .read()
            .parquet(output.resolve("customer_segments").toString())
            .filter(col("frequency").gt(0));
    assertEquals(0, buyers.filter(col("rfm_segment").equalTo("Others")).count());
    for (String score : List.of("r_score", "f_score", "m_score")) {
      assertEquals(
          List.of(1, 2, 3, 4, 5),
          buyers.select(score).distinct().orderBy(score).collectAsList().stream()
              .map(row -> row.getInt(0))
              .toList(),
          score);
    }
    Map<String, String> byCell = new HashMap<>();
    buyers
        .groupBy("rfm_cell", "rfm_segment")
        .count()
        .collectAsList()
        .forEach(row -> byCell.put(row.getString(0), row.getString(1) + " " + row.getLong(2)));
    List<Row> map =
        spark.read().parquet(output.resolve("rfm_segment_map").toString()).collectAsList();
    assertEquals(125, map.size());
    for (Row cell : map) {
      long customers = cell.getAs("customers");
      if (customers > 0) {
        assertEquals(
            byCell.get(cell.<String>getAs("rfm_cell")),
            cell.getAs("rfm_segment") + " " + customers);
      }
    }
    assertEquals(
        buyers.count(), map.stream().mapToLong(cell -> cell.<Long>getAs("customers")).sum());
  }

  @Test
  void tooMuchQuarantinedInputFailsTheRunAndPublishesNothing(@TempDir Path strictOutput) {
    JobFailedException failure =
        assertThrows(
            JobFailedException.class,
            () ->
                SegmentationJob.run(
                    spark,
                    settings(
                        strictOutput,
                        Map.of(
                            "segments.snapshot.as-of",
                            AS_OF.toString(),
                            "segments.quality.max-quarantined-share",
                            "0.10"))));

    assertEquals(
        "135,080 of the 541,909 rows before 2011-12-10 were quarantined (24.93 %), more than"
            + " segments.quality.max-quarantined-share allows (10.00 %): missing_customer_id"
            + " 135,080. Fix the input, or raise the limit if this is how the data is.",
        failure.getMessage());
    assertFalse(Files.exists(strictOutput.resolve("customer_segments")));
    assertFalse(Files.exists(strictOutput.resolve("quarantine")));
    Row run = spark.read().parquet(strictOutput.resolve("job_runs").toString()).first();
    assertEquals("failed", run.getAs("status"));
    assertEquals(failure.getMessage(), run.getAs("failure_reason"));
    assertEquals(541_909L, (Long) run.getAs("rows_read"));
  }

  /**
   * segment_breakdown by country (conf/online-retail.conf), cell for cell: each customer's country
   * is taken here in plain Java as the one on most of their lines with a customer id dated before
   * the as-of date (ties to the alphabetically first), then counted with the customer's published
   * tier, status and monetary.
   */
  @Test
  void segmentBreakdownByCountryCountsEachCustomerUnderTheirMostFrequentCountry() {
    Map<String, Map<String, Integer>> linesByCountry = new HashMap<>();
    for (Row row :
        spark
            .read()
            .parquet(INPUT.toString())
            .select("customer_id", "invoice_date", "country")
            .collectAsList()) {
      if (row.isNullAt(0)
          || row.isNullAt(2)
          || !((LocalDateTime) row.get(1)).toLocalDate().isBefore(AS_OF)) {
        continue;
      }
      linesByCountry
          .computeIfAbsent(Long.toString(row.getLong(0)), c -> new HashMap<>())
          .merge(row.getString(2), 1, Integer::sum);
    }
    Map<String, String> countryOf = new HashMap<>();
    linesByCountry.forEach(
        (customer, lines) -> {
          String best = null;
          for (Map.Entry<String, Integer> entry : lines.entrySet()) {
            int more = best == null ? 1 : entry.getValue() - lines.get(best);
            if (more > 0 || (more == 0 && entry.getKey().compareTo(best) < 0)) {
              best = entry.getKey();
            }
          }
          countryOf.put(customer, best);
        });

    Map<List<String>, Object[]> expected = new HashMap<>();
    Map<String, BigDecimal> countryRevenue = new HashMap<>();
    for (Row row :
        spark
            .read()
            .parquet(output.resolve("customer_segments").toString())
            .filter(col("snapshot_date").equalTo(Date.valueOf(AS_OF)))
            .select("customer_id", "value_tier", "lifecycle_status", "frequency", "monetary")
            .collectAsList()) {
      String country = countryOf.getOrDefault(row.getString(0), "");
      Object[] cell =
          expected.computeIfAbsent(
              List.of(country, row.getString(1), row.getString(2)),
              key -> new Object[] {0L, 0L, BigDecimal.ZERO.setScale(4)});
      cell[0] = (Long) cell[0] + 1;
      cell[1] = (Long) cell[1] + (row.getInt(3) > 0 ? 1 : 0);
      cell[2] = ((BigDecimal) cell[2]).add(row.getDecimal(4));
      countryRevenue.merge(country, row.getDecimal(4), BigDecimal::add);
    }

    List<Row> published =
        spark
            .read()
            .parquet(output.resolve("segment_breakdown").toString())
            .filter(col("snapshot_date").equalTo(Date.valueOf(AS_OF)))
            .collectAsList();
    assertEquals(expected.size(), published.size());
    assertEquals(37, countryRevenue.size()); // 37 countries, nobody without one
    for (Row row : published) {
      assertEquals("country", row.getAs("attribute"));
      List<String> key =
          List.of(
              row.<String>getAs("attribute_value"),
              row.<String>getAs("value_tier"),
              row.<String>getAs("lifecycle_status"));
      Object[] cell = expected.get(key);
      assertTrue(cell != null, () -> "unexpected cell " + key);
      assertEquals(cell[0], row.getAs("customers"), () -> "customers of " + key);
      assertEquals(cell[1], row.getAs("buyers"), () -> "buyers of " + key);
      assertEquals(cell[2], row.getAs("revenue"), () -> "revenue of " + key);
      BigDecimal total = countryRevenue.get(key.get(0));
      if (total.signum() == 0) {
        assertTrue(row.isNullAt(row.fieldIndex("revenue_share")), () -> "share of " + key);
      } else {
        assertEquals(
            ((BigDecimal) cell[2]).doubleValue() / total.doubleValue(),
            row.<Double>getAs("revenue_share"),
            1e-12,
            () -> "share of " + key);
      }
    }
    Map<String, Long> customersByCountry = new HashMap<>();
    expected.forEach(
        (key, cell) -> customersByCountry.merge(key.get(0), (Long) cell[0], Long::sum));
    assertEquals(3_950L, customersByCountry.get("United Kingdom"));
    assertEquals(95L, customersByCountry.get("Germany"));
  }
}
