package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.ingest.InvalidInputException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * segment_breakdown on a small inline input with a customer master: master and transaction
 * attributes, prospects, customers without a value, and the column resolution at the edge.
 */
class SegmentBreakdownTest extends SparkTestSession {
  @TempDir Path dir;

  /**
   * Eight buyers; channel and region are columns of the lines. c2's channels tie (store wins, the
   * smaller), c3's null and c6's blank channel are no value, c8's later lines are after the as-of
   * date and do not count.
   */
  private static final String LINES =
      "SELECT * FROM VALUES"
          + " ('c1', timestamp'2024-01-05 10:00:00', 120.00, 'web', 'X'),"
          + " ('c1', timestamp'2024-03-05 10:00:00', 80.00, 'web', 'X'),"
          + " ('c1', timestamp'2024-05-20 10:00:00', 200.00, 'store', 'X'),"
          + " ('c2', timestamp'2024-02-01 10:00:00', 15.00, 'web', 'X'),"
          + " ('c2', timestamp'2024-02-10 10:00:00', 25.00, 'store', 'X'),"
          + " ('c3', timestamp'2024-04-01 10:00:00', 300.00, 'store', 'X'),"
          + " ('c3', timestamp'2024-04-15 10:00:00', 50.00, NULL, 'X'),"
          + " ('c4', timestamp'2024-01-02 10:00:00', 5.00, NULL, 'X'),"
          + " ('c5', timestamp'2024-05-30 10:00:00', 1000.00, 'phone', 'X'),"
          + " ('c6', timestamp'2024-03-03 10:00:00', 60.00, ' ', 'X'),"
          + " ('c7', timestamp'2024-02-20 10:00:00', 40.00, 'web', 'X'),"
          + " ('c7', timestamp'2024-05-01 10:00:00', 45.00, 'web', 'X'),"
          + " ('c8', timestamp'2024-01-20 10:00:00', 700.00, 'phone', 'X'),"
          + " ('c8', timestamp'2024-07-01 10:00:00', 10.00, 'store', 'X'),"
          + " ('c8', timestamp'2024-07-02 10:00:00', 10.00, 'store', 'X')"
          + " AS t(customer_id, order_ts, amount, channel, region)";

  /** Six of the buyers and two prospects (p1, p2); c7 and c8 are not in it. */
  private static final String MASTER =
      "SELECT * FROM VALUES ('c1', 'North', 'retail'), ('c2', 'North', 'wholesale'),"
          + " ('c3', 'South', 'retail'), ('c4', 'South', 'retail'), ('c5', 'North', 'public'),"
          + " ('c6', 'East', 'retail'), ('p1', 'South', 'partner'), ('p2', 'East', 'wholesale')"
          + " AS t(customer_id, region, customer_type)";

  private String parquet(String name, String sql) {
    String path = dir.resolve(name).toString();
    spark.sql(sql).coalesce(1).write().parquet(path);
    return path;
  }

  /** Runs the job with {@code breakdowns} as segments.breakdowns.columns (a HOCON list). */
  private Path run(String output, String breakdowns, Map<String, String> more) throws IOException {
    Path conf = dir.resolve(output + ".conf");
    Files.writeString(conf, "segments.breakdowns.columns = " + breakdowns + "\n");
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segments.input.path", parquet("lines-" + output, LINES));
    overrides.put("segments.output.root", dir.resolve(output).toString());
    overrides.put("segments.output.report", "false");
    overrides.put("segments.input.columns.order-id", "");
    overrides.put("segments.snapshot.as-of", "2024-06-01");
    SegmentationJob.run(
        spark, JobSettings.load(ConfigLayers.layered(Optional.of(conf.toFile()), overrides)));
    return dir.resolve(output);
  }

  /** Customers per attribute value, for one attribute. */
  private static Map<String, Long> customersByValue(List<Row> breakdown, String attribute) {
    Map<String, Long> customers = new TreeMap<>();
    for (Row row : breakdown) {
      if (row.getAs("attribute").equals(attribute)) {
        customers.merge(row.getAs("attribute_value"), row.<Long>getAs("customers"), Long::sum);
      }
    }
    return customers;
  }

