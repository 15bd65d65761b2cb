package com.customervalue.segments.score;

import com.customervalue.segments.catalog.Catalog;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code rfm_thresholds} table: the breaks every score was given by, one row per metric and
 * break, built from the few values the driver already holds.
 */
public final class RfmThresholds {
  private RfmThresholds() {}

  public static Dataset<Row> table(SparkSession spark, ScoreBreaks breaks, QuantileMode mode) {
    List<Row> rows = new ArrayList<>();
    String modeName = mode.name().toLowerCase(Locale.ROOT);
    addBreaks(rows, "recency_days", breaks.recency(), breaks.bins(), modeName);
    addBreaks(rows, "frequency", breaks.frequency(), breaks.bins(), modeName);
    addBreaks(rows, "monetary", breaks.monetary(), breaks.bins(), modeName);
    return spark.createDataFrame(rows, Catalog.RFM_THRESHOLDS.schema());
  }

  private static void addBreaks(
      List<Row> rows, String metric, List<BigDecimal> values, int bins, String mode) {
    for (int i = 0; i < values.size(); i++) {
      rows.add(RowFactory.create(metric, i + 1, (double) (i + 1) / bins, values.get(i), mode));
    }
  }
}
