package com.customervalue.segments.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.distribute.CohortRetention;
import com.customervalue.segments.distribute.TierMigration;
import com.customervalue.segments.distribute.ValueDistribution;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.report.ReportFigures.BreakdownCell;
import com.customervalue.segments.report.ReportFigures.CohortCell;
import com.customervalue.segments.report.ReportFigures.HistogramBin;
import com.customervalue.segments.report.ReportFigures.LorenzPoint;
import com.customervalue.segments.report.ReportFigures.MapCell;
import com.customervalue.segments.report.ReportFigures.Migration;
import com.customervalue.segments.report.ReportFigures.Segment;
import com.customervalue.segments.report.ReportFigures.Tier;
import com.customervalue.segments.report.ReportFigures.TopShare;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.score.RfmSegments;
import com.customervalue.segments.tier.ValueTiers;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads the report's figures from the snapshot's summary tables (tier_summary, rfm_segment_summary,
 * rfm_segment_map, value_distribution, tier_migration, cohort_retention), each small enough to
 * collect whole.
 */
final class FigureQueries {
  private FigureQueries() {}

  /** The rows of tier_summary, best tier first. */
  static List<Tier> tiers(Dataset<Row> tierSummary) {
    return rows(
        tierSummary.selectExpr(
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
            "centroid_monetary",
            "repeat_rate"),
        Comparator.comparingInt(row -> row.getInt(2)),
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
                number(row, 13),
                number(row, 14)));
  }

  /**
   * The monetary rows of value_distribution over all tiers: statistic, position, lower bound, upper
   * bound, customers, customer share and value, sorted by statistic and position.
   */
  static List<Row> monetary(Dataset<Row> distribution) {
    return distribution
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
        .collectAsList()
        .stream()
        .sorted(byText(0).thenComparingInt(row -> row.getInt(1)))
        .toList();
  }

  static List<HistogramBin> histogram(List<Row> monetary) {
    return statistic(monetary, ValueDistribution.HISTOGRAM)
        .map(
            row ->
                new HistogramBin(
                    row.isNullAt(2) ? Optional.empty() : Optional.of(row.getDouble(2)),
                    row.getDouble(3),
                    row.getLong(4),
                    number(row, 5)))
        .toList();
  }

  static List<LorenzPoint> lorenz(List<Row> monetary) {
    return statistic(monetary, ValueDistribution.LORENZ)
        .map(row -> new LorenzPoint(number(row, 5), number(row, 6)))
        .toList();
  }

  static double gini(List<Row> monetary) {
    return statistic(monetary, ValueDistribution.GINI)
        .map(row -> number(row, 6))
        .findFirst()
        .orElse(Double.NaN);
  }

  static List<TopShare> topShares(List<Row> monetary) {
    return statistic(monetary, ValueDistribution.TOP_SHARE)
        .map(row -> new TopShare(row.getInt(1), number(row, 6)))
        .toList();
  }

  /** The rows of rfm_segment_summary, the largest segment first. */
  static List<Segment> segments(Dataset<Row> segmentSummary) {
    return rows(
        segmentSummary.selectExpr(
            RfmSegments.RFM_SEGMENT,
            "customers",
            "customer_share",
            "CAST(revenue AS DOUBLE)",
            "revenue_share",
            "avg_recency_days",
            "avg_frequency",
            "avg_monetary"),
        Comparator.<Row>comparingLong(row -> -row.getLong(1)).thenComparing(byText(0)),
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
  }

  /** The rows of rfm_segment_map, best cell first. */
  static List<MapCell> segmentMap(Dataset<Row> segmentMap) {
    return rows(
        segmentMap.selectExpr(
            RfmScores.R_SCORE,
            RfmScores.F_SCORE,
            RfmScores.M_SCORE,
            RfmSegments.RFM_SEGMENT,
            "customers",
            "CAST(revenue AS DOUBLE)"),
        Comparator.<Row>comparingInt(row -> -row.getInt(0))
            .thenComparingInt(row -> -row.getInt(1))
            .thenComparingInt(row -> -row.getInt(2)),
        row ->
            new MapCell(
                row.getInt(0),
                row.getInt(1),
                row.getInt(2),
                row.getString(3),
                row.getLong(4),
                number(row, 5)));
  }

  /**
   * The rows of tier_migration: measure, from tier, to tier, customers, revenue, previous snapshot
   * date.
   */
  static List<Row> migration(Dataset<Row> migration) {
    return migration
        .selectExpr(
            "measure",
            "from_tier",
            "to_tier",
            "customers",
            "CAST(revenue AS DOUBLE)",
            "previous_snapshot_date")
        .collectAsList();
  }

  /** The rows of one measure of tier_migration ({@link TierMigration#MOVEMENT} or drift). */
  static List<Migration> moves(List<Row> migration, String measure) {
    return migration.stream()
        .filter(row -> measure.equals(row.getString(0)))
        .map(
            row ->
                new Migration(row.getString(1), row.getString(2), row.getLong(3), number(row, 4)))
        .toList();
  }

  /** Empty on the first snapshot under an output root, which has nothing to migrate from. */
  static Optional<LocalDate> previousSnapshot(List<Row> migration) {
    return migration.stream()
        .filter(row -> !row.isNullAt(5))
        .map(row -> row.getDate(5).toLocalDate())
        .max(Comparator.naturalOrder());
  }

  /**
   * segment_breakdown by attribute and tier over the lifecycle statuses, for each attribute's
   * {@code shown} values with the most customers (ties by value), the others summed into one group;
   * a few rows per attribute whatever its number of values.
   */
  static List<BreakdownCell> breakdowns(Dataset<Row> breakdown, int shown) {
    Dataset<Row> ranked =
        breakdown
            .groupBy(col("attribute"), col("attribute_value"))
            .agg(sum(col("customers")).as("value_customers"))
            .withColumn(
                "value_rank",
                row_number()
                    .over(
                        Window.partitionBy(col("attribute"))
                            .orderBy(col("value_customers").desc(), col("attribute_value"))))
            .withColumn(
                "other_values",
                greatest(
                    count(lit(1)).over(Window.partitionBy(col("attribute"))).minus(shown), lit(0)));
    Column isShown = col("value_rank").leq(shown);
    return rows(
        breakdown
            .join(ranked, new String[] {"attribute", "attribute_value"})
            .groupBy(
                col("attribute"),
                least(col("value_rank"), lit(shown + 1)).as("shown_rank"),
                when(isShown, col("attribute_value")).as("label"),
                when(isShown, lit(0L)).otherwise(col("other_values")).as("other_values"),
                col(ValueTiers.VALUE_TIER))
            .agg(
                sum(col("customers")).as("customers"),
                sum(col("revenue")).cast(DataTypes.DoubleType).as("revenue")),
        byText(0).thenComparingInt(row -> row.getInt(1)).thenComparing(byText(4)),
        row ->
            new BreakdownCell(
                row.getString(0),
                row.getInt(1),
                Optional.ofNullable(row.getString(2)),
                row.getLong(3),
                row.getString(4),
                row.getLong(5),
                number(row, 6)));
  }

  /**
   * The rows of one statistic, in order of position (the list is sorted by statistic and position).
   */
  private static Stream<Row> statistic(List<Row> rows, String statistic) {
    return rows.stream().filter(row -> statistic.equals(row.getString(0)));
  }

  /** The cells of cohort_retention, by cohort month and months since the first purchase. */
  static List<CohortCell> cohorts(Dataset<Row> cohortRetention) {
    return rows(
        cohortRetention,
        Comparator.<Row, java.sql.Date>comparing(row -> row.getAs(CohortRetention.COHORT_MONTH))
            .thenComparingInt(row -> row.<Integer>getAs(CohortRetention.MONTHS_SINCE_FIRST)),
        row ->
            new CohortCell(
                row.<java.sql.Date>getAs(CohortRetention.COHORT_MONTH).toLocalDate(),
                row.<Integer>getAs(CohortRetention.MONTHS_SINCE_FIRST),
                row.<Long>getAs(CohortRetention.COHORT_CUSTOMERS),
                row.<Long>getAs(CohortRetention.ACTIVE_CUSTOMERS),
                row.<Double>getAs(CohortRetention.RETENTION_SHARE)));
  }

  /**
   * The rows of a small table in the order of {@code order}, sorted here rather than by Spark: a
   * Spark sort costs two more jobs (sampling the ranges, then the shuffle) for a few dozen rows.
   * The orders used are by each table's key, so there are no ties to break.
   */
  private static <T> List<T> rows(
      Dataset<Row> data, Comparator<Row> order, Function<Row, T> convert) {
    return data.collectAsList().stream().sorted(order).map(convert).toList();
  }

  /**
   * A string column ordered as Spark orders strings ascending: by their UTF-8 bytes, unsigned, null
   * first.
   */
  static Comparator<Row> byText(int index) {
    return Comparator.comparing(
        row -> row.isNullAt(index) ? null : row.getString(index).getBytes(StandardCharsets.UTF_8),
        Comparator.nullsFirst(Arrays::compareUnsigned));
  }

  /** A nullable numeric column as a double, NaN for null (an empty tier has no median). */
  private static double number(Row row, int index) {
    return row.isNullAt(index) ? Double.NaN : ((Number) row.get(index)).doubleValue();
  }
}
