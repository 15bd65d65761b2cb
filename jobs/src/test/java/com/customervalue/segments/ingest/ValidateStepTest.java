package com.customervalue.segments.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.StepFailedException;
import com.customervalue.segments.privacy.PseudonymKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validate step on small inputs written for the case: the customer master's checks, the as-of
 * date, and the one place ids become pseudonyms.
 */
class ValidateStepTest extends SparkTestSession {
  private static final String KEY = "a-key-of-at-least-16-bytes";

  @TempDir Path dir;

  private String parquet(String name, String sql) {
    String path = dir.resolve(name).toString();
    spark.sql(sql).coalesce(1).write().mode("overwrite").parquet(path);
    return path;
  }

  /** Six orders of six customers, and one row with a NaN amount. */
  private String orders() {
    return parquet(
        "orders",
        "SELECT concat('customer-', id) AS customer_id, date'2024-01-01' + CAST(id * 9 AS INT) AS"
            + " order_date, CAST(10 + id * id AS DOUBLE) AS amount FROM range(6) UNION ALL SELECT"
            + " 'secret-id', date'2024-02-02', CAST('NaN' AS DOUBLE)");
  }

  private ValidateStep step(String input, Map<String, String> more, Map<String, String> env) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segments.input.path", input);
    overrides.put("segments.input.columns.order-id", "");
    overrides.put("segments.input.columns.timestamp", "order_date");
    overrides.putIfAbsent("segments.quality.max-quarantined-share", "0.5");
    JobSettings settings = JobSettings.load(ConfigLayers.layered(Optional.empty(), overrides), env);
    return new ValidateStep(
        settings.input(), settings.quality(), settings.snapshot(), settings.privacy());
  }

  private RunState validate(String input, Map<String, String> more, Map<String, String> env) {
    RunState state = new RunState(spark, "test-run", null);
    step(input, more, env).run(state);
    return state;
  }

  private static String hmac(String id) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void cleanInputIsNotReadAgainForItsEmptyQuarantine() {
    // As-of before the NaN row: every row in scope is valid, so the counts say none is rejected.
    Ingested clean =
        validate(orders(), Map.of("segments.snapshot.as-of", "2024-02-01"), Map.of())
            .get(ValidateStep.INGESTED);
    Ingested withRejects = validate(orders(), Map.of(), Map.of()).get(ValidateStep.INGESTED);

    assertEquals(0, clean.counts().rowsQuarantined());
    assertEquals(0, clean.quarantined().count());
    assertEquals(withRejects.quarantined().schema(), clean.quarantined().schema());
    assertTrue(
        clean.quarantined().queryExecution().optimizedPlan() instanceof LocalRelation,
        "the empty quarantine reads no file");
    assertFalse(
        withRejects.quarantined().queryExecution().optimizedPlan() instanceof LocalRelation);
    assertEquals(1, withRejects.quarantined().count());
  }

  @Test
  void theAsOfDateDefaultsToTheDayAfterTheLatestValidRow() {
    Ingested ingested = validate(orders(), Map.of(), Map.of()).get(ValidateStep.INGESTED);

    assertEquals(java.time.LocalDate.of(2024, 2, 16), ingested.asOf());
    assertEquals(new IngestCounts(7, 6, Map.of("nan_amount", 1L), 0, 0), ingested.counts());
    assertEquals(6, ingested.accepted().count());
  }

  @Test
  void customerIdsArePseudonymizedInEveryRowThatLeavesTheStep() throws Exception {
    String master = parquet("master", "SELECT ' customer-1 ' AS customer_id, 'North' AS region");
    Ingested ingested =
        validate(
                orders(),
                Map.of(
                    "segments.privacy.pseudonymize-customer-ids",
                    "true",
                    "segments.input.customers-path",
                    master),
                Map.of(PseudonymKey.VARIABLE, KEY))
            .get(ValidateStep.INGESTED);

    Set<String> expected = new java.util.HashSet<>();
    for (int id = 0; id < 6; id++) {
      expected.add(hmac("customer-" + id));
    }
    assertEquals(
        expected,
        ingested.accepted().select(col(Transactions.CUSTOMER_ID)).collectAsList().stream()
            .map(row -> row.getString(0))
            .collect(Collectors.toSet()));
    Row quarantined = ingested.quarantined().first();
    assertEquals("nan_amount", quarantined.getAs("reason"));
    assertEquals(hmac("secret-id"), quarantined.getAs("customer_id"));
    String record = quarantined.getAs("raw_record");
    assertTrue(
        record.contains("\"customer_id\":\"" + hmac("secret-id") + "\"")
            && !record.contains("secret-id"),
        record);
    assertEquals(
        List.of(hmac("customer-1")),
        ingested.customerMaster().orElseThrow().collectAsList().stream()
            .map(row -> row.<String>getAs(Transactions.CUSTOMER_ID))
            .toList());
  }

  @Test
  void withoutAKeyIdsStayAsGivenTrimmed() {
    String master = parquet("master", "SELECT ' customer-1 ' AS customer_id, 'North' AS region");
    Ingested ingested =
        validate(orders(), Map.of("segments.input.customers-path", master), Map.of())
            .get(ValidateStep.INGESTED);
    assertEquals("secret-id", ingested.quarantined().first().getAs("customer_id"));
    assertEquals(
        "customer-1", ingested.customerMaster().orElseThrow().first().getAs("customer_id"));
  }

  @Test
  void duplicateIdsInTheCustomerMasterAreRefused() {
    String master =
        parquet(
            "master",
            "SELECT * FROM VALUES ('a', 'N'), (' a', 'S'), ('b', 'S') AS t(customer_id, region)");
    InvalidInputException failure =
        assertThrows(
            InvalidInputException.class,
            () -> validate(orders(), Map.of("segments.input.customers-path", master), Map.of()));
    assertEquals(
        "The customer master "
            + master
            + " has duplicate, null or blank ids in 'customer_id', e.g. 'a' (2 rows). Each"
            + " customer must appear once.",
        failure.getMessage());
  }

  @Test
  void aCustomerMasterWithoutTheIdColumnOrWithPublishedColumnNamesIsRefused() {
    String noId = parquet("no-id", "SELECT 'a' AS id, 'N' AS region");
    assertEquals(
        "The customer master "
            + noId
            + " has no column 'customer_id' (segments.customers.customer-id-column). Columns"
            + " there: id, region.",
        assertThrows(
                InvalidInputException.class,
                () -> validate(orders(), Map.of("segments.input.customers-path", noId), Map.of()))
            .getMessage());
    String clash = parquet("clash", "SELECT 'a' AS customer_id, 'gold' AS value_tier");
    assertEquals(
        "The customer master "
            + clash
            + " has columns named like columns of customer_segments: value_tier. Rename them so"
            + " that the published table stays unambiguous.",
        assertThrows(
                InvalidInputException.class,
                () -> validate(orders(), Map.of("segments.input.customers-path", clash), Map.of()))
            .getMessage());
  }

  @Test
  void tooMuchQuarantinedStopsTheRunAfterTheCountsAreKnown() {
    RunState state = new RunState(spark, "test-run", null);
    ValidateStep step =
        step(orders(), Map.of("segments.quality.max-quarantined-share", "0.1"), Map.of());

    StepFailedException failure = assertThrows(StepFailedException.class, () -> step.run(state));

    assertEquals(
        "1 of the 7 rows before 2024-02-16 were quarantined (14.29 %), more than"
            + " segments.quality.max-quarantined-share allows (10.00 %): nan_amount 1. Fix the"
            + " input, or raise the limit if this is how the data is.",
        failure.getMessage());
    assertTrue(state.find(ValidateStep.INGESTED).isPresent(), "counts kept for the run record");
  }

  @Test
  void noValidRowLeavesNoAsOfDateAndSaysWhy() {
    String input =
        parquet(
            "bad",
            "SELECT 'a' AS customer_id, date'2024-01-01' AS order_date, CAST(NULL AS DOUBLE) AS"
                + " amount");
    RunState state = new RunState(spark, "test-run", null);
    ValidateStep step = step(input, Map.of(), Map.of());

    StepFailedException failure = assertThrows(StepFailedException.class, () -> step.run(state));
    assertEquals(
        "No valid transaction in "
            + input
            + ", so there is no default as-of date: missing_amount 1",
        failure.getMessage());
    assertFalse(state.find(ValidateStep.INGESTED).isPresent());
  }

  @Test
  void ambiguousMasterIdsAreFound() {
    StructType masterSchema =
        new StructType().add("id", DataTypes.StringType).add("region", DataTypes.StringType);
    Dataset<Row> master =
        CustomerMasterInput.keyed(
            spark.createDataFrame(
                List.of(
                    RowFactory.create("a", "N"),
                    RowFactory.create(" a ", "S"),
                    RowFactory.create("b", "N"),
                    RowFactory.create(" ", "N")),
                masterSchema),
            "id");
    Map<String, Long> ambiguous =
        CustomerMasterInput.ambiguousIds(master).collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getString(0), row -> row.getLong(1)));
    assertEquals(Map.of("a", 2L, "", 1L), ambiguous);
  }
}
