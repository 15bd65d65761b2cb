package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.ingest.InvalidInputException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input nobody cleaned: each case fails with a message naming the file or column, or quarantines
 * with a reason, losing nothing.
 */
class BadInputTest extends SparkTestSession {
  @TempDir Path dir;

  /** Writes a Parquet directory from SQL, e.g. "SELECT 1L AS customer_id, ...". */
  private String parquet(String name, String sql) {
    String path = dir.resolve(name).toString();
    spark.sql(sql).coalesce(1).write().mode("append").parquet(path);
    return path;
  }

  private RunResult run(String input, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segments.input.path", input);
    overrides.put("segments.output.root", dir.resolve("out").toString());
    overrides.put("segments.input.columns.order-id", "");
    overrides.putIfAbsent("segments.snapshot.as-of", "2024-06-01");
    overrides.putIfAbsent("segments.quality.max-quarantined-share", "1");
    return SegmentationJob.run(
        spark, JobSettings.load(ConfigLayers.layered(Optional.empty(), overrides)));
  }

  private String failure(String input) {
    return assertThrows(InvalidInputException.class, () -> run(input, Map.of())).getMessage();
  }

  private static void assertReconciles(IngestCounts counts) {
    assertEquals(
        counts.rowsRead(),
        counts.rowsAccepted() + counts.rowsQuarantined() + counts.rowsAfterAsOf());
  }

  /** Twelve plain purchases by four customers, enough for four tiers. */
  private static final String GOOD =
      "SELECT CAST(id % 4 AS BIGINT) AS customer_id, timestamp'2024-01-01 10:00:00' +"
          + " make_interval(0, 0, 0, CAST(id * 7 AS INT)) AS order_ts, CAST(10 + id * id AS"
          + " DECIMAL(10,2)) AS amount FROM range(12)";

  @Test
  void aMissingInputPathIsNamed() {
    String missing = dir.resolve("no-such-dir").toString();
    assertEquals(
        "The transactions (segments.input.path) at " + missing + " does not exist.",
        failure(missing));
  }

