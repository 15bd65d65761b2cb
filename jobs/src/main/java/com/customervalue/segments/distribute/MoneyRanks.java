package com.customervalue.segments.distribute;

import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.distribute.ValueDistribution.FineBin;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.score.QuantilePosition;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple2;

/**
 * The fine money bins of {@link ValueDistribution} with the customers' exact order inside them,
 * where {@link Concentration} and the percentiles need it: per bin and scope the customers, the
 * sums (as is and with money below zero as zero) and Σ rank × value, and the value and running sum
 * at the few ranks {@link Concentration#neededRanks} names and at the order statistics p1..p99
 * interpolate between.
 *
 * <p>No row-by-row shuffle. Each map task reads its buyers' two money values (as their fine bin and
 * their value in units of 1/10,000, exact for four decimals) and tier, gathers them per bin into
 * primitive arrays of longs (units × scopes + tier index) and sorts each; the shuffle then moves a
 * few sorted arrays per task, hash-partitioned by bin, and each reduce task merges a bin's arrays
 * and ranks it in one pass for "all" and for every tier at once (a tier's customers keep their
 * order inside the bin). Two jobs read that shuffle: the first returns the bins' counts and sums,
 * from which the driver finds the ranks the cuts need, the second the values there (Spark reuses
 * the shuffle's files, the map side runs once). Sums are kept in integer units and Σ rank × value
 * in 128 bits, so both are exact. No task holds more than its bins' values, 8 bytes each.
 */
final class MoneyRanks {
  static final List<String> METRICS =
      List.of(CustomerMetrics.MONETARY, CustomerMetrics.AVG_ORDER_VALUE);

  private static final long UNITS_PER_CURRENCY = 10_000L;
  private static final int DECIMALS = 4;
  private static final double DOUBLE_EXACT_BELOW = 1e11;

  /** Rank of the per-bin summary record: Σ rank × value, the bin's sums and its customers. */
  private static final long WHOLE_BIN = -1;

  private final List<String> scopes;
  private final JavaPairRDD<Long, long[]> binned;
  private final Map<String, List<FineBin>> bins = new HashMap<>();
  private final Map<String, Map<Long, BigDecimal>> weighted = new HashMap<>();

  /** A fine money bin of one scope: 0 is "all", 1.. the tiers in the order given to {@link #of}. */
  record ScopedBin(int scope, int metric, long bin) implements Serializable {}

  /**
   * What the ranking pass sends back: at {@code rank} of a bin, the value (as is, below zero too)
   * and the running sum (money below zero as zero) in units; for {@link #WHOLE_BIN}, Σ rank × value
   * (in units), the bin's positive sum and sum in units and its customers.
   */
  record Ranked(
      ScopedBin bin, long rank, BigInteger weighted, long value, long running, long customers)
      implements Serializable {}

  private MoneyRanks(List<String> scopes, JavaPairRDD<Long, long[]> binned) {
    this.scopes = scopes;
    this.binned = binned;
  }

  /**
   * The money bins of the buyers of {@code segments}, overall and per tier (the first Spark job),
   * keyed by group ("scope\u0000metric", as {@link ValueDistribution} keys them).
   */
  static MoneyRanks of(Dataset<Row> segments, List<String> tiers) {
    List<String> scopes = new ArrayList<>();
    scopes.add(ValueDistribution.ALL);
    scopes.addAll(tiers);
    int partitions = 2 * segments.sparkSession().sparkContext().defaultParallelism();
    JavaPairRDD<Long, long[]> binned =
        flat(segments, tiers)
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitionsToPair(new SortedRuns(scopes.size()))
            .partitionBy(new HashPartitioner(partitions));
    MoneyRanks ranks = new MoneyRanks(scopes, binned);
    for (Ranked r : binned.mapPartitions(new RankBins(Map.of(), scopes.size(), true)).collect()) {
      String group = ranks.group(r.bin());
      ranks
          .bins
          .computeIfAbsent(group, key -> new ArrayList<>())
          .add(
              new FineBin(
                  r.bin().bin(), r.customers(), currency(r.value()), currency(r.running())));
      ranks
          .weighted
          .computeIfAbsent(group, key -> new HashMap<>())
          .put(r.bin().bin(), new BigDecimal(r.weighted(), DECIMALS));
    }
    ranks.bins.values().forEach(list -> list.sort(Comparator.comparingLong(FineBin::key)));
    return ranks;
  }

