package com.customervalue.segments.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.StepFailedException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics step after the validate step: the customer base, and a base without buyers. */
class MetricsStepTest extends SparkTestSession {
  @TempDir Path dir;

  private String parquet(String name, String sql) {
    String path = dir.resolve(name).toString();
    spark.sql(sql).coalesce(1).write().parquet(path);
    return path;
  }

  private RunState validateAndMeasure(String input, Map<String, String> more) {
    return validateAndMeasure(input, more, state -> {});
  }

  /** Runs both steps, and {@code whileCached} before the run's caches are released. */
  private RunState validateAndMeasure(
      String input, Map<String, String> more, Consumer<RunState> whileCached) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segments.input.path", input);
    overrides.put("segments.input.columns.order-id", "");
    overrides.put("segments.input.columns.timestamp", "order_date");
    overrides.put("segments.snapshot.as-of", "2024-01-01");
    JobSettings settings = JobSettings.load(ConfigLayers.layered(Optional.empty(), overrides));
    RunState state = new RunState(spark, "test-run", null);
    try {
      new ValidateStep(
              settings.input(), settings.quality(), settings.snapshot(), settings.privacy())
          .run(state);
      new MetricsStep(settings.classification().amountLevels().windowDays(), false).run(state);
      whileCached.accept(state);
    } finally {
      state.releaseCaches();
    }
    return state;
  }

  @Test
  void theCustomerMasterAddsProspectsAndItsAttributes() {
    String orders =
        parquet(
            "orders",
            "SELECT concat('c', id % 40) AS customer_id, date'2023-01-15' + CAST(id AS INT) AS"
                + " order_date, CAST(10 + id AS DECIMAL(10,2)) AS amount FROM range(100)");
    String master =
        parquet(
            "master",
            "SELECT * FROM VALUES ('c1', 'North', 'retail'), ('prospect-1', 'South', 'wholesale')"
                + " AS t(customer_id, region, customer_type)");

    RunState state = validateAndMeasure(orders, Map.of("segments.input.customers-path", master));

    CustomerBase base = state.get(MetricsStep.CUSTOMERS);
    assertEquals(41, base.customers());
    assertEquals(40, base.buyers());
    Map<String, Row> rows =
        base.metrics().collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getString(0), row -> row));
    Row prospect = rows.get("prospect-1");
    assertEquals("South", prospect.getAs("region"));
    assertEquals("wholesale", prospect.getAs("customer_type"));
    assertEquals(0, (Integer) prospect.getAs(CustomerMetrics.FREQUENCY));
    assertNull(prospect.getAs(CustomerMetrics.FIRST_PURCHASE_DATE));
    assertEquals("North", rows.get("c1").getAs("region"));
    assertNull(rows.get("c2").getAs("region"));
  }

  /**
   * The customer days are read once and not cached; the cohort cells come from the same pass: c0 to
   * c9 buy in January, c10 to c19 in February, all again in March.
   */
  @Test
  void theDaysAreNotCachedAndTheCellsComeFromTheSamePass() {
    String orders =
        parquet(
            "cohorts",
            "SELECT concat('c', id % 20) AS customer_id, CASE WHEN id < 20 THEN"
                + " date'2023-01-10' + CAST(id % 20 DIV 10 * 31 AS INT) ELSE date'2023-03-05' END"
                + " AS order_date, CAST(10 AS DECIMAL(10,2)) AS amount FROM range(40)");

    validateAndMeasure(
        orders,
        Map.of(),
        state -> {
          assertEquals(
              StorageLevel.NONE(), state.get(MetricsStep.CUSTOMER_DAYS).days().storageLevel());
          Map<String, Long> active =
              state.get(MetricsStep.COHORT_CELLS).cells().collectAsList().stream()
                  .collect(
                      Collectors.groupingBy(
                          cell -> cell.getInt(0) + " +" + cell.getInt(1),
                          Collectors.summingLong(cell -> cell.getLong(2))));
          // Month indexes: 2023 x 12 + month - 1.
          assertEquals(
              Map.of("24276 +0", 10L, "24276 +2", 10L, "24277 +0", 10L, "24277 +1", 10L), active);
        });
  }

  @Test
  void noBuyersStopsTheRunAndSaysWhy() {
    String returns =
        parquet(
            "returns",
            "SELECT * FROM VALUES ('a', date'2023-12-01', -5.00), ('b', date'2023-11-01', -7.00)"
                + " AS t(customer_id, order_date, amount)");
    StepFailedException failure =
        assertThrows(StepFailedException.class, () -> validateAndMeasure(returns, Map.of()));
    assertEquals(
        "None of the 2 customers has a purchase in the window before 2024-01-01 (window-days 0), "
            + "so there is nobody to score or tier.",
        failure.getMessage());
  }
}
