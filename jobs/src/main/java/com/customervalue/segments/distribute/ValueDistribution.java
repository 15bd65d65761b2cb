package com.customervalue.segments.distribute;

import static com.customervalue.segments.metrics.CustomerMetrics.AVG_ORDER_VALUE;
import static com.customervalue.segments.metrics.CustomerMetrics.FREQUENCY;
import static com.customervalue.segments.metrics.CustomerMetrics.MONETARY;
import static com.customervalue.segments.metrics.CustomerMetrics.RECENCY_DAYS;
import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log10;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.ExactQuantiles;
import com.customervalue.segments.score.QuantileMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@code value_distribution} table: for recency, frequency, monetary and average order value of
 * the buyers, overall ("all") and per tier, in one long table a dashboard filters by metric, tier
 * and statistic: quantiles p1..p99, a histogram (log-spaced bins for money and frequency, 30-day
 * bins for recency), Lorenz curve points, the Gini coefficient and the share of the total held by
 * the top 1/5/10/20 % of customers.
 *
 * <p>Spark aggregates the buyers into fine bins (each distinct value for days and purchases, 20
 * log-spaced bins per decade for money, binned and ranked by {@link MoneyRanks}); only those
 * aggregates reach the driver, with, for money, the customers' order inside the bins at the few
 * ranks the Lorenz points and top shares cut at. Lorenz, Gini and top shares are exact and count
 * money below zero as zero.
 */
public final class ValueDistribution {
  public static final String ALL = "all";
  public static final List<String> METRICS =
      List.of(RECENCY_DAYS, FREQUENCY, MONETARY, AVG_ORDER_VALUE);

  public static final String QUANTILE = "quantile";
  public static final String HISTOGRAM = "histogram";
  public static final String LORENZ = "lorenz";
  public static final String GINI = "gini";
  public static final String TOP_SHARE = "top_share";

  static final int FINE_BINS_PER_DECADE = 20;
  static final int SHOWN_BINS_PER_DECADE = 4;
  static final int RECENCY_BIN_DAYS = 30;

  /** The fine bin of money at or below zero. */
  static final long NON_POSITIVE_BIN = -1_000_000L;

  private static final String SCOPE = "scope";
  private static final String METRIC = "metric";
  private static final String VALUE = "value";
  private static final String BIN = "bin";

  private final BuyerPercentiles percentiles;
  private final List<Row> rows;
  private final SparkSession spark;

  private ValueDistribution(BuyerPercentiles percentiles, List<Row> rows, SparkSession spark) {
    this.percentiles = percentiles;
    this.rows = rows;
    this.spark = spark;
  }

  /** The table for the buyers of {@code segments}, with quantiles in {@code mode}. */
  public static Dataset<Row> compute(
      Dataset<Row> segments, QuantileMode mode, double relativeError) {
    return of(segments, mode, relativeError).table();
  }

  /**
   * The distributions of the buyers of {@code segments}, with quantiles in {@code mode}: in {@code
   * exact} mode read off the same passes as the histograms and concentration (the count per value
   * of days and purchases; {@link MoneyRanks}' order statistics of money), in {@code approximate}
   * mode Spark's {@code percentile_approx} within {@code relativeError}.
   */
  public static ValueDistribution of(
      Dataset<Row> segments, QuantileMode mode, double relativeError) {
    List<Row> binRows =
        daysAndPurchases(segments) // money: MoneyRanks bins and ranks it
            .groupBy(col(SCOPE), col(METRIC), fineBin().as(BIN))
            .agg(count(lit(1)), sum(col(VALUE)), sum(greatest(col(VALUE), lit(0.0))))
            .collectAsList();
    Map<String, List<FineBin>> binsByGroup = new TreeMap<>();
    for (Row row : binRows) {
      binsByGroup
          .computeIfAbsent(group(row.getString(0), row.getString(1)), key -> new ArrayList<>())
          .add(new FineBin(row.getLong(2), row.getLong(3), row.getDouble(4), row.getDouble(5)));
    }
    MoneyRanks money = MoneyRanks.of(segments, tiers(binsByGroup));
    binsByGroup.putAll(money.bins());
    binsByGroup.values().forEach(bins -> bins.sort((a, b) -> Long.compare(a.key(), b.key())));
    MoneyRanks.Lookups looked = money.lookUp();
    BuyerPercentiles percentiles =
        mode == QuantileMode.EXACT
            ? exactPercentiles(binsByGroup, looked.percentiles())
            : BuyerPercentiles.approximate(segments, relativeError);

    List<Row> rows = new ArrayList<>();
    for (String scope : percentiles.scopes()) {
      for (String metric : METRICS) {
        percentiles
            .of(scope, metric)
            .ifPresent(
                values99 -> {
                  for (int p = 1; p <= values99.length; p++) {
                    rows.add(
                        RowFactory.create(
                            metric, scope, QUANTILE, p, null, null, null, null, values99[p - 1]));
                  }
                });
      }
    }
    binsByGroup.forEach(
        (group, bins) -> {
          String scope = group.substring(0, group.indexOf('\u0000'));
          String metric = group.substring(group.indexOf('\u0000') + 1);
          addHistogram(rows, scope, metric, bins);
          Concentration.add(
              rows,
              scope,
              metric,
              bins,
              looked.orders().getOrDefault(group, Concentration.EQUAL_WITHIN_BINS));
        });
    return new ValueDistribution(percentiles, List.copyOf(rows), segments.sparkSession());
  }