  private String group(ScopedBin bin) {
    return scopes.get(bin.scope()) + "\u0000" + METRICS.get(bin.metric());
  }

  /** The money bins per group, in bin order. */
  Map<String, List<FineBin>> bins() {
    return bins;
  }

  /**
   * What the second Spark job looks up, per money group ("scope\u0000metric"): its order inside the
   * bins where {@link Concentration} needs it, and its exact type-7 p1..p99, rounded once.
   */
  record Lookups(Map<String, Concentration.Order> orders, Map<String, double[]> percentiles) {}

  /**
   * The second Spark job: the values at the ranks {@link Concentration#neededRanks} names and at
   * the order statistics of {@link BuyerPercentiles#PERCENTS}.
   */
  Lookups lookUp() {
    Map<String, QuantilePosition[]> positions = new HashMap<>();
    bins.forEach(
        (group, groupBins) -> {
          long customers = groupBins.stream().mapToLong(FineBin::customers).sum();
          positions.put(
              group,
              BuyerPercentiles.PERCENTS.stream()
                  .map(percent -> QuantilePosition.of(customers, percent, 100))
                  .toArray(QuantilePosition[]::new));
        });
    Map<String, Map<Long, Map<Long, long[]>>> at = new HashMap<>();
    for (Ranked r :
        binned
            .mapPartitions(new RankBins(neededRanks(positions), scopes.size(), false))
            .collect()) {
      at.computeIfAbsent(group(r.bin()), key -> new HashMap<>())
          .computeIfAbsent(r.bin().bin(), key -> new HashMap<>())
          .put(r.rank(), new long[] {r.value(), r.running()});
    }
    Map<String, Concentration.Order> orders = new HashMap<>();
    weighted.forEach(
        (group, sums) -> orders.put(group, new LookedUp(sums, at.getOrDefault(group, Map.of()))));
    Map<String, double[]> percentiles = new HashMap<>();
    positions.forEach(
        (group, quantiles) -> {
          double[] values = new double[quantiles.length];
          for (int i = 0; i < values.length; i++) {
            values[i] =
                quantiles[i].value(
                    valueAt(group, quantiles[i].lower(), at),
                    valueAt(group, quantiles[i].upper(), at));
          }
          percentiles.put(group, values);
        });
    return new Lookups(orders, percentiles);
  }

  /**
   * Per scoped bin, the ranks within it to look up, ascending: the Lorenz and top-share cuts, and
   * the order statistics of each group's percentile {@code positions}.
   */
  private Map<ScopedBin, long[]> neededRanks(Map<String, QuantilePosition[]> positions) {
    Map<ScopedBin, TreeSet<Long>> needed = new HashMap<>();
    bins.forEach(
        (group, groupBins) -> {
          int metric = METRICS.indexOf(group.substring(group.indexOf('\u0000') + 1));
          int scope = scopes.indexOf(group.substring(0, group.indexOf('\u0000')));
          Concentration.neededRanks(groupBins)
              .forEach(
                  (bin, ranks) ->
                      needed
                          .computeIfAbsent(
                              new ScopedBin(scope, metric, bin), key -> new TreeSet<>())
                          .addAll(ranks));
          for (QuantilePosition position : positions.get(group)) {
            for (long statistic : new long[] {position.lower(), position.upper()}) {
              Concentration.Located located = Concentration.locate(groupBins, statistic + 1);
              needed
                  .computeIfAbsent(
                      new ScopedBin(scope, metric, located.bin().key()), key -> new TreeSet<>())
                  .add(located.rank());
            }
          }
        });
    Map<ScopedBin, long[]> ranks = new HashMap<>();
    needed.forEach((bin, set) -> ranks.put(bin, set.stream().mapToLong(Long::longValue).toArray()));
    return ranks;
  }

