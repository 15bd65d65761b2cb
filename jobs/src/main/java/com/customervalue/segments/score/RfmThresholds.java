package com.customervalue.segments.score;

import com.customervalue.segments.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code rfm_thresholds} table: the breaks every score was given by, one row per metric and
 * break, with how each metric's breaks were found, built from the few values the driver already
 * holds.
 */
public final class RfmThresholds {
  private RfmThresholds() {}

  public static Dataset<Row> table(SparkSession spark, ScoreBreaks breaks, QuantileMode mode) {
    List<Row> rows = new ArrayList<>();
    String modeName = mode.name().toLowerCase(Locale.ROOT);
    addBreaks(rows, "recency_days", breaks.recency(), modeName);
    addBreaks(rows, "frequency", breaks.frequency(), modeName);
    addBreaks(rows, "monetary", breaks.monetary(), modeName);
    return spark.createDataFrame(rows, Catalog.RFM_THRESHOLDS.schema());
  }

  private static void addBreaks(List<Row> rows, String metric, MetricBreaks breaks, String mode) {
    boolean fixed = breaks.method() == BreakMethod.FIXED;
    for (int i = 0; i < breaks.values().size(); i++) {
      rows.add(
          RowFactory.create(
              metric,
              i + 1,
              breaks.quantiles().get(i).orElse(null),
              breaks.values().get(i),
              fixed ? null : mode,
              breaks.method().publishedName()));
    }
  }
}
