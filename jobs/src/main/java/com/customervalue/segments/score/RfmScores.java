package com.customervalue.segments.score;

import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.RECENCY_DAYS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * R, F and M scores 1..bins for buyers, as docs/DEFINITIONS.md defines them: breaks at the
 * quantiles of the buyers (linear interpolation, R type 7, exactly at any scale: {@link
 * ExactQuantiles}) with ties resolved so that no score is skipped, or fixed breaks from the
 * configuration; intervals closed on the right (a value equal to a break gets the lower score),
 * recency reversed (the most recent buyers score highest). A score depends only on the value and
 * the breaks, so ties can never make it depend on row order.
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

  /** The metrics whose values are whole numbers with few distinct values: counted per value. */
  private static final Set<String> WHOLE_NUMBERS = Set.of(RECENCY_DAYS, FREQUENCY);

  private RfmScores() {}

  /**
   * Computes quantile breaks for all three metrics over the buyers of {@code metrics}; needs at
   * least one buyer.
   */
  public static ScoreBreaks breaks(
      Dataset<Row> metrics, int bins, QuantileMode mode, double relativeError) {
    return breaks(metrics, bins, FixedBreaks.NONE, mode, relativeError);
  }

  /**
   * The breaks of each metric: the {@code fixed} ones where the configuration gives them, else the
   * i/bins quantiles of the buyers' values with ties resolved ({@link #resolveTies}). Two
   * aggregations over the buyers at most: the quantiles, then how many buyers each score would
   * hold. Needs at least one buyer where a metric is scored by quantiles.
   */
  public static ScoreBreaks breaks(
      Dataset<Row> metrics, int bins, FixedBreaks fixed, QuantileMode mode, double relativeError) {
    Dataset<Row> buyers = metrics.filter(CustomerMetrics.isBuyer());
    Map<String, Optional<List<BigDecimal>>> given = new LinkedHashMap<>();
    given.put(RECENCY_DAYS, fixed.recencyDays());
    given.put(FREQUENCY, fixed.frequency());
    given.put(MONETARY, fixed.monetary());
    List<String> byQuantile =
        given.keySet().stream().filter(metric -> given.get(metric).isEmpty()).toList();

    Map<String, MetricBreaks> result = new LinkedHashMap<>();
    given.forEach(
        (metric, values) -> values.ifPresent(v -> result.put(metric, MetricBreaks.fixed(v))));
    if (!byQuantile.isEmpty()) {
      Map<String, List<BigDecimal>> quantileBreaks =
          switch (mode) {
            case EXACT -> ExactQuantiles.of(buyers, byQuantile, WHOLE_NUMBERS, bins, BREAK_SCALE);
            case APPROXIMATE -> approximateQuantiles(buyers, byQuantile, bins, relativeError);
          };
      if (quantileBreaks.values().iterator().next().isEmpty()) {
        throw new IllegalArgumentException("There are no buyers to compute score breaks from");
      }
      Map<String, long[]> buyersPerBin = buyersPerBin(buyers, quantileBreaks, bins);
      quantileBreaks.forEach(
          (metric, values) ->
              result.put(metric, resolveTies(values, bins, buyersPerBin.get(metric))));
    }
    return new ScoreBreaks(
        bins, result.get(RECENCY_DAYS), result.get(FREQUENCY), result.get(MONETARY));
  }

  /**
   * The quantile breaks of one metric less those that would leave a score empty, so that the scores
   * that occur are 1..k without a gap (k ≤ bins; for recency, which is reversed, bins..bins-k+1).
   * {@code buyersPerBin[j]} is how many buyers the plain breaks give score j + 1: above {@code
   * breaks[j - 1]} (no lower bound for j = 0) and at or below {@code breaks[j]}; the last entry
   * counts those above the last break. A break is kept when the score it closes holds a buyer; when
   * nobody lies above the last break, the last kept break goes too. Ties cause empty scores:
   * CDNOW's frequency quantiles 1, 1, 2, 4 leave (1, 1] empty, and interpolating between tied
   * values can leave (1, 1.6] empty as well. Each buyer's new score is the rank of their old score
   * among the scores that occur, so the order of buyers is kept and the published breaks still give
   * every score by themselves.
   */
  static MetricBreaks resolveTies(List<BigDecimal> breaks, int bins, long[] buyersPerBin) {
    List<Integer> kept = new ArrayList<>();
    for (int j = 0; j < breaks.size(); j++) {
      if (buyersPerBin[j] > 0) {
        kept.add(j);
      }
    }
    if (buyersPerBin[breaks.size()] == 0 && !kept.isEmpty()) {
      kept.remove(kept.size() - 1);
    }
    if (kept.size() == breaks.size()) {
      return MetricBreaks.quantiles(breaks, bins);
    }
    return new MetricBreaks(
        BreakMethod.QUANTILE_TIES_RESOLVED,
        kept.stream().map(breaks::get).toList(),
        kept.stream().map(j -> Optional.of((double) (j + 1) / bins)).toList());
  }

  /** Per metric, how many buyers each score of {@code breaks} would hold, in one aggregation. */
  private static Map<String, long[]> buyersPerBin(
      Dataset<Row> buyers, Map<String, List<BigDecimal>> breaks, int bins) {
    List<Column> counts = new ArrayList<>();
    breaks.forEach(
        (metric, values) -> {
          Column bin = breaksBelow(col(metric), values);
          for (int j = 0; j < bins; j++) {
            counts.add(count(when(bin.equalTo(j), lit(1))));
          }
        });
    Row row = buyers.agg(counts.get(0), counts.stream().skip(1).toArray(Column[]::new)).first();
    Map<String, long[]> result = new LinkedHashMap<>();
    int at = 0;
    for (String metric : breaks.keySet()) {
      long[] perBin = new long[bins];
      for (int j = 0; j < bins; j++) {
        perBin[j] = row.getLong(at++);
      }
      result.put(metric, perBin);
    }
    return result;
  }

  /**
   * Adds {@code r_score}, {@code f_score}, {@code m_score} and {@code rfm_cell} (e.g. "545"); all
   * null for customers who are not buyers.
   */
  public static Dataset<Row> score(Dataset<Row> metrics, ScoreBreaks breaks) {
    Column r =
        when(
            CustomerMetrics.isBuyer(),
            lit(breaks.bins()).minus(breaksBelow(col(RECENCY_DAYS), breaks.recency().values())));
    Column f =
        when(
            CustomerMetrics.isBuyer(),
            lit(1).plus(breaksBelow(col(FREQUENCY), breaks.frequency().values())));
    Column m =
        when(
            CustomerMetrics.isBuyer(),
            lit(1).plus(breaksBelow(col(MONETARY), breaks.monetary().values())));
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

  /**
   * Spark's approximate percentiles (Greenwald-Khanna): each break is a buyer's value whose rank is
   * within {@code relativeError} of the quantile's, not the type-7 interpolation; empty lists when
   * there are no buyers.
   */
  private static Map<String, List<BigDecimal>> approximateQuantiles(
      Dataset<Row> buyers, List<String> metrics, int bins, double relativeError) {
    double[] probabilities = IntStream.range(1, bins).mapToDouble(i -> (double) i / bins).toArray();
    List<Column> quantiles =
        metrics.stream()
            .map(
                metric ->
                    percentile_approx(
                        col(metric).cast(DataTypes.DoubleType),
                        lit(probabilities),
                        lit((int) Math.ceil(1 / relativeError))))
            .toList();
    Row row =
        buyers
            .agg(quantiles.get(0), quantiles.subList(1, quantiles.size()).toArray(Column[]::new))
            .first();
    Map<String, List<BigDecimal>> breaks = new LinkedHashMap<>();
    for (int i = 0; i < metrics.size(); i++) {
      breaks.put(metrics.get(i), row.isNullAt(i) ? List.of() : decimals(row.getList(i)));
    }
    return breaks;
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
