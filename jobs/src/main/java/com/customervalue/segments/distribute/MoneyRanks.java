package com.customervalue.segments.distribute;

import static com.customervalue.segments.tier.ValueTiers.VALUE_TIER;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.distribute.ValueDistribution.FineBin;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;

/**
 * The customers' exact order inside the fine money bins of {@link ValueDistribution}, where {@link
 * Concentration} needs it: per bin and scope Σ rank × value, and the value and running sum at the
 * few ranks {@link Concentration#neededRanks} names.
 *
 * <p>One Spark job. Each buyer with money above zero becomes one row per money metric of two longs:
 * the metric's fine bin, and the value in units of 1/10,000 (money has four decimals, so this is
 * exact) with the buyer's tier in its lowest digits. Rows are hash-partitioned by bin, each task
 * gathers its bins into primitive arrays and sorts them, and one pass over a sorted bin ranks it
 * for "all" and for every tier at once (a tier's customers keep their order inside the bin). Sums
 * are kept in integer units, Σ rank × value in 128 bits, so they are exact. Money at or below zero
 * counts as zero and needs no order: its bin is left out.
 */
final class MoneyRanks {
  static final List<String> METRICS =
      List.of(CustomerMetrics.MONETARY, CustomerMetrics.AVG_ORDER_VALUE);

  private static final long UNITS_PER_CURRENCY = 10_000L;
  private static final int DECIMALS = 4;
  private static final String KEY = "key";
  private static final String PACKED = "packed";

  /** Rank of the per-bin summary record: Σ rank × value and the bin's sum. */
  private static final long WHOLE_BIN = -1;

  private MoneyRanks() {}

  /**
   * A fine money bin of one scope: 0 is "all", 1.. the tiers in the order given to {@link #orders}.
   */
  record ScopedBin(int scope, int metric, long bin) implements Serializable {}

  /**
   * What the ranking pass sends back: at {@code rank} of a bin, the value and running sum in units;
   * for {@link #WHOLE_BIN}, Σ rank × value (in units) and the bin's sum in units.
   */
  record Ranked(ScopedBin bin, long rank, BigInteger weighted, long value, long running)
      implements Serializable {}

  /**
   * The order of each money group ("scope\u0000metric", as {@link ValueDistribution} keys them)
   * whose bins {@code binsByGroup} lists.
   */
  static Map<String, Concentration.Order> orders(
      Dataset<Row> segments, Map<String, List<FineBin>> binsByGroup) {
    List<String> tiers =
        binsByGroup.keySet().stream()
            .map(group -> group.substring(0, group.indexOf('\u0000')))
            .filter(scope -> !scope.equals(ValueDistribution.ALL))
            .distinct()
            .sorted()
            .toList();
    List<String> scopes = new ArrayList<>();
    scopes.add(ValueDistribution.ALL);
    scopes.addAll(tiers);
    Map<ScopedBin, long[]> needed = new HashMap<>();
    binsByGroup.forEach(
        (group, bins) -> {
          int metric = METRICS.indexOf(group.substring(group.indexOf('\u0000') + 1));
          int scope = scopes.indexOf(group.substring(0, group.indexOf('\u0000')));
          if (metric >= 0 && scope >= 0) {
            Concentration.neededRanks(bins)
                .forEach(
                    (bin, ranks) ->
                        needed.put(
                            new ScopedBin(scope, metric, bin),
                            ranks.stream().mapToLong(Long::longValue).toArray()));
          }
        });
    if (needed.isEmpty()) {
      return Map.of();
    }
    List<Ranked> ranked =
        packed(segments, tiers)
            .repartition(col(KEY))
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(new RankBins(needed, scopes.size()))
            .collect();
    Map<String, Map<Long, BigDecimal>> weighted = new HashMap<>();
    Map<String, Map<Long, Map<Long, double[]>>> at = new HashMap<>();
    for (Ranked r : ranked) {
      String group = scopes.get(r.bin().scope()) + "\u0000" + METRICS.get(r.bin().metric());
      if (r.rank() == WHOLE_BIN) {
        weighted
            .computeIfAbsent(group, key -> new HashMap<>())
            .put(r.bin().bin(), new BigDecimal(r.weighted(), DECIMALS));
      } else {
        at.computeIfAbsent(group, key -> new HashMap<>())
            .computeIfAbsent(r.bin().bin(), key -> new HashMap<>())
            .put(r.rank(), new double[] {currency(r.value()), currency(r.running())});
      }
    }
    Map<String, Concentration.Order> orders = new HashMap<>();
    weighted.forEach(
        (group, sums) -> orders.put(group, new LookedUp(sums, at.getOrDefault(group, Map.of()))));
    return orders;
  }

