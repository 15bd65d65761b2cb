package com.customervalue.segments.score;

import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.RECENCY_DAYS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * R, F and M scores 1..bins for buyers, by quantile breaks as docs/DEFINITIONS.md defines them:
 * linear interpolation (R type 7, Spark's percentile), intervals closed on the right (a value equal
 * to a break gets the lower score), recency reversed (the most recent buyers score highest). A
 * score depends only on the value and the breaks, so ties can never make it depend on row order.
 */
public final class RfmScores {
  public static final String R_SCORE = "r_score";
  public static final String F_SCORE = "f_score";
  public static final String M_SCORE = "m_score";
  public static final String RFM_CELL = "rfm_cell";

  /**
   * Decimals breaks are kept to. Spark interpolates between two values in double (a break of 13.8
   * comes out as 13.799999999999999); rounding gives the exact break back, and scores then compare
   * exactly in DECIMAL. Money has 4 decimals and interpolation at i/bins adds at most one more, so
   * 8 decimals lose nothing. (Breaks on a value, or between tied values, are exact in Spark
   * already.)
   */
  static final int BREAK_SCALE = Catalog.BREAK.scale();

  private RfmScores() {}

  /**
   * Computes the breaks over the buyers of {@code metrics} in one aggregation; needs at least one
   * buyer.
   */
  public static ScoreBreaks breaks(
      Dataset<Row> metrics, int bins, QuantileMode mode, double relativeError) {
    double[] probabilities = IntStream.range(1, bins).mapToDouble(i -> (double) i / bins).toArray();
    Row row =
        metrics
            .filter(CustomerMetrics.isBuyer())
            .agg(
                quantiles(col(RECENCY_DAYS), probabilities, mode, relativeError),
                quantiles(col(FREQUENCY), probabilities, mode, relativeError),
                quantiles(col(MONETARY), probabilities, mode, relativeError))
            .first();
    if (row.isNullAt(0)) {
      throw new IllegalArgumentException("There are no buyers to compute score breaks from");
    }
    return new ScoreBreaks(
        bins, decimals(row.getList(0)), decimals(row.getList(1)), decimals(row.getList(2)));
  }

  /**
   * Adds {@code r_score}, {@code f_score}, {@code m_score} and {@code rfm_cell} (e.g. "545"); all
   * null for customers who are not buyers.
   */
  public static Dataset<Row> score(Dataset<Row> metrics, ScoreBreaks breaks) {
    Column recencyRank = lit(1).plus(breaksBelow(col(RECENCY_DAYS), breaks.recency()));
    Column r = when(CustomerMetrics.isBuyer(), lit(breaks.bins() + 1).minus(recencyRank));
    Column f =
        when(
            CustomerMetrics.isBuyer(),
            lit(1).plus(breaksBelow(col(FREQUENCY), breaks.frequency())));
    Column m =
        when(CustomerMetrics.isBuyer(), lit(1).plus(breaksBelow(col(MONETARY), breaks.monetary())));
    return metrics
        .withColumn(R_SCORE, r.cast(DataTypes.IntegerType))
        .withColumn(F_SCORE, f.cast(DataTypes.IntegerType))
        .withColumn(M_SCORE, m.cast(DataTypes.IntegerType))
        .withColumn(
            RFM_CELL,
            concat(
                col(R_SCORE).cast("string"),
                col(F_SCORE).cast("string"),
                col(M_SCORE).cast("string")));
  }

  /** How many breaks lie strictly below the value: right-closed intervals. */
  private static Column breaksBelow(Column value, List<BigDecimal> breaks) {
    Column below = lit(0);
    for (BigDecimal threshold : breaks) {
      below = below.plus(when(value.gt(lit(threshold)), 1).otherwise(0));
    }
    return below;
  }

  private static Column quantiles(
      Column value, double[] probabilities, QuantileMode mode, double relativeError) {
    Column asDouble = value.cast(DataTypes.DoubleType);
    return switch (mode) {
      case EXACT -> percentile(asDouble, lit(probabilities));
      case APPROXIMATE ->
          percentile_approx(asDouble, lit(probabilities), lit((int) Math.ceil(1 / relativeError)));
    };
  }

  private static List<BigDecimal> decimals(List<Object> values) {
    List<BigDecimal> breaks = new ArrayList<>();
    for (Object value : values) {
      breaks.add(
          BigDecimal.valueOf(((Number) value).doubleValue())
              .setScale(BREAK_SCALE, RoundingMode.HALF_UP));
    }
    return List.copyOf(breaks);
  }
}
