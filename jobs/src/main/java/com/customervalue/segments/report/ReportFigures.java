package com.customervalue.segments.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import com.customervalue.segments.classify.Classifications;
import com.customervalue.segments.distribute.ValueDistribution;
import com.customervalue.segments.ingest.IngestCounts;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.score.RfmSegments;
import com.customervalue.segments.tier.TierOutcome;
import com.customervalue.segments.tier.ValueTiers;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
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
  public record RunFacts(LocalDate snapshotDate, String runId, String inputPath, int windowDays,
      long customers, long buyers, IngestCounts counts, TierOutcome tierOutcome) {}

  /** One row of tier_summary: size, revenue and the centroid in original units. */
  public record Tier(String tier, String name, int rank, long customers, double customerShare, long buyers,
      double revenue, double revenueShare, double medianRecencyDays, double medianFrequency, double medianMonetary,
      double centroidRecencyDays, double centroidFrequency, double centroidMonetary) {}

  /** Buyers with recency score {@code r} and frequency score {@code f}, and their average monetary. */
  public record HeatCell(int r, int f, long customers, double avgMonetary) {}

  /** A bin of the monetary histogram; {@code lower} is empty for the bin of money at or below 0. */
  public record HistogramBin(Optional<Double> lower, double upper, long customers, double customerShare) {}

  /** The poorest {@code customerShare} of buyers hold {@code valueShare} of the revenue. */
  public record LorenzPoint(double customerShare, double valueShare) {}

  /** The share of revenue held by the top {@code percent} % of buyers. */
  public record TopShare(int percent, double valueShare) {}

  /** One row of rfm_segment_summary. */
  public record Segment(String segment, long customers, double customerShare, double revenue, double revenueShare,
      double avgRecencyDays, double avgFrequency, double avgMonetary) {}

  /** Customers who were in {@code fromTier} at the previous snapshot and are in {@code toTier} now. */
  public record Migration(String fromTier, String toTier, long customers, double revenue) {}

  /** Customers of a tier whose recommended action is {@code action}. */
  public record ActionCount(String tier, String action, long customers) {}

  /**
   * Reads the figures from the snapshot's tables. {@code segments} is customer_segments; the
   * others are the summary tables of the same snapshot.
   */
  public static ReportFigures gather(RunFacts run, Dataset<Row> segments, Dataset<Row> tierSummary,
      Dataset<Row> segmentSummary, Dataset<Row> distribution, Dataset<Row> migration) {
    List<Tier> tiers = rows(tierSummary.orderBy(ValueTiers.TIER_RANK).selectExpr(
        ValueTiers.VALUE_TIER, ValueTiers.VALUE_TIER_NAME, ValueTiers.TIER_RANK, "customers", "customer_share",
        "buyers", "CAST(revenue AS DOUBLE)", "revenue_share", "median_recency_days", "median_frequency",
        "median_monetary", "centroid_recency_days", "centroid_frequency", "centroid_monetary"),
        row -> new Tier(row.getString(0), row.getString(1), row.getInt(2), row.getLong(3), number(row, 4),
            row.getLong(5), number(row, 6), number(row, 7), number(row, 8), number(row, 9), number(row, 10),
            number(row, 11), number(row, 12), number(row, 13)));
    List<HeatCell> heatMap = rows(segments.where(RfmScores.isBuyer())
        .groupBy(RfmScores.R_SCORE, RfmScores.F_SCORE)
        .agg(count(lit(1)), avg(col(CustomerMetrics.MONETARY).cast("double")))
        .orderBy(RfmScores.R_SCORE, RfmScores.F_SCORE),
        row -> new HeatCell(row.getInt(0), row.getInt(1), row.getLong(2), row.getDouble(3)));
    Dataset<Row> monetary = distribution.where(col("metric").equalTo(CustomerMetrics.MONETARY)
        .and(col(ValueTiers.VALUE_TIER).equalTo(ValueDistribution.ALL)));
    List<HistogramBin> histogram = rows(statistic(monetary, ValueDistribution.HISTOGRAM)
        .selectExpr("CAST(lower_bound AS DOUBLE)", "CAST(upper_bound AS DOUBLE)", "customers", "customer_share"),
        row -> new HistogramBin(row.isNullAt(0) ? Optional.empty() : Optional.of(row.getDouble(0)),
            row.getDouble(1), row.getLong(2), number(row, 3)));
    List<LorenzPoint> lorenz = rows(statistic(monetary, ValueDistribution.LORENZ)
        .selectExpr("customer_share", "CAST(value AS DOUBLE)"),
        row -> new LorenzPoint(number(row, 0), number(row, 1)));
    double gini = rows(statistic(monetary, ValueDistribution.GINI).selectExpr("CAST(value AS DOUBLE)"),
        row -> number(row, 0)).stream().findFirst().orElse(Double.NaN);
    List<TopShare> topShares = rows(statistic(monetary, ValueDistribution.TOP_SHARE)
        .selectExpr("position", "CAST(value AS DOUBLE)"),
        row -> new TopShare(row.getInt(0), number(row, 1)));
    List<Segment> segmentRows = rows(segmentSummary.orderBy(col("customers").desc(), col(RfmSegments.RFM_SEGMENT))
        .selectExpr(RfmSegments.RFM_SEGMENT, "customers", "customer_share", "CAST(revenue AS DOUBLE)",
            "revenue_share", "avg_recency_days", "avg_frequency", "avg_monetary"),
        row -> new Segment(row.getString(0), row.getLong(1), number(row, 2), number(row, 3), number(row, 4),
            number(row, 5), number(row, 6), number(row, 7)));
    List<Migration> moves = rows(migration.selectExpr("from_tier", "to_tier", "customers", "CAST(revenue AS DOUBLE)"),
        row -> new Migration(row.getString(0), row.getString(1), row.getLong(2), number(row, 3)));
    Optional<LocalDate> previous = rows(migration.where(col("previous_snapshot_date").isNotNull())
        .selectExpr("max(previous_snapshot_date)"), row -> Optional.ofNullable(row.getDate(0)))
        .stream().findFirst().flatMap(date -> date.map(Date::toLocalDate));
    List<ActionCount> actions = rows(segments.groupBy(ValueTiers.VALUE_TIER, Classifications.RECOMMENDED_ACTION)
        .agg(count(lit(1)))
        .orderBy(col(ValueTiers.VALUE_TIER), col("count(1)").desc(), col(Classifications.RECOMMENDED_ACTION)),
        row -> new ActionCount(row.getString(0), row.isNullAt(1) ? "—" : row.getString(1), row.getLong(2)));
    return new ReportFigures(run, tiers, heatMap, histogram, lorenz, gini, topShares, segmentRows, previous, moves,
        actions);
  }

  private static Dataset<Row> statistic(Dataset<Row> distribution, String statistic) {
    return distribution.where(col("statistic").equalTo(statistic)).orderBy("position");
  }

  private static <T> List<T> rows(Dataset<Row> data, Function<Row, T> convert) {
    return data.collectAsList().stream().map(convert).toList();
  }

  /** A nullable numeric column as a double, NaN for null (an empty tier has no median). */
  private static double number(Row row, int index) {
    return row.isNullAt(index) ? Double.NaN : ((Number) row.get(index)).doubleValue();
  }
}
