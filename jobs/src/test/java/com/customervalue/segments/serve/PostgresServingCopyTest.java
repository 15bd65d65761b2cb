package com.customervalue.segments.serve;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.PostgresTestServer;
import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.SegmentationJob;
import com.customervalue.segments.serve.PostgresServingCopy.ServedTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL serving copy against a real server: two Online Retail snapshots, reruns, retries,
 * a failed swap.
 */
@Order(SparkTestSession.LONGEST_FIRST)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresServingCopyTest extends SparkTestSession {
  private static final String SCHEMA = "crm";
  private static final String JUNE = "2011-06-01";
  private static final String DECEMBER = "2011-12-10";

  @TempDir static Path root;
  private static PostgresTestServer server;

  @BeforeAll
  static void startServerAndPublishTwoSnapshots() throws Exception {
    server = PostgresTestServer.start();
    run(JUNE);
    run(DECEMBER);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  static JobSettings settings(String asOf) {
    return settings(asOf, Map.of());
  }

  static JobSettings settings(String asOf, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put(
        "segments.input.path",
        repositoryRoot().resolve("data-samples/online_retail.parquet").toString());
    overrides.put("segments.output.root", root.toString());
    overrides.put("segments.snapshot.as-of", asOf);
    overrides.put("segments.serving.jdbc-url", server.jdbcUrl());
    overrides.put("segments.serving.schema", SCHEMA);
    overrides.put("segments.serving.batch-size", "700");
    return JobSettings.load(
        ConfigLayers.layered(
            Optional.of(repositoryRoot().resolve("conf/online-retail.conf").toFile()), overrides),
        Map.of(
            JdbcCredentials.USER_VARIABLE,
            PostgresTestServer.USER,
            JdbcCredentials.PASSWORD_VARIABLE,
            PostgresTestServer.PASSWORD));
  }

  static void run(String asOf) {
    SegmentationJob.run(spark, settings(asOf));
  }

  private static Dataset<Row> postgres(String table) {
    Properties properties = new Properties();
    properties.setProperty("user", PostgresTestServer.USER);
    properties.setProperty("password", PostgresTestServer.PASSWORD);
    properties.setProperty("driver", "org.postgresql.Driver");
    return spark.read().jdbc(server.jdbcUrl(), SCHEMA + "." + table, properties);
  }

  private static Dataset<Row> parquet(String table) {
    return spark.read().option("mergeSchema", "true").parquet(root.resolve(table).toString());
  }

  /** The columns both copies hold as plain values (the run log's maps are JSON in PostgreSQL). */
  private static List<String> plainColumns(Dataset<Row> table) {
    List<String> columns = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      if (!(field.dataType() instanceof MapType)) {
        columns.add(field.name());
      }
    }
    return columns;
  }

  private static long query(String sql) throws Exception {
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  @Test
  @Order(1)
  void everyTableMatchesItsParquetTableRowForRow() {
    List<String> tables = Catalog.TABLES.stream().map(TableSpec::name).toList();
    for (String table : tables) {
      Dataset<Row> parquet = parquet(table);
      List<String> columns = plainColumns(parquet);
      Dataset<Row> fromParquet = parquet.selectExpr(columns.toArray(String[]::new));
      Dataset<Row> fromPostgres = postgres(table).selectExpr(columns.toArray(String[]::new));
      assertEquals(fromParquet.count(), fromPostgres.count(), table);
      assertEquals(
          0,
          fromParquet.exceptAll(fromPostgres).count(),
          table + ": Parquet rows missing in PostgreSQL");
      assertEquals(
          0,
          fromPostgres.exceptAll(fromParquet).count(),
          table + ": PostgreSQL rows not in Parquet");
    }
    assertEquals(2, postgres("customer_segments").select("snapshot_date").distinct().count());
  }

  @Test
  @Order(1)
  void tablesHaveSqlTypesPrimaryKeysAndIndexes() throws Exception {
    Map<String, String> types = new TreeMap<>();
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT column_name, data_type, numeric_precision, numeric_scale FROM"
                    + " information_schema.columns WHERE table_schema = 'crm' AND table_name ="
                    + " 'customer_segments'")) {
      while (result.next()) {
        String type = result.getString(2);
        types.put(
            result.getString(1),
            type.equals("numeric")
                ? "numeric(" + result.getInt(3) + "," + result.getInt(4) + ")"
                : type);
      }
    }
    assertEquals("date", types.get("snapshot_date"));
    assertEquals("text", types.get("customer_id"));
    assertEquals("integer", types.get("frequency"));
    assertEquals("numeric(28,4)", types.get("monetary"));
    assertEquals("date", types.get("last_purchase_date"));
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm' AND tablename ="
                + " 'customer_segments' AND indexdef LIKE '%UNIQUE%(snapshot_date,"
                + " customer_id)%'"));
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm' AND indexname ="
                + " 'customer_segments_snapshot_date_value_tier_idx'"));
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm' AND tablename ="
                + " 'rfm_segment_map' AND indexdef LIKE '%UNIQUE%(snapshot_date, rfm_cell)%'"));
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm' AND tablename ="
                + " 'cohort_retention' AND indexdef LIKE '%UNIQUE%(snapshot_date, cohort_month,"
                + " months_since_first)%'"));
    assertEquals(
        91,
        query(
            "SELECT count(*) FROM crm.cohort_retention WHERE snapshot_date = DATE '"
                + DECEMBER
                + "'"),
        "13 cohorts, 13 + 12 + … + 1 cells");
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm' AND tablename ="
                + " 'segment_breakdown' AND indexdef LIKE '%UNIQUE%(snapshot_date, attribute,"
                + " attribute_value, value_tier, lifecycle_status)%'"));
    // The value models: one row per fit, model and parameter; the backtest (empty without a
    // holdout) keyed by model and bin.
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm' AND tablename ="
                + " 'clv_model' AND indexdef LIKE '%UNIQUE%(snapshot_date, fit, model,"
                + " parameter)%'"));
    assertEquals(
        4 + 4 + 3,
        query("SELECT count(*) FROM crm.clv_model WHERE snapshot_date = DATE '" + DECEMBER + "'"),
        "full fits of BG/NBD, Pareto/NBD and Gamma-Gamma");
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm' AND tablename ="
                + " 'clv_backtest' AND indexdef LIKE '%UNIQUE%(snapshot_date, model,"
                + " repeat_purchases)%'"));
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'crm' AND"
                + " table_name = 'customer_segments' AND column_name = 'p_alive' AND data_type ="
                + " 'double precision'"));
    // conf/online-retail.conf breaks down by country: every served customer once per snapshot.
    assertEquals(
        query("SELECT count(*) FROM crm.customer_segments"),
        query("SELECT sum(customers) FROM crm.segment_breakdown WHERE attribute = 'country'"));
    assertEquals(
        1,
        query(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'crm' AND"
                + " table_name = 'job_runs' AND column_name = 'stage_seconds' AND data_type ="
                + " 'jsonb'"));
    assertEquals(
        0,
        query(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'crm' AND"
                + " table_name LIKE '\\_staging%'"));
  }

  @Test
  @Order(2)
  void rerunningASnapshotReplacesItAndKeepSnapshotsPrunesTheCopyToo() throws Exception {
    long december =
        query(
            "SELECT count(*) FROM crm.customer_segments WHERE snapshot_date = DATE '"
                + DECEMBER
                + "'");
    long distribution =
        query(
            "SELECT count(*) FROM crm.value_distribution WHERE snapshot_date = DATE '"
                + DECEMBER
                + "'");
    SegmentationJob.run(spark, settings(DECEMBER, Map.of("segments.output.keep-snapshots", "1")));
    assertEquals(december, query("SELECT count(*) FROM crm.customer_segments"));
    assertEquals(distribution, query("SELECT count(*) FROM crm.value_distribution"));
    assertEquals(
        0,
        query("SELECT count(*) FROM crm.tier_migration WHERE snapshot_date = DATE '" + JUNE + "'"));
    assertEquals(3, query("SELECT count(*) FROM crm.job_runs"), "the run log is not pruned");
  }

  @Test
  @Order(3)
  void aRetriedTaskReplacesTheRowsOfItsFirstAttempt() throws Exception {
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE crm.retry_check (id bigint, spark_partition integer NOT NULL)");
    }
    Dataset<Row> ids = spark.range(0, 1000).toDF("id");
    PartitionWriter writer =
        new PartitionWriter(
            server.jdbcUrl(),
            PostgresTestServer.credentials(),
            "\"crm\".\"retry_check\"",
            List.of("id"),
            new boolean[] {false},
            64);
    writer.call(ids.collectAsList().iterator());
    writer.call(
        ids.collectAsList().iterator()); // the same partition again, as a retried task would
    assertEquals(1000, query("SELECT count(*) FROM crm.retry_check"));
    assertEquals(1000, query("SELECT count(DISTINCT id) FROM crm.retry_check"));
  }

  @Test
  @Order(4)
  void aSwapThatFailsLeavesEveryTableAsItWas() throws Exception {
    long segments =
        query(
            "SELECT count(*) FROM crm.customer_segments WHERE snapshot_date = DATE '"
                + DECEMBER
                + "'");
    long tiers =
        query(
            "SELECT count(*) FROM crm.tier_summary WHERE snapshot_date = DATE '" + DECEMBER + "'");
    Dataset<Row> customerSegments =
        spark
            .read()
            .parquet(root.resolve("customer_segments/snapshot_date=" + DECEMBER).toString());
    Dataset<Row> tierSummary =
        spark.read().parquet(root.resolve("tier_summary/snapshot_date=" + DECEMBER).toString());
    List<ServedTable> tables =
        List.of(
            new ServedTable(Catalog.CUSTOMER_SEGMENTS, customerSegments.limit(10)),
            // Every tier twice: the primary key rejects it inside the swap, after customer_segments
            // was replaced.
            new ServedTable(Catalog.TIER_SUMMARY, tierSummary.union(tierSummary)));

    ServingCopyException failure =
        assertThrows(
            ServingCopyException.class,
            () ->
                new PostgresServingCopy(settings(DECEMBER).serving(), "failing-run")
                    .publish(tables, LocalDate.parse(DECEMBER), 0));

    assertTrue(failure.getMessage().contains("duplicate key"), failure.getMessage());
    assertFalse(failure.getMessage().contains(PostgresTestServer.PASSWORD));
    assertEquals(
        segments,
        query(
            "SELECT count(*) FROM crm.customer_segments WHERE snapshot_date = DATE '"
                + DECEMBER
                + "'"));
    assertEquals(
        tiers,
        query(
            "SELECT count(*) FROM crm.tier_summary WHERE snapshot_date = DATE '" + DECEMBER + "'"));
    assertEquals(
        0,
        query(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'crm' AND"
                + " table_name LIKE '\\_staging%'"));
  }

  @Test
  @Order(5)
  void credentialsStayOutOfTheRunLogAndTheUrl() {
    assertEquals(
        0,
        parquet("job_runs")
            .toJSON()
            .filter(col("value").contains(PostgresTestServer.PASSWORD))
            .count());
    assertEquals(
        0,
        postgres("job_runs")
            .toJSON()
            .filter(col("value").contains(PostgresTestServer.PASSWORD))
            .count());
    assertEquals(
        "JdbcCredentials[user=segments, password=***]",
        PostgresTestServer.credentials().toString());
    assertTrue(settings(DECEMBER).toString().contains("password=***"));

    Map<String, String> withPassword =
        Map.of(
            "segments.input.path",
            "x",
            "segments.serving.jdbc-url",
            "jdbc:postgresql://db:5432/crm?user=a&password=b");
    InvalidSettingsException refused =
        assertThrows(
            InvalidSettingsException.class,
            () ->
                JobSettings.load(
                    ConfigLayers.layered(Optional.empty(), withPassword),
                    Map.of(JdbcCredentials.USER_VARIABLE, "a")));
    assertEquals(
        "Invalid setting segments.serving.jdbc-url: the URL must not carry credentials; set "
            + "SEGMENTS_JDBC_USER and SEGMENTS_JDBC_PASSWORD in the environment instead.",
        refused.getMessage());
    InvalidSettingsException noUser =
        assertThrows(
            InvalidSettingsException.class,
            () ->
                JobSettings.load(
                    ConfigLayers.layered(
                        Optional.empty(),
                        Map.of(
                            "segments.input.path",
                            "x",
                            "segments.serving.jdbc-url",
                            "jdbc:postgresql://db:5432/crm")),
                    Map.of()));
    assertTrue(noUser.getMessage().contains("SEGMENTS_JDBC_USER"));
    InvalidSettingsException badSchema =
        assertThrows(
            InvalidSettingsException.class,
            () ->
                JobSettings.load(
                    ConfigLayers.layered(
                        Optional.empty(),
                        Map.of(
                            "segments.input.path",
                            "x",
                            "segments.serving.schema",
                            "crm; DROP TABLE x")),
                    Map.of()));
    assertTrue(badSchema.getMessage().startsWith("Invalid setting segments.serving.schema"));
  }
}