  /** p1..p99 per scope and metric, whose p50 per tier are tier_summary's medians. */
  public BuyerPercentiles percentiles() {
    return percentiles;
  }

  /** The value_distribution table. */
  public Dataset<Row> table() {
    return spark.createDataFrame(rows, Catalog.VALUE_DISTRIBUTION.schema());
  }

  /**
   * Exact percentiles: of days and purchases from their fine bins, which hold one value each, and
   * of money as {@link MoneyRanks} looked them up (keyed by group).
   */
  private static BuyerPercentiles exactPercentiles(
      Map<String, List<FineBin>> binsByGroup, Map<String, double[]> money) {
    Map<String, Map<String, double[]>> byScope = new LinkedHashMap<>();
    binsByGroup.forEach(
        (group, bins) -> {
          String scope = group.substring(0, group.indexOf('\u0000'));
          String metric = group.substring(group.indexOf('\u0000') + 1);
          double[] values = money.get(group);
          if (values == null) {
            TreeMap<Long, Long> counts = new TreeMap<>();
            bins.forEach(bin -> counts.put(bin.key(), bin.customers()));
            values = ExactQuantiles.percentilesOfCounts(counts, BuyerPercentiles.PERCENTS);
          }
          byScope.computeIfAbsent(scope, key -> new LinkedHashMap<>()).put(metric, values);
        });
    return new BuyerPercentiles(byScope);
  }

  private static String group(String scope, String metric) {
    return scope + "\u0000" + metric;
  }

  /** The tiers among the groups' scopes, sorted. */
  private static List<String> tiers(Map<String, List<FineBin>> binsByGroup) {
    return binsByGroup.keySet().stream()
        .map(group -> group.substring(0, group.indexOf('\u0000')))
        .filter(scope -> !scope.equals(ALL))
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * One row per buyer, scope (all, and the buyer's tier) and metric of days and purchases: scope,
   * metric, value.
   */
  private static Dataset<Row> daysAndPurchases(Dataset<Row> segments) {
    Column[] metrics =
        Stream.of(RECENCY_DAYS, FREQUENCY)
            .map(m -> struct(lit(m).as(METRIC), col(m).cast(DataTypes.DoubleType).as(VALUE)))
            .toArray(Column[]::new);
    return segments
        .filter(CustomerMetrics.isBuyer())
        .select(explode(array(lit(ALL), col(VALUE_TIER))).as(SCOPE), array(metrics).as("metrics"))
        .select(col(SCOPE), explode(col("metrics")).as("m"))
        .select(col(SCOPE), col("m." + METRIC).as(METRIC), col("m." + VALUE).as(VALUE))
        .filter(col(VALUE).isNotNull());
  }

  /** Days and purchases: the value itself. */
  private static Column fineBin() {
    return floor(col(VALUE));
  }

  /**
   * Money above zero (as a double): 20 log-spaced bins per decade; money at or below zero has the
   * bin {@link #NON_POSITIVE_BIN}.
   */
  static Column moneyFineBin(Column value) {
    return floor(log10(value).multiply(FINE_BINS_PER_DECADE));
  }

  /** The customers of one fine bin, the sum of their values and the sum counting money < 0 as 0. */
  record FineBin(long key, long customers, double sum, double positiveSum) {}

  private static void addHistogram(
      List<Row> rows, String scope, String metric, List<FineBin> bins) {
    Map<Long, long[]> counts = new TreeMap<>();
    Map<Long, Double> sums = new TreeMap<>();
    for (FineBin bin : bins) {
      long shown = shownBin(metric, bin.key());
      counts.computeIfAbsent(shown, key -> new long[1])[0] += bin.customers();
      sums.merge(shown, bin.sum(), Double::sum);
    }
    long total = bins.stream().mapToLong(FineBin::customers).sum();
    int position = 0;
    for (Map.Entry<Long, long[]> entry : counts.entrySet()) {
      double[] bounds = shownBounds(metric, entry.getKey());
      long customers = entry.getValue()[0];
      rows.add(
          RowFactory.create(
              metric,
              scope,
              HISTOGRAM,
              position++,
              Double.isNaN(bounds[0]) ? null : bounds[0],
              bounds[1],
              customers,
              (double) customers / total,
              sums.get(entry.getKey())));
    }
  }

  private static long shownBin(String metric, long fineKey) {
    if (metric.equals(RECENCY_DAYS)) {
      return Math.floorDiv(fineKey, RECENCY_BIN_DAYS);
    }
    if (metric.equals(FREQUENCY)) {
      return (long) Math.floor(Math.log10(fineKey) * SHOWN_BINS_PER_DECADE + 1e-9);
    }
    return fineKey == NON_POSITIVE_BIN
        ? NON_POSITIVE_BIN
        : Math.floorDiv(fineKey, FINE_BINS_PER_DECADE / SHOWN_BINS_PER_DECADE);
  }

  /** [lower, upper) of a shown bin; the bin of money at or below zero has no lower bound (NaN). */
  private static double[] shownBounds(String metric, long shown) {
    if (metric.equals(RECENCY_DAYS)) {
      return new double[] {shown * RECENCY_BIN_DAYS, (shown + 1) * RECENCY_BIN_DAYS};
    }
    if (shown == NON_POSITIVE_BIN) {
      return new double[] {Double.NaN, 0.0};
    }
    return new double[] {
      Math.pow(10, (double) shown / SHOWN_BINS_PER_DECADE),
      Math.pow(10, (double) (shown + 1) / SHOWN_BINS_PER_DECADE)
    };
  }
}