  private static double currency(long units) {
    return BigDecimal.valueOf(units, DECIMALS).doubleValue();
  }

  /**
   * (key, packed) per buyer and money metric above zero: key = 2 × fine bin + metric index, packed
   * = units × (tiers + 1) + tier index (0 for a buyer without a tier, who counts only in "all").
   */
  private static Dataset<Row> packed(Dataset<Row> segments, List<String> tiers) {
    Column tier = lit(0);
    for (int i = tiers.size() - 1; i >= 0; i--) {
      tier = when(col(VALUE_TIER).equalTo(tiers.get(i)), lit(i + 1)).otherwise(tier);
    }
    long span = tiers.size() + 1L;
    List<Column> perMetric = new ArrayList<>();
    for (int m = 0; m < METRICS.size(); m++) {
      Column money = col(METRICS.get(m));
      Column value = money.cast(DataTypes.DoubleType);
      perMetric.add(
          when(
                  money.gt(0),
                  struct(
                      ValueDistribution.moneyFineBin(value)
                          .cast(DataTypes.LongType)
                          .multiply(METRICS.size())
                          .plus(m)
                          .as(KEY),
                      money
                          .multiply(lit(UNITS_PER_CURRENCY))
                          .cast(DataTypes.LongType)
                          .multiply(span)
                          .plus(tier)
                          .as(PACKED)))
              .as("m" + m));
    }
    return segments
        .filter(CustomerMetrics.isBuyer())
        .select(explode(array(perMetric.toArray(Column[]::new))).as("m"))
        .filter(col("m").isNotNull())
        .select(col("m." + KEY).as(KEY), col("m." + PACKED).as(PACKED));
  }

  /**
   * Gathers a partition's (key, packed) rows into one sorted primitive array per bin and ranks each
   * bin for every scope in one pass.
   */
  private static final class RankBins
      implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<InternalRow>, Ranked> {
    private final Map<ScopedBin, long[]> needed;
    private final int scopes;

    RankBins(Map<ScopedBin, long[]> needed, int scopes) {
      this.needed = needed;
      this.scopes = scopes;
    }

    @Override
    public Iterator<Ranked> call(Iterator<InternalRow> rows) {
      Map<Long, LongList> bins = new HashMap<>();
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        bins.computeIfAbsent(row.getLong(0), key -> new LongList()).add(row.getLong(1));
      }
      List<Ranked> out = new ArrayList<>();
      bins.forEach((key, values) -> rank(key, values.sorted(), out));
      return out.iterator();
    }

    private void rank(long key, long[] packed, List<Ranked> out) {
      int metric = (int) Math.floorMod(key, (long) METRICS.size());
      long bin = Math.floorDiv(key, (long) METRICS.size());
      long[] rank = new long[scopes];
      long[] running = new long[scopes];
      long[] weightedHigh = new long[scopes];
      long[] weightedLow = new long[scopes];
      long[][] ranks = new long[scopes][];
      int[] next = new int[scopes];
      for (int s = 0; s < scopes; s++) {
        ranks[s] = needed.getOrDefault(new ScopedBin(s, metric, bin), new long[0]);
      }
      for (long value : packed) {
        long units = value / scopes;
        int tier = (int) (value % scopes);
        for (int s = 0; s < 2; s++) {
          int scope = s == 0 ? 0 : tier;
          if (s == 1 && tier == 0) {
            break;
          }
          long r = ++rank[scope];
          running[scope] += units;
          long low = r * units;
          long sum = weightedLow[scope] + low;
          weightedHigh[scope] +=
              Math.multiplyHigh(r, units) + (Long.compareUnsigned(sum, low) < 0 ? 1 : 0);
          weightedLow[scope] = sum;
          if (next[scope] < ranks[scope].length && ranks[scope][next[scope]] == r) {
            out.add(new Ranked(new ScopedBin(scope, metric, bin), r, null, units, running[scope]));
            next[scope]++;
          }
        }
      }
      for (int s = 0; s < scopes; s++) {
        if (rank[s] > 0) {
          BigInteger weighted =
              BigInteger.valueOf(weightedHigh[s])
                  .shiftLeft(Long.SIZE)
                  .add(new BigInteger(Long.toUnsignedString(weightedLow[s])));
          out.add(new Ranked(new ScopedBin(s, metric, bin), WHOLE_BIN, weighted, 0, running[s]));
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
  private record LookedUp(Map<Long, BigDecimal> weighted, Map<Long, Map<Long, double[]>> at)
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
      double[] found = at.getOrDefault(bin.key(), Map.of()).get(rank);
      if (found == null) {
        throw new IllegalStateException(
            "Rank " + rank + " of money bin " + bin.key() + " was not looked up");
      }
      return found;
    }
  }
}
