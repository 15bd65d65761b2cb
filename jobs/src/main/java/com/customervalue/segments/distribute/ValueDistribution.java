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
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.QuantileMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code value_distribution} table: for recency, frequency, monetary and average order value of
 * the buyers, overall ("all") and per tier, in one long table a dashboard filters by metric, tier
 * and statistic: quantiles p1..p99, a histogram (log-spaced bins for money and frequency, 30-day
 * bins for recency), Lorenz curve points, the Gini coefficient and the share of the total held by
 * the top 1/5/10/20 % of customers.
 *
 * <p>Spark aggregates the buyers into fine bins (each distinct value for days and purchases, 20
 * log-spaced bins per decade for money) and into quantiles; only those aggregates reach the driver,
 * with, for money, the customers' order inside the bins at the few ranks the Lorenz points and top
 * shares cut at. Lorenz, Gini and top shares are exact and count money below zero as zero.
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
  private static final String RANK = "rank";
  private static final List<String> MONEY_METRICS = List.of(MONETARY, AVG_ORDER_VALUE);

  private ValueDistribution() {}

  public static Dataset<Row> compute(
      Dataset<Row> segments, QuantileMode mode, double relativeError) {
    Dataset<Row> values = buyerValues(segments);
    double[] percents = IntStream.rangeClosed(1, 99).mapToDouble(p -> p / 100.0).toArray();
    Column quantiles =
        mode == QuantileMode.EXACT
            ? percentile(col(VALUE), lit(percents))
            : percentile_approx(col(VALUE), lit(percents), lit((int) Math.ceil(1 / relativeError)));
    List<Row> quantileRows = values.groupBy(col(SCOPE), col(METRIC)).agg(quantiles).collectAsList();
    List<Row> binRows =
        values
            .groupBy(col(SCOPE), col(METRIC), fineBin().as(BIN))
            .agg(count(lit(1)), sum(col(VALUE)), sum(greatest(col(VALUE), lit(0.0))))
            .collectAsList();

    List<Row> rows = new ArrayList<>();
    for (Row row : quantileRows) {
      List<Object> values99 = row.getList(2);
      for (int p = 1; p <= 99; p++) {
        rows.add(
            RowFactory.create(
                row.getString(1),
                row.getString(0),
                QUANTILE,
                p,
                null,
                null,
                null,
                null,
                ((Number) values99.get(p - 1)).doubleValue()));
      }
    }
    Map<String, List<FineBin>> binsByGroup = new TreeMap<>();
    for (Row row : binRows) {
      binsByGroup
          .computeIfAbsent(row.getString(0) + "\u0000" + row.getString(1), key -> new ArrayList<>())
          .add(new FineBin(row.getLong(2), row.getLong(3), row.getDouble(4), row.getDouble(5)));
    }
    binsByGroup.values().forEach(bins -> bins.sort((a, b) -> Long.compare(a.key(), b.key())));
    Map<String, Concentration.Order> moneyOrders = moneyOrders(values, binsByGroup);
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
              moneyOrders.getOrDefault(group, Concentration.EQUAL_WITHIN_BINS));
        });
    return segments.sparkSession().createDataFrame(rows, Catalog.VALUE_DISTRIBUTION.schema());
  }

  /**
   * For the money metrics, whose fine bins hold different values, the customers' exact order inside
   * each bin where the concentration needs it, in one Spark job: each bin's customers go to one
   * task sorted by value (bins sort in parallel, none holds more than a slice of the customers),
   * and one streaming pass ({@link BinRanks}) emits per bin Σ rank × value, and the value and
   * running sum at the ranks {@link Concentration#neededRanks} names. Days and purchases need none:
   * a bin is one value.
   */
  private static Map<String, Concentration.Order> moneyOrders(
      Dataset<Row> values, Map<String, List<FineBin>> binsByGroup) {
    Map<String, long[]> needed = new HashMap<>();
    binsByGroup.forEach(
        (group, bins) -> {
          String metric = group.substring(group.indexOf('\u0000') + 1);
          if (MONEY_METRICS.contains(metric)) {
            Concentration.neededRanks(bins)
                .forEach(
                    (bin, ranks) ->
                        needed.put(
                            group + "\u0000" + bin,
                            ranks.stream().mapToLong(Long::longValue).toArray()));
          }
        });
    List<Row> perBin =
        values
            .filter(col(METRIC).isin(MONEY_METRICS.toArray()))
            .select(
                col(SCOPE),
                col(METRIC),
                fineBin().cast(DataTypes.LongType).as(BIN),
                greatest(col(VALUE), lit(0.0)).as(VALUE))
            .repartition(col(SCOPE), col(METRIC), col(BIN))
            .sortWithinPartitions(col(SCOPE), col(METRIC), col(BIN), col(VALUE))
            .mapPartitions(new BinRanks(needed), Encoders.row(BinRanks.SCHEMA))
            .collectAsList();
    Map<String, Map<Long, Double>> weighted = new HashMap<>();
    Map<String, Map<Long, Map<Long, double[]>>> at = new HashMap<>();
    for (Row row : perBin) {
      String group = row.getString(0) + "\u0000" + row.getString(1);
      long bin = row.getLong(2);
      long rank = row.getLong(3);
      if (rank == BinRanks.WHOLE_BIN) {
        weighted.computeIfAbsent(group, key -> new HashMap<>()).put(bin, row.getDouble(4));
      } else {
        at.computeIfAbsent(group, key -> new HashMap<>())
            .computeIfAbsent(bin, key -> new HashMap<>())
            .put(rank, new double[] {row.getDouble(4), row.getDouble(5)});
      }
    }
    Map<String, Concentration.Order> orders = new HashMap<>();
    weighted.forEach(
        (group, sums) ->
            orders.put(
                group,
                new Concentration.Order() {
                  @Override
                  public double rankWeightedSum(FineBin bin) {
                    return sums.get(bin.key());
                  }

                  @Override
                  public double[] at(FineBin bin, long rank) {
                    double[] found =
                        at.getOrDefault(group, Map.of())
                            .getOrDefault(bin.key(), Map.of())
                            .get(rank);
                    if (found == null) {
                      throw new IllegalStateException(
                          "Rank " + rank + " of money bin " + bin.key() + " was not looked up");
                    }
                    return found;
                  }
                }));
    return orders;
  }

  /**
   * The streaming pass of {@link #moneyOrders} over (scope, metric, bin, value ≥ 0) sorted within
   * the partition: ranks each bin's customers 1.. and emits (scope, metric, bin, {@link
   * #WHOLE_BIN}, Σ rank × value) per bin and (scope, metric, bin, rank, value, running sum) at each
   * needed rank.
   */
  static final class BinRanks implements MapPartitionsFunction<Row, Row> {
    static final long WHOLE_BIN = -1;
    static final StructType SCHEMA =
        new StructType()
            .add(SCOPE, DataTypes.StringType)
            .add(METRIC, DataTypes.StringType)
            .add(BIN, DataTypes.LongType)
            .add(RANK, DataTypes.LongType)
            .add(VALUE, DataTypes.DoubleType)
            .add("running", DataTypes.DoubleType);

    private final Map<String, long[]> needed;

    BinRanks(Map<String, long[]> needed) {
      this.needed = needed;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> out = new ArrayList<>();
      String scope = null;
      String metric = null;
      long bin = 0;
      long rank = 0;
      double running = 0;
      double weighted = 0;
      long[] ranks = new long[0];
      int next = 0;
      while (rows.hasNext()) {
        Row row = rows.next();
        if (scope == null
            || bin != row.getLong(2)
            || !scope.equals(row.getString(0))
            || !metric.equals(row.getString(1))) {
          if (scope != null) {
            out.add(RowFactory.create(scope, metric, bin, WHOLE_BIN, weighted, running));
          }
          scope = row.getString(0);
          metric = row.getString(1);
          bin = row.getLong(2);
          rank = 0;
          running = 0;
          weighted = 0;
          ranks = needed.getOrDefault(scope + "\u0000" + metric + "\u0000" + bin, new long[0]);
          next = 0;
        }
        double value = row.getDouble(3);
        rank++;
        running += value;
        weighted += rank * value;
        if (next < ranks.length && ranks[next] == rank) {
          out.add(RowFactory.create(scope, metric, bin, rank, value, running));
          next++;
        }
      }
      if (scope != null) {
        out.add(RowFactory.create(scope, metric, bin, WHOLE_BIN, weighted, running));
      }
      return out.iterator();
    }
  }

  /** One row per buyer, scope (all, and the buyer's tier) and metric: scope, metric, value. */
  static Dataset<Row> buyerValues(Dataset<Row> segments) {
    Column[] metrics =
        METRICS.stream()
            .map(m -> struct(lit(m).as(METRIC), col(m).cast(DataTypes.DoubleType).as(VALUE)))
            .toArray(Column[]::new);
    return segments
        .filter(CustomerMetrics.isBuyer())
        .select(explode(array(lit(ALL), col(VALUE_TIER))).as(SCOPE), array(metrics).as("metrics"))
        .select(col(SCOPE), explode(col("metrics")).as("m"))
        .select(col(SCOPE), col("m." + METRIC).as(METRIC), col("m." + VALUE).as(VALUE))
        .filter(col(VALUE).isNotNull());
  }

  /**
   * Days and purchases: the value itself. Money: 20 log-spaced bins per decade, one bin for <= 0.
   */
  private static Column fineBin() {
    Column logBin = floor(log10(col(VALUE)).multiply(FINE_BINS_PER_DECADE));
    return when(col(METRIC).isin(RECENCY_DAYS, FREQUENCY), floor(col(VALUE)))
        .when(col(VALUE).gt(0), logBin)
        .otherwise(lit(NON_POSITIVE_BIN));
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
