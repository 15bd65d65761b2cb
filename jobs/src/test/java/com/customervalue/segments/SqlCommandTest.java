package com.customervalue.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code segments run} then {@code segments sql} through the command line, as a user types them,
 * from an application that has a session already (the tests' shared one): the commands use it and
 * leave it running. The sql command registers the tables as the session's temporary views.
 */
@ResourceLock(SparkTestSession.TABLE_VIEWS)
class SqlCommandTest extends SparkTestSession {
  @TempDir static Path output;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int execute(String... args) {
    return new SegmentsCli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(args);
  }

  @BeforeAll
  static void publishASnapshot() {
    Path root = SparkTestSession.repositoryRoot();
    int exit =
        new SegmentsCli(System.out, System.err)
            .execute(
                new String[] {
                  "run",
                  "--config",
                  root.resolve("conf/rfm-data-orders.conf").toString(),
                  "--input",
                  root.resolve("data-samples/rfm_data_orders.parquet").toString(),
                  "--output",
                  output.toString(),
                  "--as-of",
                  "2006-12-31",
                  "--master",
                  "local[2]"
                });
    assertEquals(0, exit);
    assertFalse(spark.sparkContext().isStopped(), "the caller's session is left running");
  }

  @Test
  void csvForScripts() {
    assertEquals(
        0,
        execute(
            "sql",
            "SELECT rfm_segment, customers FROM rfm_segment_summary ORDER BY customers DESC,"
                + " rfm_segment",
            "--output",
            output.toString(),
            "--format",
            "csv",
            "--master",
            "local[2]"));
    assertEquals(
        """
        rfm_segment,customers
        Potential Loyalist,341
        Loyal Customers,171
        Lost,148
        New Customers,104
        About To Sleep,101
        Can't Lose Them,48
        Champions,35
        At Risk,28
        Need Attention,10
        Promising,9
        """,
        out.toString(StandardCharsets.UTF_8));
    assertFalse(spark.sparkContext().isStopped(), "the caller's session is left running");
  }

  @Test
  void aTableForPeopleAndHistoryViews() {
    assertEquals(
        0,
        execute(
            "sql",
            "--output",
            output.toString(),
            "--master",
            "local[2]",
            "SELECT snapshot_date, count(*) AS customers FROM customer_segments_history GROUP BY"
                + " snapshot_date"));
    assertEquals(
        """
        +---------------+-----------+
        | snapshot_date | customers |
        +---------------+-----------+
        | 2006-12-31    | 995       |
        +---------------+-----------+
        1 row
        """,
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void jsonLinesAndALimit() {
    assertEquals(
        0,
        execute(
            "sql",
            "SELECT customer_id FROM customer_segments ORDER BY customer_id",
            "--output",
            output.toString(),
            "--format",
            "json",
            "--limit",
            "2",
            "--master",
            "local[2]"));
    assertEquals(2, out.toString(StandardCharsets.UTF_8).lines().count());
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("{\"customer_id\":\""));
    assertEquals(
        "segments: showing the first 2 rows; --limit shows more",
        err.toString(StandardCharsets.UTF_8).trim());
  }

  @Test
  void mistakesAreExplained() {
    assertEquals(
        1,
        execute(
            "sql",
            "SELECT * FROM no_such_table",
            "--output",
            output.toString(),
            "--master",
            "local[2]"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .startsWith("segments: the query cannot run: [TABLE_OR_VIEW_NOT_FOUND]"));
    err.reset();
    assertEquals(2, execute("sql", "SELECT 1", "--format", "xml"));
    assertEquals(
        "segments: --format must be table, csv or json, got 'xml'",
        err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(""));
    err.reset();
    assertEquals(2, execute("sql", "--output", output.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("segments: sql needs a query"));
  }
}
