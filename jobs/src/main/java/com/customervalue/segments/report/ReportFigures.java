package com.customervalue.segments.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.customervalue.segments.classify.Classifications;
import com.customervalue.segments.distribute.ValueDistribution;
import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.score.RfmSegments;
import com.customervalue.segments.tier.TierOutcome;
import com.customervalue.segments.tier.ValueTiers;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Everything the HTML report shows, gathered from the snapshot's tables into small driver-side
 * records: the report never touches customer-level data beyond one aggregation of the R × F grid
 * and the recommended actions.
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
    Optional<LocalDate> previousSnapshot,
    List<Migration> migration,
    List<ActionCount> actions) {

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
      double centroidMonetary) {}

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

  /**
   * Customers who were in {@code fromTier} at the previous snapshot and are in {@code toTier} now.
   */
  public record Migration(String fromTier, String toTier, long customers, double revenue) {}

  /** Customers of a tier whose recommended action is {@code action}. */
  public record ActionCount(String tier, String action, long customers) {}

  /**
   * Reads the figures from the snapshot's tables. {@code segments} is customer_segments; the others
   * are the summary tables of the same snapshot.
   */
  public static ReportFigures gather(
      RunFacts run,
      Dataset<Row> segments,
      Dataset<Row> tierSummary,
      Dataset<Row> segmentSummary,
      Dataset<Row> distribution,
      Dataset<Row> migration) {
    List<Tier> tiers =
        rows(
            tierSummary
                .orderBy(ValueTiers.TIER_RANK)
                .selectExpr(
                    ValueTiers.VALUE_TIER,
                    ValueTiers.VALUE_TIER_NAME,
                    ValueTiers.TIER_RANK,
                    "customers",
                    "customer_share",
                    "buyers",
                    "CAST(revenue AS DOUBLE)",
                    "revenue_share",
                    "median_recency_days",
                    "median_frequency",
                    "median_monetary",
                    "centroid_recency_days",
                    "centroid_frequency",
                    "centroid_monetary"),
            row ->
                new Tier(
                    row.getString(0),
                    row.getString(1),
                    row.getInt(2),
                    row.getLong(3),
                    number(row, 4),
                    row.getLong(5),
                    number(row, 6),
                    number(row, 7),
                    number(row, 8),
                    number(row, 9),
                    number(row, 10),
                    number(row, 11),
                    number(row, 12),
                    number(row, 13)));
    // One aggregation of the customers gives both the R × F grid and the actions per tier.
    List<Row> groups =
        segments
            .groupBy(
                RfmScores.R_SCORE,
                RfmScores.F_SCORE,
                ValueTiers.VALUE_TIER,
                Classifications.RECOMMENDED_ACTION)
            .agg(count(lit(1)), sum(col(CustomerMetrics.MONETARY).cast("double")))
            .collectAsList();
    List<HeatCell> heatMap = heatMap(groups);
    List<ActionCount> actions = actions(groups);
    // The monetary rows of value_distribution are a few hundred: fetch them once, split them here.
    List<Row> monetary =
        distribution
            .where(
                col("metric")
                    .equalTo(CustomerMetrics.MONETARY)
                    .and(col(ValueTiers.VALUE_TIER).equalTo(ValueDistribution.ALL)))
            .selectExpr(
                "statistic",
                "position",
                "CAST(lower_bound AS DOUBLE)",
                "CAST(upper_bound AS DOUBLE)",
                "customers",
                "customer_share",
                "CAST(value AS DOUBLE)")
            .orderBy("statistic", "position")
            .collectAsList();
    List<HistogramBin> histogram =
        statistic(monetary, ValueDistribution.HISTOGRAM)
            .map(
                row ->
                    new HistogramBin(
                        row.isNullAt(2) ? Optional.empty() : Optional.of(row.getDouble(2)),
                        row.getDouble(3),
                        row.getLong(4),
                        number(row, 5)))
            .toList();
    List<LorenzPoint> lorenz =
        statistic(monetary, ValueDistribution.LORENZ)
            .map(row -> new LorenzPoint(number(row, 5), number(row, 6)))
            .toList();
    double gini =
        statistic(monetary, ValueDistribution.GINI)
            .map(row -> number(row, 6))
            .findFirst()
            .orElse(Double.NaN);
    List<TopShare> topShares =
        statistic(monetary, ValueDistribution.TOP_SHARE)
            .map(row -> new TopShare(row.getInt(1), number(row, 6)))
            .toList();
    List<Segment> segmentRows =
        rows(
            segmentSummary
                .orderBy(col("customers").desc(), col(RfmSegments.RFM_SEGMENT))
                .selectExpr(
                    RfmSegments.RFM_SEGMENT,
                    "customers",
                    "customer_share",
                    "CAST(revenue AS DOUBLE)",
                    "revenue_share",
                    "avg_recency_days",
                    "avg_frequency",
                    "avg_monetary"),
            row ->
                new Segment(
                    row.getString(0),
                    row.getLong(1),
                    number(row, 2),
                    number(row, 3),
                    number(row, 4),
                    number(row, 5),
                    number(row, 6),
                    number(row, 7)));
    List<Row> migrationRows =
        migration
            .selectExpr(
                "from_tier",
                "to_tier",
                "customers",
                "CAST(revenue AS DOUBLE)",
                "previous_snapshot_date")
            .collectAsList();
    List<Migration> moves =
        migrationRows.stream()
            .map(
                row ->
                    new Migration(
                        row.getString(0), row.getString(1), row.getLong(2), number(row, 3)))
            .toList();
    Optional<LocalDate> previous =
        migrationRows.stream()
            .filter(row -> !row.isNullAt(4))
            .map(row -> row.getDate(4).toLocalDate())
            .max(Comparator.naturalOrder());
    return new ReportFigures(
        run,
        tiers,
        heatMap,
        histogram,
        lorenz,
        gini,
        topShares,
        segmentRows,
        previous,
        moves,
        actions);
  }

  /** Buyers (they have scores) per recency and frequency score, with their average monetary. */
  private static List<HeatCell> heatMap(List<Row> groups) {
    // Per (r, f): the buyers and the sum of their monetary, summed over tiers and actions.
    Map<List<Integer>, double[]> cells =
        new TreeMap<>(
            Comparator.<List<Integer>>comparingInt(key -> key.get(0))
                .thenComparingInt(key -> key.get(1)));
    for (Row group : groups) {
      if (!group.isNullAt(0) && !group.isNullAt(1)) {
        double[] cell =
            cells.computeIfAbsent(List.of(group.getInt(0), group.getInt(1)), key -> new double[2]);
        cell[0] += group.getLong(4);
        cell[1] += group.isNullAt(5) ? 0.0 : group.getDouble(5);
      }
    }
    return cells.entrySet().stream()
        .map(
            entry ->
                new HeatCell(
                    entry.getKey().get(0),
                    entry.getKey().get(1),
                    (long) entry.getValue()[0],
                    entry.getValue()[1] / entry.getValue()[0]))
        .toList();
  }

  /** Customers who moved from {@code fromTier} to {@code toTier} (0 when nobody did). */
  static long customersMoved(List<Migration> moves, String fromTier, String toTier) {
    return moves.stream()
        .filter(move -> move.fromTier().equals(fromTier) && move.toTier().equals(toTier))
        .mapToLong(Migration::customers)
        .sum();
  }

  /** Customers per tier and recommended action, the most common action of a tier first. */
  private static List<ActionCount> actions(List<Row> groups) {
    Map<List<String>, Long> counts = new HashMap<>();
    for (Row group : groups) {
      counts.merge(
          List.of(group.getString(2), group.isNullAt(3) ? "—" : group.getString(3)),
          group.getLong(4),
          Long::sum);
    }
    return counts.entrySet().stream()
        .map(
            entry ->
                new ActionCount(entry.getKey().get(0), entry.getKey().get(1), entry.getValue()))
        .sorted(
            Comparator.comparing(ActionCount::tier)
                .thenComparing(ActionCount::customers, Comparator.reverseOrder())
                .thenComparing(ActionCount::action))
        .toList();
  }

  /**
   * The rows of one statistic, in order of position (the list is sorted by statistic and position).
   */
  private static Stream<Row> statistic(List<Row> rows, String statistic) {
    return rows.stream().filter(row -> statistic.equals(row.getString(0)));
  }

  private static <T> List<T> rows(Dataset<Row> data, Function<Row, T> convert) {
    return data.collectAsList().stream().map(convert).toList();
  }

  /** A nullable numeric column as a double, NaN for null (an empty tier has no median). */
  private static double number(Row row, int index) {
    return row.isNullAt(index) ? Double.NaN : ((Number) row.get(index)).doubleValue();
  }
}