  /** The value of a group's 0-based order statistic, as looked up, in currency. */
  private BigDecimal valueAt(
      String group, long statistic, Map<String, Map<Long, Map<Long, long[]>>> at) {
    Concentration.Located located = Concentration.locate(bins.get(group), statistic + 1);
    return BigDecimal.valueOf(
        at.get(group).get(located.bin().key()).get(located.rank())[0], DECIMALS);
  }

  private static double currency(long units) {
    return BigDecimal.valueOf(units, DECIMALS).doubleValue();
  }

  /**
   * Per buyer: for each money metric its fine bin (null without a value) and its value in units,
   * and the buyer's tier index (0 for a buyer without a tier, who counts only in "all").
   */
  private static Dataset<Row> flat(Dataset<Row> segments, List<String> tiers) {
    Column tier = lit(0);
    for (int i = tiers.size() - 1; i >= 0; i--) {
      tier = when(col(VALUE_TIER).equalTo(tiers.get(i)), lit(i + 1)).otherwise(tier);
    }
    List<Column> columns = new ArrayList<>();
    for (String metric : METRICS) {
      Column value = col(metric).cast(DataTypes.DoubleType);
      columns.add(
          when(value.gt(0), ValueDistribution.moneyFineBin(value))
              .when(value.isNotNull(), lit(ValueDistribution.NON_POSITIVE_BIN))
              .cast(DataTypes.LongType)
              .as(metric + "_bin"));
      // Exact: a value of four decimals below 10^11 is the double nearest it, times 10^4, rounded;
      // a larger one (rare, and slower) takes the decimal's own multiplication.
      columns.add(
          when(
                  abs(value).lt(DOUBLE_EXACT_BELOW),
                  round(value.multiply(UNITS_PER_CURRENCY)).cast(DataTypes.LongType))
              .otherwise(col(metric).multiply(lit(UNITS_PER_CURRENCY)).cast(DataTypes.LongType))
              .as(metric));
    }
    columns.add(tier.as(VALUE_TIER));
    return segments.filter(CustomerMetrics.isBuyer()).select(columns.toArray(Column[]::new));
  }