  @Test
  void masterAndTransactionAttributesCoverEveryCustomerProspectsIncluded() throws IOException {
    Path output =
        run(
            "with-master",
            "[region, customer_type, channel]",
            Map.of("segments.input.customers-path", parquet("master", MASTER)));
    List<Row> segments =
        spark.read().parquet(output.resolve("customer_segments").toString()).collectAsList();
    List<Row> breakdown =
        spark
            .read()
            .parquet(output.resolve("segment_breakdown").toString())
            .orderBy(col("attribute"), col("attribute_value"), col("value_tier"))
            .collectAsList();
    assertEquals(10, segments.size());

    // region is in both inputs: the master's wins, so the lines' 'X' never appears.
    assertEquals(
        Map.of("", 2L, "East", 2L, "North", 3L, "South", 3L),
        customersByValue(breakdown, "region"));
    assertEquals(
        Map.of("", 2L, "partner", 1L, "public", 1L, "retail", 4L, "wholesale", 2L),
        customersByValue(breakdown, "customer_type"));
    assertEquals(
        Map.of("", 4L, "phone", 2L, "store", 2L, "web", 2L),
        customersByValue(breakdown, "channel"));

    BigDecimal allRevenue =
        segments.stream()
            .map(row -> row.<BigDecimal>getAs("monetary"))
            .reduce(BigDecimal::add)
            .get();
    for (String attribute : List.of("region", "customer_type", "channel")) {
      List<Row> rows =
          breakdown.stream().filter(row -> row.getAs("attribute").equals(attribute)).toList();
      assertEquals(
          segments.size(),
          rows.stream().mapToLong(row -> row.<Long>getAs("customers")).sum(),
          attribute);
      assertEquals(
          allRevenue,
          rows.stream().map(row -> row.<BigDecimal>getAs("revenue")).reduce(BigDecimal::add).get(),
          attribute);
      assertEquals(8, rows.stream().mapToLong(row -> row.<Long>getAs("buyers")).sum(), attribute);
    }

    Map<String, Long> prospectsByRegion = new TreeMap<>();
    for (Row row : breakdown) {
      if (row.getAs("attribute").equals("region")
          && row.getAs("lifecycle_status").equals("prospect")) {
        prospectsByRegion.merge(
            row.getAs("attribute_value"), row.<Long>getAs("customers"), Long::sum);
        assertEquals(0L, row.<Long>getAs("buyers"));
      }
    }
    assertEquals(Map.of("East", 1L, "South", 1L), prospectsByRegion);

    // Channel web: c1 (400.00) and c7 (85.00); partner: only the prospect p1, no revenue to share.
    BigDecimal web =
        breakdown.stream()
            .filter(row -> row.getAs("attribute").equals("channel"))
            .filter(row -> row.getAs("attribute_value").equals("web"))
            .map(row -> row.<BigDecimal>getAs("revenue"))
            .reduce(BigDecimal::add)
            .get();
    assertEquals(new BigDecimal("485.0000"), web);
    Row partner =
        breakdown.stream()
            .filter(row -> row.getAs("attribute_value").equals("partner"))
            .findFirst()
            .get();
    assertEquals("prospect", partner.getAs("lifecycle_status"));
    assertTrue(partner.isNullAt(partner.fieldIndex("revenue_share")));
    double northShares =
        breakdown.stream()
            .filter(row -> row.getAs("attribute_value").equals("North"))
            .mapToDouble(row -> row.<Double>getAs("revenue_share"))
            .sum();
    assertEquals(1.0, northShares, 1e-12);
  }

  @Test
  void withoutBreakdownColumnsTheTableIsPublishedEmpty() throws IOException {
    Path output = run("none", "[]", Map.of());
    assertEquals(0, spark.read().parquet(output.resolve("segment_breakdown").toString()).count());
  }

  @Test
  void aColumnInNeitherInputIsRefusedByName() {
    InvalidInputException refused =
        assertThrows(InvalidInputException.class, () -> run("unknown", "[segment]", Map.of()));
    String lines = dir.resolve("lines-unknown").toString();
    assertEquals(
        "The breakdown column 'segment' (segments.breakdowns.columns) is neither a column of the"
            + " transactions "
            + lines
            + " (and no customer master is configured). Columns of the transactions: customer_id,"
            + " order_ts, amount, channel, region.",
        refused.getMessage());
  }
}
