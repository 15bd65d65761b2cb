package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.OnlineRetailHistory;
import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.distribute.TierMigration;
import com.customervalue.segments.tier.TierModel;
import com.customervalue.segments.tier.ValueTiers;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two snapshots of Online Retail in one output root: every table, tier migration, replacement,
 * pruning, a crash.
 */
@Order(SparkTestSession.LONGEST_FIRST)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotHistoryTest extends SparkTestSession {
  private static final String JUNE = OnlineRetailHistory.JUNE;
  private static final String DECEMBER = OnlineRetailHistory.DECEMBER;

  @TempDir static Path root;

  static RunResult run(String asOf, Map<String, String> more) {
    return SegmentationJob.run(spark, OnlineRetailHistory.settings(root, asOf, more));
  }

  @BeforeAll
  static void twoSnapshots() throws IOException {
    OnlineRetailHistory.copyTo(spark, root);
  }

  private static Dataset<Row> table(String name, String snapshot) {
    return spark
        .read()
        .option("mergeSchema", "true")
        .parquet(root.resolve(name).toString())
        .filter(col("snapshot_date").equalTo(Date.valueOf(snapshot)));
  }

  private static List<String> snapshots(String table) throws IOException {
    try (Stream<Path> entries = Files.list(root.resolve(table))) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  @Order(1)
  void everyTableHasBothSnapshots() throws IOException {
    for (String table : Catalog.SNAPSHOT_DIRECTORIES) {
      List<String> expected =
          table.equals(Catalog.REPORT)
              ? List.of("snapshot_date=" + DECEMBER) // June ran with --no-report
              : List.of("snapshot_date=" + JUNE, "snapshot_date=" + DECEMBER);
      assertEquals(expected, snapshots(table), table);
    }
    assertEquals(2, spark.read().parquet(root.resolve("job_runs").toString()).count());
  }

  @Test
  @Order(1)
  void summariesReconcileWithCustomerSegments() {
    for (String snapshot : List.of(JUNE, DECEMBER)) {
      Dataset<Row> segments = table("customer_segments", snapshot);
      Dataset<Row> buyers = segments.filter(col("frequency").gt(0));
      Row tiers =
          table("tier_summary", snapshot)
              .agg(
                  sum("customers"),
                  sum("customer_share"),
                  sum("revenue"),
                  sum("revenue_share"),
                  sum("buyers"))
              .first();
      assertEquals(segments.count(), tiers.getLong(0), snapshot);
      assertEquals(1.0, tiers.getDouble(1), 1e-9);
      assertEquals(
          0,
          ((BigDecimal) segments.agg(sum("monetary")).first().get(0))
              .compareTo(tiers.getDecimal(2)));
      assertEquals(1.0, tiers.getDouble(3), 1e-9);
      assertEquals(buyers.count(), tiers.getLong(4));

      Row rfm =
          table("rfm_segment_summary", snapshot)
              .agg(
                  sum("customers"),
                  sum("customer_share"),
                  sum("orders"),
                  sum("revenue"),
                  sum("revenue_share"))
              .first();
      assertEquals(buyers.count(), rfm.getLong(0));
      assertEquals(1.0, rfm.getDouble(1), 1e-9);
      assertEquals(
          ((Number) buyers.agg(sum("frequency")).first().get(0)).longValue(), rfm.getLong(2));
      assertEquals(
          0,
          ((BigDecimal) buyers.agg(sum("monetary")).first().get(0)).compareTo(rfm.getDecimal(3)));
      assertEquals(1.0, rfm.getDouble(4), 1e-9);

      Map<String, Long> histogram =
          table("value_distribution", snapshot)
              .filter(col("statistic").equalTo("histogram").and(col("value_tier").equalTo("all")))
              .groupBy("metric")
              .agg(sum("customers"))
              .collectAsList()
              .stream()
              .collect(Collectors.toMap(row -> row.getString(0), row -> row.getLong(1)));
      assertEquals(
          Map.of(
              "recency_days",
              buyers.count(),
              "frequency",
              buyers.count(),
              "monetary",
              buyers.count(),
              "avg_order_value",
              buyers.count()),
          histogram);
    }
  }

  @Test
  @Order(1)
  void migrationCountsTheCustomersOfBothSnapshotsPairByPair() {
    Map<String, String> june = tiers(JUNE);
    Map<String, Long> expected = movement(june, tiers(DECEMBER));
    Dataset<Row> migration = table("tier_migration", DECEMBER);
    assertEquals(
        List.of(TierMigration.MOVEMENT),
        migration.select("measure").distinct().collectAsList().stream()
            .map(row -> row.getString(0))
            .toList(),
        "December reused June's model: movement only, no drift");
    Map<String, Long> published = migration(DECEMBER, TierMigration.MOVEMENT);
    assertEquals(expected, published);
    assertEquals(Date.valueOf(JUNE), migration.first().getAs("previous_snapshot_date"));
    assertTrue(
        published.keySet().stream().anyMatch(key -> key.startsWith("new>")),
        "December has new customers");

    Row firstMigration = table("tier_migration", JUNE).agg(sum("customers")).first();
    assertEquals(
        june.size(),
        firstMigration.getLong(0),
        "without an earlier snapshot every customer is new");
  }

  @Test
  @Order(1)
  void theSecondSnapshotAssignsWithTheFirstOnesModelAndSaysSo() throws IOException {
    Map<String, Row> runs =
        spark.read().parquet(root.resolve("job_runs").toString()).collectAsList().stream()
            .collect(Collectors.toMap(row -> row.getAs("snapshot_date").toString(), row -> row));
    assertEquals(Date.valueOf(JUNE), runs.get(JUNE).getAs("tier_model_snapshot"));
    assertEquals(true, runs.get(JUNE).getAs("tier_model_trained"));
    assertEquals(Date.valueOf(JUNE), runs.get(DECEMBER).getAs("tier_model_snapshot"));
    assertEquals(false, runs.get(DECEMBER).getAs("tier_model_trained"));
    String reusedFrom = runs.get(DECEMBER).getAs("tier_model_reused_from");
    assertTrue(reusedFrom.endsWith("/tier_model/snapshot_date=" + JUNE), reusedFrom);
    assertEquals(
        JUNE,
        Files.readString(root.resolve("tier_model/snapshot_date=" + DECEMBER + "/trained_as_of")),
        "the copy saved with December still says when it was trained");
    assertEquals(tiersUnderModelOf(JUNE, DECEMBER), tiers(DECEMBER));
  }

  /** The buyers' median monetary of each tier, best tier first, computed here in plain Java. */
  static List<Double> medianMonetaryByTier(Dataset<Row> segments) {
    Map<Integer, List<Double>> byRank = new TreeMap<>();
    segments.filter(col("frequency").gt(0)).select("tier_rank", "monetary").collectAsList().stream()
        .forEach(
            row ->
                byRank
                    .computeIfAbsent(row.getInt(0), rank -> new java.util.ArrayList<>())
                    .add(row.getDecimal(1).doubleValue()));
    return byRank.values().stream()
        .map(
            values -> {
              List<Double> sorted = values.stream().sorted().toList();
              int n = sorted.size();
              return n % 2 == 1
                  ? sorted.get(n / 2)
                  : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            })
        .toList();
  }

  /** Gold is worth most: with money first in the ranking, the medians fall tier by tier. */
  @Test
  @Order(1)
  void theBuyersMedianMonetaryFallsStrictlyFromGoldToIron() {
    for (String snapshot : List.of(JUNE, DECEMBER)) {
      List<Double> medians = medianMonetaryByTier(table("customer_segments", snapshot));
      assertEquals(4, medians.size(), snapshot);
      for (int i = 1; i < medians.size(); i++) {
        assertTrue(medians.get(i - 1) > medians.get(i), snapshot + ": " + medians);
      }
    }
  }

  /** December's customers as the model saved with {@code modelSnapshot} assigns them. */
  private static Map<String, String> tiersUnderModelOf(String modelSnapshot, String snapshot) {
    TierModel model =
        ValueTiers.load(
            PipelineModel.load(
                root.resolve("tier_model/snapshot_date=" + modelSnapshot).toString()),
            OnlineRetailHistory.settings(root, snapshot, Map.of()).tiers(),
            Optional.empty());
    Dataset<Row> metrics =
        table("customer_segments", snapshot)
            .select("customer_id", "recency_days", "frequency", "monetary");
    return ValueTiers.assign(metrics, model)
        .select("customer_id", "value_tier")
        .collectAsList()
        .stream()
        .collect(Collectors.toMap(row -> row.getString(0), row -> row.getString(1)));
  }

  /**
   * Retraining December: the published tiers are the new model's; movement is still measured under
   * June's model, and the customers the new model alone moves are published as drift, in the table
   * and in the report.
   */
  @Test
  @Order(2)
  void retrainingPublishesTheModelDriftApartFromTheMovement() throws IOException {
    Map<String, String> june = tiers(JUNE);
    Map<String, String> underJuneModel = tiersUnderModelOf(JUNE, DECEMBER);

    run(DECEMBER, Map.of("segments.tiers.retrain", "true"));

    Map<String, String> retrained = tiers(DECEMBER);
    Map<String, Long> expectedDrift = new TreeMap<>();
    retrained.forEach(
        (customer, tier) ->
            expectedDrift.merge(underJuneModel.get(customer) + ">" + tier, 1L, Long::sum));
    Map<String, Long> expectedMovement = movement(june, underJuneModel);
    assertEquals(expectedDrift, migration(DECEMBER, TierMigration.MODEL_DRIFT));
    assertEquals(expectedMovement, migration(DECEMBER, TierMigration.MOVEMENT));
    long changed =
        expectedDrift.entrySet().stream()
            .filter(move -> !move.getKey().split(">")[0].equals(move.getKey().split(">")[1]))
            .mapToLong(Map.Entry::getValue)
            .sum();
    assertTrue(changed > 0, "a model trained on December's buyers differs from June's");
    String report =
        Files.readString(root.resolve("report/snapshot_date=" + DECEMBER + "/index.html"));
    assertTrue(
        report.contains(
            "This run trained a new tier model: "
                + String.format(Locale.ROOT, "%,d", changed)
                + " of "
                + String.format(Locale.ROOT, "%,d", retrained.size())
                + " customers"),
        "the report states the drift count");
    Row record =
        spark
            .read()
            .parquet(root.resolve("job_runs").toString())
            .orderBy(col("finished_at").desc())
            .first();
    assertEquals(Date.valueOf(DECEMBER), record.getAs("tier_model_snapshot"));
    assertEquals(true, record.getAs("tier_model_trained"));
  }

  /** Customers by "from>to" tier, counted here from each customer's tier before and now. */
  private static Map<String, Long> movement(Map<String, String> before, Map<String, String> now) {
    Map<String, Long> moves = new TreeMap<>();
    now.forEach(
        (customer, tier) ->
            moves.merge(before.getOrDefault(customer, "new") + ">" + tier, 1L, Long::sum));
    before.forEach(
        (customer, tier) -> {
          if (!now.containsKey(customer)) {
            moves.merge(tier + ">departed", 1L, Long::sum);
          }
        });
    return moves;
  }

  private static Map<String, Long> migration(String snapshot, String measure) {
    return new TreeMap<>(
        table("tier_migration", snapshot)
            .filter(col("measure").equalTo(measure))
            .collectAsList()
            .stream()
            .collect(
                Collectors.toMap(
                    row -> row.getAs("from_tier") + ">" + row.getAs("to_tier"),
                    row -> row.<Long>getAs("customers"))));
  }

  private static Map<String, String> tiers(String snapshot) {
    return table("customer_segments", snapshot)
        .select("customer_id", "value_tier")
        .collectAsList()
        .stream()
        .collect(Collectors.toMap(row -> row.getString(0), row -> row.getString(1)));
  }

  @Test
  @Order(3)
  void rerunningASnapshotReplacesItAndKeepsTheOther() throws IOException {
    long december = table("customer_segments", DECEMBER).count();
    run(JUNE, Map.of());
    assertEquals(
        List.of("snapshot_date=" + JUNE, "snapshot_date=" + DECEMBER),
        snapshots("customer_segments"));
    assertEquals(december, table("customer_segments", DECEMBER).count());
    assertEquals(
        tiers(JUNE).size(), table("customer_segments", JUNE).count(), "replaced, not appended");
    assertEquals(
        4,
        spark.read().parquet(root.resolve("job_runs").toString()).count(),
        "every run is logged");
  }

  /**
   * One run after a crash both repairs what the crash left and, with keep-snapshots, prunes: the
   * snapshot it restored counts among the newest it keeps.
   */
  @Test
  @Order(4)
  void theNextRunRepairsACrashedReplacementAndKeepSnapshotsPrunesTheOldest() throws IOException {
    // What a run killed inside commit leaves: the old snapshot moved aside, the new one not in
    // place.
    Path snapshot = root.resolve("customer_segments/snapshot_date=" + DECEMBER);
    Path trash = root.resolve("customer_segments/_trash/snapshot_date=" + DECEMBER + ".killed-run");
    Files.createDirectories(trash.getParent());
    Files.move(snapshot, trash);
    Path leftover =
        root.resolve("customer_segments/_staging/snapshot_date=" + DECEMBER + ".killed-run");
    Files.createDirectories(leftover);
    Files.writeString(leftover.resolve("part-00000.parquet"), "half written");
    assertEquals(
        tiers(JUNE).size(),
        spark.read().parquet(root.resolve("customer_segments").toString()).count(),
        "readers see June only, never the half-written staging");

    run("2011-09-01", Map.of("segments.output.keep-snapshots", "2"));

    assertTrue(Files.isDirectory(snapshot), "the December snapshot is back");
    assertFalse(Files.exists(trash));
    assertEquals(tiers(DECEMBER).size(), table("customer_segments", DECEMBER).count());
    for (String table : Catalog.SNAPSHOT_DIRECTORIES) {
      assertEquals(
          List.of("snapshot_date=2011-09-01", "snapshot_date=" + DECEMBER),
          snapshots(table).stream().filter(name -> name.startsWith("snapshot_date=")).toList(),
          table + ": June pruned, job_runs kept whole");
    }
    assertEquals(5, spark.read().parquet(root.resolve("job_runs").toString()).count());
  }
}
