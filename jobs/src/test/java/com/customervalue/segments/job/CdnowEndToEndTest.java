package com.customervalue.segments.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.customervalue.segments.SparkTestSession;
import com.customervalue.segments.config.ConfigLayers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDNOW cohort as of 1998-07-01 with its example configuration: a base of slow buyers, most of
 * them lapsed and half of them bought once, where the defaults a CRM team relies on must still make
 * sense.
 */
class CdnowEndToEndTest extends SparkTestSession {
  private static final Path INPUT = repositoryRoot().resolve("data-samples/cdnow_master.parquet");

  @TempDir static Path output;
  private static Dataset<Row> segments;

  @BeforeAll
  static void run() {
    SegmentationJob.run(
        spark,
        JobSettings.load(
            ConfigLayers.layered(
                Optional.of(repositoryRoot().resolve("conf/cdnow.conf").toFile()),
                Map.of(
                    "segments.input.path",
                    INPUT.toString(),
                    "segments.output.root",
                    output.toString(),
                    "segments.snapshot.as-of",
                    "1998-07-01",
                    "segments.output.report",
                    "false"))));
    segments = spark.read().parquet(output.resolve("customer_segments").toString()).cache();
  }

  @Test
  void theBuyersMedianMonetaryFallsStrictlyFromGoldToIron() {
    List<Double> medians = SnapshotHistoryTest.medianMonetaryByTier(segments);
    assertEquals(4, medians.size());
    for (int i = 1; i < medians.size(); i++) {
      assertTrue(medians.get(i - 1) > medians.get(i), medians.toString());
    }
  }

  @Test
  void amountLevelsSpreadOverAtLeastThreeLevels() {
    Map<Integer, Long> levels = new TreeMap<>();
    segments.groupBy("amount_level").count().collectAsList().stream()
        .forEach(row -> levels.put(row.getInt(0), row.getLong(1)));
    assertTrue(
        levels.values().stream().filter(customers -> customers >= 50).count() >= 3,
        "at least three levels with 50 customers or more: " + levels);
  }

  /** Half the cohort bought once: quantile frequency breaks would tie and skip score 2. */
  @Test
  void everyScoreOccursAndNoBuyerIsLeftWithoutASegment() {
    Dataset<Row> buyers = segments.filter(col("frequency").gt(0));
    for (String score : List.of("r_score", "f_score", "m_score")) {
      List<Integer> occurring =
          buyers.select(score).distinct().orderBy(score).collectAsList().stream()
              .map(row -> row.getInt(0))
              .toList();
      assertEquals(List.of(1, 2, 3, 4, 5), occurring, score);
    }
    assertEquals(0, buyers.filter(col("rfm_segment").equalTo("Others")).count());
    assertEquals(0, buyers.filter(col("rfm_segment").isNull()).count());
    Map<Integer, Long> frequencyScores = new TreeMap<>();
    buyers.groupBy("f_score").count().collectAsList().stream()
        .forEach(row -> frequencyScores.put(row.getInt(0), row.getLong(1)));
    assertEquals(
        buyers.filter(col("frequency").equalTo(2)).count(),
        frequencyScores.get(2),
        "the fixed breaks [1, 2, 3, 5] of conf/cdnow.conf: two purchases score 2");
  }

  /**
   * The playbook's intent typed in again, cell by cell: tier × lifecycle status and whether
   * P(alive) is below 0.5 → action.
   */
  private static String intendedAction(String tier, String status, boolean probablyLost) {
    if (probablyLost
        && List.of("gold", "silver").contains(tier)
        && List.of("active", "at_risk").contains(status)) {
      return "Win-back call: high value at risk of being lost";
    }
    return switch (status) {
      case "prospect" -> "First-purchase incentive: a welcome offer on the first order";
      case "new" -> "Onboarding series and a second-purchase nudge";
      case "at_risk" ->
          List.of("gold", "silver").contains(tier)
              ? "Retention call: ask what changed and fix it before they lapse"
              : "Reminder with a time-limited offer before they lapse";
      case "lapsed" ->
          List.of("gold", "silver").contains(tier)
              ? "Personal win-back offer from their account contact"
              : "Win-back campaign with a comeback offer";
      default ->
          switch (tier) {
            case "gold" -> "Dedicated account manager, loyalty perks and early access";
            case "silver" -> "Engagement campaigns and upgrade offers toward gold";
            case "copper" -> "Promotions, bundles and product trials";
            default -> "Reactivation campaign and regular low-cost contact";
          };
    };
  }

  @Test
  void everyOccurringTierAndStatusGetsItsIntendedAction() {
    List<Row> cells =
        segments
            .groupBy(
                col("value_tier"),
                col("lifecycle_status"),
                coalesce(col("p_alive").lt(0.5), lit(false)).as("probably_lost"),
                col("recommended_action"))
            .count()
            .collectAsList();
    long winBackCalls = 0;
    for (Row cell : cells) {
      assertEquals(
          intendedAction(cell.getString(0), cell.getString(1), cell.getBoolean(2)),
          cell.getString(3),
          cell.getString(0) + " × " + cell.getString(1) + (cell.getBoolean(2) ? " × lost" : ""));
      if (cell.getString(3).startsWith("Win-back call")) {
        winBackCalls += cell.getLong(4);
      }
    }
    // 23,570 customers as of 1998-07-01: BG/NBD finds 900 gold and silver buyers whom the day
    // thresholds still call active or at risk below P(alive) 0.5.
    assertEquals(900, winBackCalls, "gold and silver buyers the model thinks lost get the call");
    assertTrue(
        segments.filter(col("lifecycle_status").equalTo("lapsed")).count() > segments.count() / 2,
        "CDNOW is mostly lapsed buyers, so lapsed cells are exercised");
    assertTrue(cells.size() >= 10, "most of the 17 possible cells occur: " + cells.size());
  }
}
