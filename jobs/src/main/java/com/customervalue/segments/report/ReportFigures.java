package com.customervalue.segments.report;

import com.customervalue.segments.classify.AmountLevels;
import com.customervalue.segments.clv.ClvSettings;
import com.customervalue.segments.distribute.TierMigration;
import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.tier.TierOutcome;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Everything the HTML report shows, gathered from the snapshot's tables into small driver-side
 * records: the report never touches customer-level data beyond one aggregation of the R × F grid,
 * the tier × lifecycle status grid and the amount levels, and one of the predicted value per tier,
 * status and tenth of P(alive) ({@link ValueFigures}).
 */
public record ReportFigures(
    RunFacts run,
    List<Tier> tiers,
    List<HeatCell> heatMap,
    List<HistogramBin> monetaryHistogram,
    List<LorenzPoint> lorenz,
    double gini,
    List<TopShare> topShares,
    List<Segment> segments,
    List<MapCell> segmentMap,
    List<CohortCell> cohorts,
    Optional<LocalDate> previousSnapshot,
    List<Migration> migration,
    List<Migration> modelDrift,
    List<PlaybookCell> playbook,
    AmountLevels amountBands,
    List<AmountLevelCount> amountLevels,
    List<BreakdownCell> breakdowns,
    ValueFigures value) {

  /** How many values of each breakdown attribute the report shows; the rest are "other". */
  public static final int BREAKDOWN_VALUES_SHOWN = 10;

  /** What the run read and did, known before any table is written. */
  public record RunFacts(
      LocalDate snapshotDate,
      String runId,
      String inputPath,
      int windowDays,
      long customers,
      long buyers,
      IngestCounts counts,
      TierOutcome tierOutcome) {}

  /** One row of tier_summary: size, revenue and the centroid in original units. */
  public record Tier(
      String tier,
      String name,
      int rank,
      long customers,
      double customerShare,
      long buyers,
      double revenue,
      double revenueShare,
      double medianRecencyDays,
      double medianFrequency,
      double medianMonetary,
      double centroidRecencyDays,
      double centroidFrequency,
      double centroidMonetary,
      double repeatRate) {}

  /**
   * Buyers with recency score {@code r} and frequency score {@code f}, and their average monetary.
   */
  public record HeatCell(int r, int f, long customers, double avgMonetary) {}

  /** A bin of the monetary histogram; {@code lower} is empty for the bin of money at or below 0. */
  public record HistogramBin(
      Optional<Double> lower, double upper, long customers, double customerShare) {}

  /** The poorest {@code customerShare} of buyers hold {@code valueShare} of the revenue. */
  public record LorenzPoint(double customerShare, double valueShare) {}

  /** The share of revenue held by the top {@code percent} % of buyers. */
  public record TopShare(int percent, double valueShare) {}

  /** One row of rfm_segment_summary. */
  public record Segment(
      String segment,
      long customers,
      double customerShare,
      double revenue,
      double revenueShare,
      double avgRecencyDays,
      double avgFrequency,
      double avgMonetary) {}

  /** One cell of rfm_segment_map: its scores, its segment, and its buyers and their revenue. */
  public record MapCell(int r, int f, int m, String segment, long customers, double revenue) {}

  /**
   * One cell of cohort_retention: the customers who first bought in {@code cohortMonth} and how
   * many of them bought {@code monthsSinceFirst} calendar months later.
   */
  public record CohortCell(
      LocalDate cohortMonth,
      int monthsSinceFirst,
      long cohortCustomers,
      long activeCustomers,
      double retentionShare) {}

  /**
   * Customers who were in {@code fromTier} at the previous snapshot and are in {@code toTier} now.
   */
  public record Migration(String fromTier, String toTier, long customers, double revenue) {}

  /** Customers of a tier and lifecycle status whose recommended action is {@code action}. */
  public record PlaybookCell(String tier, String status, String action, long customers) {}

  /**
   * Customers at an amount level, how many of them are above the cap, and the sum of their
   * amount_level_revenue.
   */
  public record AmountLevelCount(int level, long customers, long aboveCap, double revenue) {}

  /**
   * Customers and revenue of one tier among the customers with one of an attribute's largest values
   * (by customers; {@code rank} 1 is the largest), or, with {@code rank} {@link
   * #BREAKDOWN_VALUES_SHOWN} + 1 and an empty {@code value}, among those with any of the other
   * {@code otherValues} values. The value "" is the customers without a value.
   */
  public record BreakdownCell(
      String attribute,
      int rank,
      Optional<String> value,
      long otherValues,
      String tier,
      long customers,
      double revenue) {}

  /**
   * Reads the figures from the snapshot's tables. {@code segments} is customer_segments; the others
   * are the summary tables of the same snapshot (the segment map is rfm_segment_map, the cohorts
   * cohort_retention). {@code amountBands} are the bands the amount levels were assigned with;
   * {@code breakdown} is segment_breakdown; {@code clvSettings} are the settings the value models
   * were fitted and the predictions made with, {@code clvModel} and {@code clvBacktest} the tables.
   */
  public static ReportFigures gather(
      RunFacts run,
      AmountLevels amountBands,
      ClvSettings clvSettings,
      Dataset<Row> segments,
      Dataset<Row> tierSummary,
      Dataset<Row> segmentSummary,
      Dataset<Row> segmentMap,
      Dataset<Row> distribution,
      Dataset<Row> migration,
      Dataset<Row> cohorts,
      Dataset<Row> breakdown,
      Dataset<Row> clvModel,
      Dataset<Row> clvBacktest) {
    List<Tier> tiers = FigureQueries.tiers(tierSummary);
    // One aggregation of the customers gives the R × F grid, the playbook grid and the levels.
    List<Row> groups = CustomerGroups.collect(segments);
    // The monetary rows of value_distribution are a few hundred: fetch them once, split them here.
    List<Row> monetary = FigureQueries.monetary(distribution);
    List<Segment> segmentRows = FigureQueries.segments(segmentSummary);
    List<Row> migrationRows = FigureQueries.migration(migration);
    return new ReportFigures(
        run,
        tiers,
        CustomerGroups.heatMap(groups),
        FigureQueries.histogram(monetary),
        FigureQueries.lorenz(monetary),
        FigureQueries.gini(monetary),
        FigureQueries.topShares(monetary),
        segmentRows,
        FigureQueries.segmentMap(segmentMap),
        FigureQueries.cohorts(cohorts),
        FigureQueries.previousSnapshot(migrationRows),
        FigureQueries.moves(migrationRows, TierMigration.MOVEMENT),
        FigureQueries.moves(migrationRows, TierMigration.MODEL_DRIFT),
        CustomerGroups.playbook(groups),
        amountBands,
        CustomerGroups.amountLevels(groups, amountBands.top()),
        FigureQueries.breakdowns(breakdown, BREAKDOWN_VALUES_SHOWN),
        ValueFigures.gather(clvSettings, tiers, segments, clvModel, clvBacktest));
  }

  /** The share of revenue held by the top {@code percent} % of buyers, NaN when not computed. */
  double topShare(int percent) {
    return topShares.stream()
        .filter(top -> top.percent() == percent)
        .mapToDouble(TopShare::valueShare)
        .findFirst()
        .orElse(Double.NaN);
  }

  /** Customers who moved from {@code fromTier} to {@code toTier} (0 when nobody did). */
  static long customersMoved(List<Migration> moves, String fromTier, String toTier) {
    return moves.stream()
        .filter(move -> move.fromTier().equals(fromTier) && move.toTier().equals(toTier))
        .mapToLong(Migration::customers)
        .sum();
  }
}
