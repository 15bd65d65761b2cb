package com.customervalue.segments.publish;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.OnlineRetailHistory;
import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.catalog.TableSpec;
import com.customervalue.segments.job.JobSettings;
import com.customervalue.segments.job.SegmentationJob;
import com.customervalue.segments.job.SqlViews;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two Online Retail snapshots of {@link OnlineRetailHistory} published as Iceberg tables
 * (hadoop catalog on a temporary directory): the same rows as the Parquet layout table by table,
 * tier-model reuse and tier migration across snapshots, tags, {@code segments sql}, and pruning.
 */
@Order(SparkTestSession.LONGEST_FIRST)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IcebergOutputTest extends SparkTestSession {
  private static final String JUNE = OnlineRetailHistory.JUNE;
  private static final String DECEMBER = OnlineRetailHistory.DECEMBER;

  /** Columns that differ from run to run by nature (ids, clocks, paths). */
  private static final List<String> RUN_SPECIFIC =
      List.of(
          "run_id",
          "started_at",
          "finished_at",
          "output_root",
          "config_digest",
          "stage_seconds",
          "tier_model_reused_from",
          "published",
          "output_format");

  @TempDir static Path root;
  private static Path parquetRoot;

  /**
   * A session of its own, whose {@code segments} catalog the runs configure and whose temporary
   * views {@code SqlViews} registers.
   */
  private static SparkSession session;

  static JobSettings settings(String asOf, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segments.output.format", "iceberg");
    return OnlineRetailHistory.settings(root, asOf, overrides);
  }

  @BeforeAll
  static void twoSnapshots() {
    parquetRoot = OnlineRetailHistory.root(spark);
    session = spark.newSession();
    SparkSession.setActiveSession(session);
    SegmentationJob.run(session, settings(JUNE, Map.of("segments.output.report", "false")));
    SegmentationJob.run(session, settings(DECEMBER, Map.of()));
  }

  private static TableOutputsPair outputs() {
    return new TableOutputsPair(
        TableOutputs.open(session, settings(DECEMBER, Map.of()).output(), "test", false),
        TableOutputs.open(
            session,
            OnlineRetailHistory.settings(parquetRoot, DECEMBER, Map.of()).output(),
            "test",
            false));
  }

  private record TableOutputsPair(
      com.customervalue.segments.pipeline.TableOutput iceberg,
      com.customervalue.segments.pipeline.TableOutput parquet) {}

  /** The columns two runs of the same data share, sorted, maps as sorted entries. */
  static Dataset<Row> comparable(Dataset<Row> rows) {
    Column[] columns =
        java.util.Arrays.stream(rows.schema().fields())
            .filter(field -> !RUN_SPECIFIC.contains(field.name()))
            .sorted(java.util.Comparator.comparing(StructField::name))
            .map(
                field ->
                    field.dataType() instanceof MapType // set operations take no maps
                        ? array_sort(map_entries(col(field.name()))).as(field.name())
                        : col(field.name()))
            .toArray(Column[]::new);
    return rows.select(columns);
  }

  @Test
  @Order(1)
  void everyTableHoldsTheRowsOfTheParquetLayout() throws IOException {
    TableOutputsPair outputs = outputs();
    for (TableSpec table : Catalog.TABLES) {
      assertEquals(
          List.of(LocalDate.parse(JUNE), LocalDate.parse(DECEMBER)),
          outputs.iceberg().snapshots(table),
          table.name());
      Dataset<Row> iceberg = comparable(outputs.iceberg().history(table));
      Dataset<Row> parquet = comparable(outputs.parquet().history(table));
      assertEquals(parquet.count(), iceberg.count(), table.name());
      assertEquals(0, parquet.exceptAll(iceberg).count(), table.name() + ": rows only in parquet");
      assertEquals(0, iceberg.exceptAll(parquet).count(), table.name() + ": rows only in iceberg");
    }
    assertEquals(
        0L,
        outputs.iceberg().history(Catalog.CLV_BACKTEST).count(),
        "without a holdout clv_backtest is empty: the loop above checks an empty snapshot is"
            + " listed");
    assertTrue(parquetRoot.resolve("customer_segments").toFile().isDirectory());
    assertFalse(
        Files.exists(root.resolve("customer_segments")),
        "no Parquet snapshot directories in iceberg format");
    try (Stream<Path> staged = Files.walk(root.resolve("_staging"))) {
      assertEquals(List.of(), staged.filter(Files::isRegularFile).toList(), "staging left");
    }
  }

  @Test
  @Order(1)
  void decemberReusedJunesModelSavedBesideTheWarehouse() {
    Row december =
        session
            .table("segments.customer_segments.job_runs")
            .filter(col("snapshot_date").equalTo(Date.valueOf(DECEMBER)))
            .first();
    assertEquals(false, december.getAs("tier_model_trained"));
    String reusedFrom = december.getAs("tier_model_reused_from");
    Map<String, String> june =
        session
            .table("segments.customer_segments.job_runs")
            .filter(col("snapshot_date").equalTo(Date.valueOf(JUNE)))
            .first()
            .getJavaMap(december.fieldIndex("published"));
    assertEquals(june.get(Catalog.TIER_MODEL), reusedFrom, "June's model, found through job_runs");
    assertTrue(
        reusedFrom.startsWith("file:" + root.resolve("tier_model/snapshot_date=" + JUNE + "/run-")),
        "each run's model in a directory of its own: " + reusedFrom);
    Map<String, String> published = december.getJavaMap(december.fieldIndex("published"));
    assertTrue(
        Files.isRegularFile(
            Path.of(URI.create(published.get(Catalog.REPORT))).resolve("index.html")));
    assertTrue(Files.isDirectory(root.resolve("warehouse/customer_segments/customer_segments")));
  }

  @Test
  @Order(1)
  void eachTablesStateIsTaggedPerSnapshot() throws Exception {
    for (TableSpec table : Catalog.TABLES) {
      if (table.kind() != TableSpec.Kind.SNAPSHOT) {
        continue;
      }
      Table iceberg =
          Spark3Util.loadIcebergTable(session, "segments.customer_segments." + table.name());
      assertTrue(iceberg.refs().containsKey("snapshot-" + JUNE), table.name());
      assertTrue(iceberg.refs().containsKey("snapshot-" + DECEMBER), table.name());
      long juneRows =
          session
              .sql(
                  "SELECT count(*) FROM segments.customer_segments."
                      + table.name()
                      + " VERSION AS OF 'snapshot-"
                      + JUNE
                      + "'")
              .first()
              .getLong(0);
      assertEquals(
          outputs().parquet().published(table, LocalDate.parse(JUNE)).count(),
          juneRows,
          table.name() + " as tagged after June's run");
    }
  }

  @Test
  @Order(1)
  void sqlViewsReadTheIcebergTables() {
    List<String> views = SqlViews.register(session, settings(DECEMBER, Map.of()).output());
    assertTrue(views.contains("customer_segments_history"));
    Dataset<Row> tiers =
        session.sql("SELECT value_tier, customers FROM tier_summary ORDER BY tier_rank");
    assertEquals(
        outputs().parquet().published(Catalog.TIER_SUMMARY, LocalDate.parse(DECEMBER)).count(),
        tiers.count());
    assertEquals(
        2L,
        session
            .sql("SELECT count(DISTINCT snapshot_date) FROM customer_segments_history")
            .first()
            .getLong(0));
    assertEquals(
        outputs().parquet().published(Catalog.CUSTOMER_SEGMENTS, LocalDate.parse(DECEMBER)).count(),
        session.sql("SELECT count(*) FROM customer_segments").first().getLong(0));
  }

  @Test
  @Order(1)
  void jobRunsNamesEachTablesSnapshotIdWrittenLast() throws Exception {
    Row december =
        session
            .table("segments.customer_segments.job_runs")
            .filter(col("snapshot_date").equalTo(Date.valueOf(DECEMBER)))
            .first();
    assertEquals("iceberg", december.getAs("output_format"));
    Map<String, String> published = december.getJavaMap(december.fieldIndex("published"));
    for (TableSpec table : Catalog.TABLES) {
      if (table.kind() != TableSpec.Kind.SNAPSHOT) {
        continue;
      }
      Table iceberg =
          Spark3Util.loadIcebergTable(session, "segments.customer_segments." + table.name());
      long snapshotId = Long.parseLong(published.get(table.name()));
      assertEquals(
          snapshotId, iceberg.refs().get("snapshot-" + DECEMBER).snapshotId(), table.name());
      assertTrue(
          iceberg.snapshot(snapshotId).timestampMillis()
              <= ((java.sql.Timestamp) december.getAs("finished_at")).getTime()
                  + 1000, // job_runs is committed after every table
          table.name());
    }
    assertTrue(
        published
            .get(Catalog.TIER_MODEL)
            .contains("tier_model/snapshot_date=" + DECEMBER + "/run-"));
  }

  @Test
  @Order(2)
  void viewsShowTheLatestCompleteRunNotAHalfPublishedOne() throws Exception {
    String table = "segments.customer_segments.tier_summary";
    Column december = col("snapshot_date").equalTo(Date.valueOf(DECEMBER));
    // A rerun of December that stopped after its tier_summary commit: no job_runs row names it.
    session.table(table).filter(december).limit(1).writeTo(table).overwrite(december);
    assertEquals(1L, session.table(table).filter(december).count());
    SqlViews.register(session, settings(DECEMBER, Map.of()).output());
    assertEquals(
        outputs().parquet().published(Catalog.TIER_SUMMARY, LocalDate.parse(DECEMBER)).count(),
        session.sql("SELECT count(*) FROM tier_summary").first().getLong(0),
        "the view shows the complete run's tier_summary");
  }

  @Test
  @Order(3)
  void keepSnapshotsDeletesOldPartitionsTagsAndIcebergSnapshots() throws Exception {
    long decemberCustomers =
        outputs().iceberg().published(Catalog.CUSTOMER_SEGMENTS, LocalDate.parse(DECEMBER)).count();
    // Run from a thread whose active session is another one, as in an application with several:
    // the job must still find the catalog it configured in its own session.
    SparkSession callers = session.newSession();
    SparkSession.setActiveSession(callers);
    session.sessionState().catalogManager().reset(); // so that the run loads the catalog again
    try {
      SegmentationJob.run(
          session, settings(DECEMBER, Map.of("segments.output.keep-snapshots", "1")));
      assertSame(
          callers, SparkSession.getActiveSession().get(), "the caller's session is restored");
    } finally {
      SparkSession.setActiveSession(session);
    }
    for (TableSpec table : Catalog.TABLES) {
      Table iceberg =
          Spark3Util.loadIcebergTable(session, "segments.customer_segments." + table.name());
      if (table.kind() == TableSpec.Kind.SNAPSHOT) {
        assertEquals(
            List.of(LocalDate.parse(DECEMBER)), outputs().iceberg().snapshots(table), table.name());
        assertFalse(iceberg.refs().containsKey("snapshot-" + JUNE), table.name());
        assertTrue(iceberg.refs().containsKey("snapshot-" + DECEMBER), table.name());
      }
      int snapshots = 0;
      for (var ignored : iceberg.snapshots()) {
        snapshots++;
      }
      assertTrue(snapshots <= 3, table.name() + " keeps " + snapshots + " Iceberg snapshots");
    }
    assertEquals(
        decemberCustomers,
        outputs()
            .iceberg()
            .published(Catalog.CUSTOMER_SEGMENTS, LocalDate.parse(DECEMBER))
            .count());
    assertEquals(
        3L,
        session.table("segments.customer_segments.job_runs").count(),
        "job_runs is never pruned");
    assertFalse(Files.exists(root.resolve("tier_model/snapshot_date=" + JUNE)));
  }
}
