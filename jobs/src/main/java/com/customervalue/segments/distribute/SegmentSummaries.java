package com.customervalue.segments.distribute;

import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.RECENCY_DAYS;
import static com.customervalue.segments.score.RfmSegments.RFM_SEGMENT;
import static com.customervalue.segments.tier.ValueTiers.TIER_RANK;
import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER;
import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER_NAME;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The summary tables dashboards start from: {@code tier_summary} (one row per value tier) and
 * {@code rfm_segment_summary} (one row per named RFM segment), both computed from customer_segments
 * by aggregation in Spark.
 */
public final class SegmentSummaries {
  private static final String MEDIAN_TIER = "median_tier";

  private SegmentSummaries() {}

  /**
   * One row per tier over every customer: customers and their share, buyers, revenue (net monetary)
   * and its share; average and median R, F and M over the tier's buyers; the tier's centroid in
   * original units from {@code centroids} (the tier_centroids table); the repeat rate, the share of
   * the tier's buyers with two purchases or more (null without buyers, like the medians).
   */
  public static Dataset<Row> tierSummary(
      Dataset<Row> segments, Dataset<Row> centroids, BuyerPercentiles percentiles) {
    Column buyer = CustomerMetrics.isBuyer();
    Dataset<Row> aggregated =
        segments
            .groupBy(col(VALUE_TIER), col(VALUE_TIER_NAME), col(TIER_RANK))
            .agg(
                count(lit(1)).as("customers"),
                count(when(buyer, lit(1))).as("buyers"),
                sum(col(MONETARY)).cast(CustomerMetrics.MONEY_TYPE).as("revenue"),
                avg(when(buyer, col(RECENCY_DAYS))).as("avg_recency_days"),
                avg(when(buyer, col(FREQUENCY))).as("avg_frequency"),
                avg(when(buyer, col(MONETARY))).cast(DataTypes.DoubleType).as("avg_monetary"),
                avg(when(buyer, when(col(FREQUENCY).geq(2), 1.0).otherwise(0.0))).as("repeat_rate"),
                avg(col("p_alive")).as("mean_p_alive"),
                coalesce(sum(col("clv")), lit(BigDecimal.ZERO))
                    .cast(CustomerMetrics.MONEY_TYPE)
                    .as("total_clv"));
    Dataset<Row> medians = medians(segments, percentiles);
    Dataset<Row> tiers =
        aggregated
            .join(medians, aggregated.col(VALUE_TIER).eqNullSafe(medians.col(MEDIAN_TIER)), "left")
            .drop(MEDIAN_TIER);
    Dataset<Row> withShares = withShares(tiers);
    Dataset<Row> centroid =
        centroids.select(
            col(VALUE_TIER).as("centroid_tier"),
            col("centroid_recency_days"),
            col("centroid_frequency"),
            col("centroid_monetary"));
    return withShares
        .join(centroid, withShares.col(VALUE_TIER).equalTo(centroid.col("centroid_tier")), "left")
        .drop("centroid_tier")
        .select(
            col(VALUE_TIER),
            col(VALUE_TIER_NAME),
            col(TIER_RANK),
            col("customers"),
            col("customer_share"),
            col("buyers"),
            col("revenue"),
            col("revenue_share"),
            col("avg_recency_days"),
            col("median_recency_days"),
            col("avg_frequency"),
            col("median_frequency"),
            col("avg_monetary"),
            col("median_monetary"),
            col("centroid_recency_days"),
            col("centroid_frequency"),
            col("centroid_monetary"),
            col("repeat_rate"),
            col("mean_p_alive"),
            col("total_clv"))
        .orderBy(col(TIER_RANK));
  }

  /**
   * One row per named RFM segment over the buyers (non-buyers have no segment): customers, orders
   * (purchases), revenue and their shares, and average R, F and M.
   */
  public static Dataset<Row> rfmSegmentSummary(Dataset<Row> segments) {
    Dataset<Row> bySegment =
        segments
            .filter(CustomerMetrics.isBuyer())
            .groupBy(col(RFM_SEGMENT))
            .agg(
                count(lit(1)).as("customers"),
                sum(col(FREQUENCY)).as("orders"),
                sum(col(MONETARY)).cast(CustomerMetrics.MONEY_TYPE).as("revenue"),
                avg(col(RECENCY_DAYS)).as("avg_recency_days"),
                avg(col(FREQUENCY)).as("avg_frequency"),
                avg(col(MONETARY)).cast(DataTypes.DoubleType).as("avg_monetary"));
    return withShares(bySegment)
        .withColumn(
            "order_share", col("orders").divide(sum(col("orders")).over(Window.partitionBy())))
        .select(
            col(RFM_SEGMENT),
            col("customers"),
            col("customer_share"),
            col("orders"),
            col("order_share"),
            col("revenue"),
            col("revenue_share"),
            col("avg_recency_days"),
            col("avg_frequency"),
            col("avg_monetary"))
        .orderBy(col("customers").desc(), col(RFM_SEGMENT));
  }

  /**
   * Adds customer_share and revenue_share; the groups are few, so one window over them is cheap.
   */
  private static Dataset<Row> withShares(Dataset<Row> groups) {
    Column revenue = col("revenue").cast(DataTypes.DoubleType);
    Column totalRevenue = sum(revenue).over(Window.partitionBy());
    return groups
        .withColumn(
            "customer_share",
            col("customers").divide(sum(col("customers")).over(Window.partitionBy())))
        .withColumn(
            "revenue_share",
            when(totalRevenue.equalTo(0), lit(null)).otherwise(revenue.divide(totalRevenue)));
  }

  /**
   * The median recency, frequency and monetary of each tier's buyers: the p50 of {@code
   * value_distribution}. One row per tier with buyers, the tier in {@link #MEDIAN_TIER}.
   */
  private static Dataset<Row> medians(Dataset<Row> segments, BuyerPercentiles percentiles) {
    List<String> metrics = List.of(RECENCY_DAYS, FREQUENCY, MONETARY);
    StructType schema =
        new StructType().add(MEDIAN_TIER, segments.schema().apply(VALUE_TIER).dataType());
    for (String metric : metrics) {
      schema = schema.add("median_" + metric, DataTypes.DoubleType);
    }
    List<Row> rows = new ArrayList<>();
    for (String tier : percentiles.scopes()) {
      if (tier.equals(ValueDistribution.ALL)) {
        continue;
      }
      List<Object> row = new ArrayList<>(List.of(tier));
      for (String metric : metrics) {
        row.add(percentiles.median(tier, metric).orElse(null));
      }
      rows.add(RowFactory.create(row.toArray()));
    }
    return segments.sparkSession().createDataFrame(rows, schema);
  }
}