  @Test
  void aDirectoryWithoutDataFilesIsNamed() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("_SUCCESS"), "");
    assertEquals(
        "The transactions (segments.input.path) at "
            + empty
            + " holds no data files (only hidden ones, "
            + "starting with _ or ., if any).",
        failure(empty.toString()));
  }

  @Test
  void aFileThatIsNotParquetAmongGoodOnesFailsNamingIt() throws IOException {
    String input = parquet("mixed", GOOD);
    Path notes = Path.of(input, "notes.csv");
    Files.writeString(notes, "customer_id,amount\n1,2\n");
    String message = failure(input);
    assertTrue(
        message.startsWith(
            "The transactions (segments.input.path) file file:"
                + notes
                + " is not a readable Parquet file"),
        message);
    assertTrue(message.endsWith("Remove or replace it: no file is skipped silently."), message);
  }

  @Test
  void aTruncatedParquetFileFailsNamingIt() throws IOException {
    String input = parquet("truncated", GOOD);
    Path file;
    try (Stream<Path> files = Files.list(Path.of(input))) {
      file =
          files
              .filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertTrue(
        failure(input)
            .startsWith(
                "The transactions (segments.input.path) file file:"
                    + file
                    + " is not a readable Parquet file"));
  }

  @Test
  void filesWithCompatibleSchemasAreReadTogether() {
    // Ids INT and BIGINT, amounts INT and DECIMAL, timestamps and dates, and an extra column.
    String input =
        parquet(
            "compatible",
            "SELECT 1 AS customer_id, timestamp'2024-01-02 09:00:00' AS order_ts, 100 AS amount");
    parquet(
        "compatible",
        "SELECT 2L AS customer_id, date'2024-01-03' AS order_ts, CAST(20.25 AS DECIMAL(6,2)) AS"
            + " amount, 'web' AS channel");
    parquet(
        "compatible",
        "SELECT 3L AS customer_id, timestamp'2024-02-01 09:00:00' AS order_ts, CAST(7.5 AS"
            + " DECIMAL(4,1)) AS amount");
    parquet(
        "compatible",
        "SELECT 4L AS customer_id, timestamp'2024-03-01 09:00:00' AS order_ts, CAST(3.25 AS"
            + " DECIMAL(12,2)) AS amount");
    parquet("compatible", "SELECT 5 AS customer_id, date'2024-04-01' AS order_ts, 1 AS amount");
    RunResult result = run(input, Map.of());

    assertEquals(5, result.counts().orElseThrow().rowsAccepted());
    Dataset<Row> segments = spark.read().parquet(dir.resolve("out/customer_segments").toString());
    assertEquals(
        0,
        new BigDecimal("132.0000")
            .compareTo(
                (BigDecimal)
                    segments.agg(org.apache.spark.sql.functions.sum("monetary")).first().get(0)));
    assertEquals(
        java.sql.Date.valueOf("2024-01-03"),
        segments.filter(col("customer_id").equalTo("2")).first().getAs("last_purchase_date"));
  }

  @Test
  void filesWithIncompatibleTypesFailNamingColumnTypesAndFiles() {
    String input =
        parquet(
            "incompatible",
            "SELECT 1L AS customer_id, timestamp'2024-01-02 09:00:00' AS order_ts, 10.5D AS"
                + " amount");
    parquet(
        "incompatible",
        "SELECT 2L AS customer_id, timestamp'2024-01-03 09:00:00' AS order_ts, 'ten' AS amount");
    String message = failure(input);
    assertTrue(
        message.startsWith(
            "The files of transactions (segments.input.path) disagree on column 'amount': "),
        message);
    // Which type is named first depends on the files' (random) names.
    assertTrue(
        message.matches(
            ".*(DOUBLE in file:.* but STRING in file:|STRING in file:.* but DOUBLE in file:).*"),
        message);
    assertTrue(
        message.endsWith(
            "which cannot be read as one type. Rewrite one of them with the other's type."),
        message);
  }

  /**
   * Every kind of bad row in one input, so that one run checks them all: amounts, customer ids and
   * dates, each row with one defect, and two rows on or after the as-of date.
   */
  @Test
  void badRowsAreQuarantinedByReasonAndNothingIsLost() {
    String good =
        "SELECT CAST(customer_id AS STRING) AS customer_id, order_ts, CAST(amount AS DOUBLE) AS"
            + " amount FROM ("
            + GOOD
            + ")";
    String input =
        parquet(
            "bad-rows",
            good
                + " UNION ALL SELECT * FROM VALUES"
                + " ('101', timestamp'2024-01-05 10:00:00', CAST(NULL AS DOUBLE)),"
                + " ('102', timestamp'2024-01-05 10:00:00', CAST('NaN' AS DOUBLE)),"
                + " ('103', timestamp'2024-01-05 10:00:00', CAST('Infinity' AS DOUBLE)),"
                + " ('104', timestamp'2024-01-05 10:00:00', CAST('-Infinity' AS DOUBLE)),"
                + " ('105', timestamp'2024-01-05 10:00:00', 1.0E300D),"
                + " (CAST(NULL AS STRING), timestamp'2024-01-05 10:00:00', 5.0D),"
                + " ('  ', timestamp'2024-01-05 10:00:00', 5.0D),"
                + " ('', timestamp'2024-01-05 10:00:00', 5.0D),"
                + " ('201', timestamp'1969-12-31 23:00:00', 5.0D),"
                + " ('202', timestamp'1900-01-01 00:00:00', 5.0D),"
                + " ('203', timestamp'2024-06-01 00:00:00', 5.0D),"
                + " ('204', timestamp'2031-01-01 00:00:00', 5.0D),"
                + " ('205', CAST(NULL AS TIMESTAMP), 5.0D)"
                + " AS t(customer_id, order_ts, amount)");
    IngestCounts counts = run(input, Map.of()).counts().orElseThrow();

    assertEquals(
        Map.of(
            "missing_amount", 1L,
            "nan_amount", 1L,
            "infinite_amount", 2L,
            "amount_out_of_range", 1L,
            "missing_customer_id", 1L,
            "blank_customer_id", 2L,
            "timestamp_before_earliest_date", 2L,
            "missing_timestamp", 1L),
        counts.quarantinedByReason());
    assertEquals(25, counts.rowsRead());
    assertEquals(12, counts.rowsAccepted());
    assertEquals(2, counts.rowsAfterAsOf());
    assertReconciles(counts);
    Map<String, Long> quarantined = new HashMap<>();
    for (Row row :
        spark
            .read()
            .parquet(dir.resolve("out/quarantine").toString())
            .groupBy("reason")
            .count()
            .collectAsList()) {
      quarantined.put(row.getString(0), row.getLong(1));
    }
    assertEquals(counts.quarantinedByReason(), quarantined);

    // The run log keeps the same counts.
    List<Row> runs = spark.read().parquet(dir.resolve("out/job_runs").toString()).collectAsList();
    assertEquals(1, runs.size());
    Row logged = runs.get(0);
    assertEquals(25L, logged.<Long>getAs("rows_read"));
    assertEquals(12L, logged.<Long>getAs("rows_accepted"));
    assertEquals(11L, logged.<Long>getAs("rows_quarantined"));
    assertEquals(2L, logged.<Long>getAs("rows_after_as_of"));
  }

  @Test
  void tooMuchBadInputStopsTheRunWithTheReasons() {
    String input =
        parquet(
            "mostly-bad",
            GOOD + " UNION ALL SELECT CAST(NULL AS BIGINT), order_ts, amount FROM (" + GOOD + ")");
    JobFailedException failure =
        assertThrows(
            JobFailedException.class,
            () -> run(input, Map.of("segments.quality.max-quarantined-share", "0.2")));
    assertEquals(
        "12 of the 24 rows before 2024-06-01 were quarantined (50.00 %), more than "
            + "segments.quality.max-quarantined-share allows (20.00 %): missing_customer_id 12. "
            + "Fix the input, or raise the limit if this is how the data is.",
        failure.getMessage());
  }

  @Test
  void noAcceptedRowBeforeAsOfIsExplained() {
    String input = parquet("future", GOOD);
    JobFailedException failure =
        assertThrows(
            JobFailedException.class,
            () -> run(input, Map.of("segments.snapshot.as-of", "2023-01-01")));
    assertEquals(
        "No transaction of "
            + input
            + " was accepted before the as-of date 2023-01-01 "
            + "(12 rows read, 12 on or after it; no row quarantined).",
        failure.getMessage());
  }
}
