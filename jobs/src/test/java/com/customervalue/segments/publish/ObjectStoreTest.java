package com.customervalue.segments.publish;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.OnlineRetailHistory;
import com.customervalue.segments.PostgresTestServer;
import com.customervalue.segments.S3ProxyServer;
import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import com.customervalue.segments.config.ConfigLayers;
import com.customervalue.segments.config.InvalidSettingsException;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.SegmentationJob;
import com.customervalue.segments.pipeline.TableOutput;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a real S3-compatible server (s3proxy on 127.0.0.1, filesystem backend): Iceberg
 * tables in a JDBC catalog (PostgreSQL) with their files on {@code s3a://} equal the local Parquet
 * run row for row; Parquet on an object store is refused.
 */
@Order(SparkTestSession.LONGEST_FIRST)
class ObjectStoreTest extends SparkTestSession {
  private static final String OUTPUT = "s3a://" + S3ProxyServer.BUCKET + "/output";
  private static final String WAREHOUSE = "s3a://" + S3ProxyServer.BUCKET + "/warehouse";

  @TempDir static Path directory;
  private static S3ProxyServer s3;
  private static PostgresTestServer postgres;

  /** A session of its own, whose {@code segments} catalog the runs configure. */
  private static SparkSession session;

  @BeforeAll
  static void startServers() throws Exception {
    session = spark.newSession();
    SparkSession.setActiveSession(session);
    postgres = PostgresTestServer.start();
    s3 = S3ProxyServer.start(directory.resolve("s3"));
    s3.configure(spark.sparkContext().hadoopConfiguration());
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  static JobSettings settings(String asOf, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put(
        "segments.input.path",
        repositoryRoot().resolve("data-samples/online_retail.parquet").toString());
    overrides.put("segments.output.root", OUTPUT);
    overrides.put("segments.snapshot.as-of", asOf);
    overrides.putIfAbsent("segments.output.format", "iceberg");
    overrides.put("segments.output.iceberg.catalog-type", "jdbc");
    overrides.put("segments.output.iceberg.uri", postgres.jdbcUrl());
    overrides.put("segments.output.iceberg.warehouse", WAREHOUSE);
    return JobSettings.load(
        ConfigLayers.layered(
            Optional.of(repositoryRoot().resolve("conf/online-retail.conf").toFile()), overrides),
        PostgresTestServer.icebergCatalogEnvironment());
  }

  @Test
  void icebergTablesOnTheObjectStoreEqualTheLocalRunRowForRow() throws Exception {
    // June, the first snapshot of the shared local history: the same inputs, so the same rows.
    String june = OnlineRetailHistory.JUNE;
    SegmentationJob.run(session, settings(june, Map.of("segments.output.report", "false")));
    Path parquetRoot = OnlineRetailHistory.root(spark);
    TableOutput objectStore =
        TableOutputs.open(session, settings(june, Map.of()).output(), "t", false);
    TableOutput local =
        TableOutputs.open(
            spark, OnlineRetailHistory.settings(parquetRoot, june, Map.of()).output(), "t", false);
    Column juneOnly = col(TableSpec.SNAPSHOT_DATE).equalTo(Date.valueOf(june));
    for (TableSpec table : Catalog.TABLES) {
      assertEquals(List.of(LocalDate.parse(june)), objectStore.snapshots(table), table.name());
      Dataset<Row> remote = IcebergOutputTest.comparable(objectStore.history(table));
      Dataset<Row> disk = IcebergOutputTest.comparable(local.history(table).filter(juneOnly));
      assertEquals(disk.count(), remote.count(), table.name());
      assertEquals(
          List.of(),
          disk.exceptAll(remote).collectAsList(),
          table.name() + ": rows only on disk; in s3: " + remote.collectAsList());
      assertEquals(0, remote.exceptAll(disk).count(), table.name() + ": rows only in s3");
    }
    assertTrue(
        s3.keys("warehouse/customer_segments/customer_segments/metadata/").stream()
            .anyMatch(key -> key.endsWith(".metadata.json")),
        "the tables' files are in the bucket");
    assertTrue(
        s3.keys("output/tier_model/snapshot_date=" + june + "/").stream()
            .anyMatch(key -> key.contains("/metadata/")),
        "the tier model is saved beside the warehouse");
    try (var connection = postgres.connect();
        var statement = connection.createStatement();
        var tables =
            statement.executeQuery(
                "SELECT count(*) FROM iceberg_tables WHERE catalog_name = 'segments'")) {
      tables.next();
      assertEquals(Catalog.TABLES.size(), tables.getInt(1), "the JDBC catalog holds every table");
    }
  }

  @Test
  void parquetOnAnObjectStoreIsRefusedWithAPointerToIceberg() {
    InvalidSettingsException refused =
        assertThrows(
            InvalidSettingsException.class,
            () ->
                settings(
                    OnlineRetailHistory.DECEMBER, Map.of("segments.output.format", "parquet")));
    assertTrue(
        refused.getMessage().contains("segments.output.format = iceberg"), refused.getMessage());
    InvalidSettingsException hadoopCatalog =
        assertThrows(
            InvalidSettingsException.class,
            () ->
                JobSettings.load(
                    ConfigLayers.layered(
                        Optional.empty(),
                        Map.of(
                            "segments.input.path", "in",
                            "segments.output.root", OUTPUT,
                            "segments.output.format", "iceberg"))));
    assertTrue(hadoopCatalog.getMessage().contains("jdbc or rest"), hadoopCatalog.getMessage());
  }
}
