package com.customervalue.segments.job;

import com.customervalue.segments.score.QuantileMode;
import com.customervalue.segments.score.ScoreBreaks;
import com.customervalue.segments.tier.TierCentroid;
import com.customervalue.segments.tier.TierModel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The small per-run tables that explain the scores and tiers: {@code rfm_thresholds} (the breaks
 * every score was given by) and {@code tier_centroids} (the tier model's clusters). Built from
 * results the driver already holds: a handful of rows, whatever the number of customers.
 */
final class RunTables {
  static final StructType THRESHOLDS =
      new StructType()
          .add("metric", DataTypes.StringType, false)
          .add("break_index", DataTypes.IntegerType, false)
          .add("quantile", DataTypes.DoubleType, false)
          .add("threshold", DataTypes.createDecimalType(30, 8), false)
          .add("quantile_mode", DataTypes.StringType, false);

  static final StructType CENTROIDS =
      new StructType()
          .add("value_tier", DataTypes.StringType, false)
          .add("value_tier_name", DataTypes.StringType, false)
          .add("tier_rank", DataTypes.IntegerType, false)
          .add("cluster", DataTypes.IntegerType, false)
          .add("buyers", DataTypes.LongType, false)
          .add("value_score", DataTypes.DoubleType, false)
          .add("scaled_log_recency_days", DataTypes.DoubleType, false)
          .add("scaled_log_frequency", DataTypes.DoubleType, false)
          .add("scaled_log_monetary", DataTypes.DoubleType, false)
          .add("centroid_recency_days", DataTypes.DoubleType, false)
          .add("centroid_frequency", DataTypes.DoubleType, false)
          .add("centroid_monetary", DataTypes.DoubleType, false);

  private RunTables() {}

  static Dataset<Row> thresholds(SparkSession spark, ScoreBreaks breaks, QuantileMode mode) {
    List<Row> rows = new ArrayList<>();
    String modeName = mode.name().toLowerCase(Locale.ROOT);
    addBreaks(rows, "recency_days", breaks.recency(), breaks.bins(), modeName);
    addBreaks(rows, "frequency", breaks.frequency(), breaks.bins(), modeName);
    addBreaks(rows, "monetary", breaks.monetary(), breaks.bins(), modeName);
    return spark.createDataFrame(rows, THRESHOLDS);
  }

  private static void addBreaks(
      List<Row> rows, String metric, List<BigDecimal> values, int bins, String mode) {
    for (int i = 0; i < values.size(); i++) {
      rows.add(RowFactory.create(metric, i + 1, (double) (i + 1) / bins, values.get(i), mode));
    }
  }

  static Dataset<Row> centroids(
      SparkSession spark, TierModel model, Map<Integer, Long> buyersByCluster) {
    List<Row> rows = new ArrayList<>();
    for (TierCentroid c : model.centroids()) {
      rows.add(
          RowFactory.create(
              c.tier(),
              c.displayName(),
              c.rank(),
              c.cluster(),
              buyersByCluster.getOrDefault(c.cluster(), 0L),
              c.valueScore(),
              c.scaledRecency(),
              c.scaledFrequency(),
              c.scaledMonetary(),
              c.recencyDays(),
              c.frequency(),
              c.monetary()));
    }
    return spark.createDataFrame(rows, CENTROIDS);
  }
}
