package com.customervalue.segments.distribute;

import static com.customervalue.segments.distribute.ValueDistribution.ALL;
import static com.customervalue.segments.distribute.ValueDistribution.METRICS;
import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;

import com.customervalue.segments.metrics.CustomerMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * p1..p99 of recency, frequency, monetary and average order value over the buyers, overall ("all")
 * and per tier: the quantiles of {@code value_distribution}, whose p50 per tier are {@code
 * tier_summary}'s medians, so computed once for both tables ({@link ValueDistribution#of}).
 */
public final class BuyerPercentiles {
  static final List<Integer> PERCENTS = IntStream.rangeClosed(1, 99).boxed().toList();

  private static final String SCOPE = "percentile_scope";
  private static final int MEDIAN = 50;

  /** scope -> metric -> p1..p99; a metric without values in a scope is absent. */
  private final Map<String, Map<String, double[]>> byScope;

  BuyerPercentiles(Map<String, Map<String, double[]>> byScope) {
    this.byScope = byScope;
  }

  /** Spark's {@code percentile_approx} within {@code relativeError} of each metric and scope. */
  static BuyerPercentiles approximate(Dataset<Row> segments, double relativeError) {
    List<Column> columns = new ArrayList<>();
    columns.add(explode(array(lit(ALL), col(VALUE_TIER))).as(SCOPE));
    METRICS.forEach(metric -> columns.add(col(metric)));
    Dataset<Row> buyers =
        segments.filter(CustomerMetrics.isBuyer()).select(columns.toArray(Column[]::new));
    Column probabilities = lit(PERCENTS.stream().mapToDouble(p -> p / 100.0).toArray());
    Column accuracy = lit((int) Math.ceil(1 / relativeError));
    Column[] approximate =
        METRICS.stream()
            .map(
                metric ->
                    percentile_approx(
                        col(metric).cast(DataTypes.DoubleType), probabilities, accuracy))
            .toArray(Column[]::new);
    Map<String, Map<String, double[]>> byScope = new LinkedHashMap<>();
    for (Row row :
        buyers
            .groupBy(col(SCOPE))
            .agg(approximate[0], Arrays.copyOfRange(approximate, 1, approximate.length))
            .collectAsList()) {
      Map<String, double[]> byMetric = new LinkedHashMap<>();
      for (int m = 0; m < METRICS.size(); m++) {
        if (!row.isNullAt(m + 1)) {
          List<Double> values = row.getList(m + 1);
          byMetric.put(METRICS.get(m), values.stream().mapToDouble(Double::doubleValue).toArray());
        }
      }
      byScope.put(row.getString(0), byMetric);
    }
    return new BuyerPercentiles(byScope);
  }

  /** The scopes with buyers: "all" and the tiers that have buyers. */
  public List<String> scopes() {
    return List.copyOf(byScope.keySet());
  }

  /** p1..p99 of {@code metric} over the buyers of {@code scope}; empty if it has no values. */
  public Optional<double[]> of(String scope, String metric) {
    return Optional.ofNullable(byScope.getOrDefault(scope, Map.of()).get(metric))
        .map(double[]::clone);
  }

  /** The median (p50) of {@code metric} over the tier's buyers; empty without any. */
  public Optional<Double> median(String tier, String metric) {
    return of(tier, metric).map(values -> values[MEDIAN - 1]);
  }
}