  /**
   * Map side: a partition's buyers gathered into one primitive array per money bin (key = bin ×
   * metrics + metric index; entries = units × scopes + tier index), each sorted, sent on as one
   * record: the shuffle moves a few arrays per task instead of a row per value.
   */
  private static final class SortedRuns
      implements PairFlatMapFunction<Iterator<InternalRow>, Long, long[]> {
    private final int scopes;

    SortedRuns(int scopes) {
      this.scopes = scopes;
    }

    @Override
    public Iterator<Tuple2<Long, long[]>> call(Iterator<InternalRow> rows) {
      Map<Long, LongList> bins = new HashMap<>();
      int tierColumn = 2 * METRICS.size();
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        int tier = row.getInt(tierColumn);
        for (int m = 0; m < METRICS.size(); m++) {
          if (!row.isNullAt(2 * m)) {
            long key = row.getLong(2 * m) * METRICS.size() + m;
            bins.computeIfAbsent(key, k -> new LongList())
                .add(Math.addExact(Math.multiplyExact(row.getLong(2 * m + 1), scopes), tier));
          }
        }
      }
      List<Tuple2<Long, long[]>> runs = new ArrayList<>(bins.size());
      bins.forEach((key, values) -> runs.add(new Tuple2<>(key, values.sorted())));
      return runs.iterator();
    }
  }

  /**
   * Reduce side: each bin's sorted runs merged into one sorted array, ranked for every scope in one
   * pass; emits either each bin's summary or the needed ranks.
   */
  private static final class RankBins
      implements FlatMapFunction<Iterator<Tuple2<Long, long[]>>, Ranked> {
    private final Map<ScopedBin, long[]> needed;
    private final int scopes;
    private final boolean summaries;

    RankBins(Map<ScopedBin, long[]> needed, int scopes, boolean summaries) {
      this.needed = needed;
      this.scopes = scopes;
      this.summaries = summaries;
    }

    @Override
    public Iterator<Ranked> call(Iterator<Tuple2<Long, long[]>> runs) {
      Map<Long, List<long[]>> bins = new HashMap<>();
      while (runs.hasNext()) {
        Tuple2<Long, long[]> run = runs.next();
        bins.computeIfAbsent(run._1(), key -> new ArrayList<>()).add(run._2());
      }
      List<Ranked> out = new ArrayList<>();
      for (Map.Entry<Long, List<long[]>> bin : bins.entrySet()) {
        List<long[]> parts = bin.getValue();
        long[] merged = new long[parts.stream().mapToInt(part -> part.length).sum()];
        int at = 0;
        for (long[] part : parts) {
          System.arraycopy(part, 0, merged, at, part.length);
          at += part.length;
        }
        parts.clear();
        // Sorted runs end to end: the JDK's sort merges them rather than sorting from scratch.
        Arrays.sort(merged);
        rank(bin.getKey(), merged, out);
      }
      return out.iterator();
    }

    private void rank(long key, long[] packed, List<Ranked> out) {
      int metric = (int) Math.floorMod(key, (long) METRICS.size());
      long bin = Math.floorDiv(key, (long) METRICS.size());
      long[] rank = new long[scopes];
      long[] running = new long[scopes];
      long[] signed = new long[scopes];
      long[] weightedHigh = new long[scopes];
      long[] weightedLow = new long[scopes];
      long[][] ranks = new long[scopes][];
      int[] next = new int[scopes];
      int[][] countsIn = new int[scopes][];
      for (int s = 0; s < scopes; s++) {
        ranks[s] = needed.getOrDefault(new ScopedBin(s, metric, bin), new long[0]);
        countsIn[s] = s == 0 ? new int[] {0} : new int[] {0, s};
      }
      for (long value : packed) {
        long asIs = Math.floorDiv(value, scopes);
        long units = Math.max(0, asIs);
        int tier = (int) Math.floorMod(value, scopes);
        for (int scope : countsIn[tier]) {
          long r = ++rank[scope];
          signed[scope] += asIs;
          running[scope] += units;
          long low = r * units;
          long sum = weightedLow[scope] + low;
          weightedHigh[scope] +=
              Math.multiplyHigh(r, units) + (Long.compareUnsigned(sum, low) < 0 ? 1 : 0);
          weightedLow[scope] = sum;
          if (next[scope] < ranks[scope].length && ranks[scope][next[scope]] == r) {
            out.add(
                new Ranked(new ScopedBin(scope, metric, bin), r, null, asIs, running[scope], 0));
            next[scope]++;
          }
        }
      }
      for (int s = 0; s < scopes && summaries; s++) {
        if (rank[s] > 0) {
          BigInteger weighted =
              BigInteger.valueOf(weightedHigh[s])
                  .shiftLeft(Long.SIZE)
                  .add(new BigInteger(Long.toUnsignedString(weightedLow[s])));
          out.add(
              new Ranked(
                  new ScopedBin(s, metric, bin),
                  WHOLE_BIN,
                  weighted,
                  signed[s],
                  running[s],
                  rank[s]));
        }
      }
    }
  }

  /** A growable array of longs, sorted once when complete. */
  private static final class LongList {
    private long[] values = new long[16];
    private int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    long[] sorted() {
      long[] result = Arrays.copyOf(values, size);
      values = null;
      Arrays.sort(result);
      return result;
    }
  }

  /** The order of one group from the ranking pass's records; money at or below zero is 0. */
  private record LookedUp(Map<Long, BigDecimal> weighted, Map<Long, Map<Long, long[]>> at)
      implements Concentration.Order {
    @Override
    public double rankWeightedSum(FineBin bin) {
      if (bin.key() == ValueDistribution.NON_POSITIVE_BIN) {
        return 0;
      }
      return weighted.get(bin.key()).doubleValue();
    }

    @Override
    public double[] at(FineBin bin, long rank) {
      if (bin.key() == ValueDistribution.NON_POSITIVE_BIN) {
        return new double[] {0, 0};
      }
      long[] found = at.getOrDefault(bin.key(), Map.of()).get(rank);
      if (found == null) {
        throw new IllegalStateException(
            "Rank " + rank + " of money bin " + bin.key() + " was not looked up");
      }
      return new double[] {currency(found[0]), currency(found[1])};
    }
  }
}
