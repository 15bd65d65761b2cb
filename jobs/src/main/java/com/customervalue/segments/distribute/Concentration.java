package com.customervalue.segments.distribute;

import static com.customervalue.segments.distribute.ValueDistribution.GINI;
import static com.customervalue.segments.distribute.ValueDistribution.LORENZ;
import static com.customervalue.segments.distribute.ValueDistribution.TOP_SHARE;

import com.customervalue.segments.distribute.ValueDistribution.FineBin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The concentration rows of {@link ValueDistribution}: how unevenly a metric is spread over the
 * customers, as Lorenz curve points, the Gini coefficient and the top shares, exactly (values below
 * zero count as zero). With the values x(1) ≤ … ≤ x(n), their partial sums S(k) and total S, the
 * Lorenz curve joins the points (k/n, S(k)/S) by straight lines, the Gini coefficient is 2 Σ i x(i)
 * / (n S) − (n + 1) / n, one minus twice the area under that curve, and the top p share is 1 − L(1
 * − p). They need the customers' order only at a few ranks, which {@link #neededRanks} names and
 * the caller looks up inside the fine bins ({@link Order}).
 */
final class Concentration {
  static final int LORENZ_STEP_PERCENT = 5;
  static final int[] TOP_PERCENTS = {1, 5, 10, 20};

  private Concentration() {}

  /**
   * The customers' order inside the fine bins, where it matters: per bin, Σ r x(r) over its
   * customers ranked 1.. within the bin, and at given ranks r within a bin the value x(r) and the
   * bin's running sum up to it.
   */
  interface Order {
    double rankWeightedSum(FineBin bin);

    /** {value, running sum} of the customer ranked {@code rank} (1-based) within {@code bin}. */
    double[] at(FineBin bin, long rank);
  }

  /** The order of bins whose customers all hold one value (days, purchases): no lookup needed. */
  static final Order EQUAL_WITHIN_BINS =
      new Order() {
        @Override
        public double rankWeightedSum(FineBin bin) {
          double value = bin.positiveSum() / bin.customers();
          return value * bin.customers() * (bin.customers() + 1) / 2.0;
        }

        @Override
        public double[] at(FineBin bin, long rank) {
          double value = bin.positiveSum() / bin.customers();
          return new double[] {value, value * rank};
        }
      };

  /** The top m customers of a top share: the customers column of its row. */
  private static long topCustomers(long customers, int percent) {
    return Math.round(customers * percent / 100.0);
  }

  /**
   * Per bin (by its key), the ranks within it whose value and running sum the curve needs: those of
   * the k-th and (k+1)-th customer overall for every Lorenz cut k + f = share × n, and of the (n −
   * m)-th for every top share of m customers.
   */
  static Map<Long, TreeSet<Long>> neededRanks(List<FineBin> bins) {
    long customers = bins.stream().mapToLong(FineBin::customers).sum();
    List<Long> ranks = new ArrayList<>();
    for (int percent = 0; percent <= 100; percent += LORENZ_STEP_PERCENT) {
      long k = (long) Math.floor(percent / 100.0 * customers);
      ranks.add(k);
      ranks.add(k + 1);
    }
    for (int percent : TOP_PERCENTS) {
      ranks.add(customers - topCustomers(customers, percent));
    }
    Map<Long, TreeSet<Long>> needed = new TreeMap<>();
    for (long rank : ranks) {
      if (rank >= 1 && rank <= customers) {
        Located at = locate(bins, rank);
        needed.computeIfAbsent(at.bin.key(), key -> new TreeSet<>()).add(at.rank);
      }
    }
    return needed;
  }

  /** Lorenz points every 5 % of customers, the Gini coefficient and the top shares. */
  static void add(List<Row> rows, String scope, String metric, List<FineBin> bins, Order order) {
    long customers = bins.stream().mapToLong(FineBin::customers).sum();
    double total = bins.stream().mapToDouble(FineBin::positiveSum).sum();
    if (customers == 0 || total <= 0) {
      return;
    }
    double rankWeighted = 0;
    long before = 0;
    for (FineBin bin : bins) {
      rankWeighted += before * bin.positiveSum() + order.rankWeightedSum(bin);
      before += bin.customers();
    }
    double gini = 2 * rankWeighted / (customers * total) - (customers + 1.0) / customers;
    rows.add(RowFactory.create(metric, scope, GINI, 0, null, null, customers, null, gini));
    for (int percent = 0; percent <= 100; percent += LORENZ_STEP_PERCENT) {
      rows.add(
          RowFactory.create(
              metric,
              scope,
              LORENZ,
              percent,
              null,
              null,
              Math.round(customers * percent / 100.0),
              percent / 100.0,
              lorenz(bins, order, customers, total, percent / 100.0)));
    }
    for (int percent : TOP_PERCENTS) {
      long top = topCustomers(customers, percent);
      long rest = customers - top;
      double restSum = rest == 0 ? 0 : sumOfSmallest(bins, order, rest);
      rows.add(
          RowFactory.create(
              metric,
              scope,
              TOP_SHARE,
              percent,
              null,
              null,
              top,
              percent / 100.0,
              Math.max(0.0, 1 - restSum / total)));
    }
  }

  /** L(share) = (S(k) + f x(k+1)) / S for share × n = k + f. */
  private static double lorenz(
      List<FineBin> bins, Order order, long customers, double total, double share) {
    double position = share * customers;
    long k = (long) Math.floor(position);
    if (k >= customers) {
      return 1.0;
    }
    double partial = k == 0 ? 0 : sumOfSmallest(bins, order, k);
    double fraction = position - k;
    if (fraction > 0) {
      Located next = locate(bins, k + 1);
      partial += fraction * order.at(next.bin, next.rank)[0];
    }
    return Math.min(1.0, partial / total);
  }

  /** S(k): the sum of the k smallest values. */
  private static double sumOfSmallest(List<FineBin> bins, Order order, long k) {
    Located at = locate(bins, k);
    double sum = 0;
    for (FineBin bin : bins) {
      if (bin == at.bin) {
        break;
      }
      sum += bin.positiveSum();
    }
    return sum
        + (at.rank == at.bin.customers() ? at.bin.positiveSum() : order.at(at.bin, at.rank)[1]);
  }

  record Located(FineBin bin, long rank) {}

  /** The bin of the customer ranked {@code rank} (1-based) overall, and their rank within it. */
  static Located locate(List<FineBin> bins, long rank) {
    long before = 0;
    for (FineBin bin : bins) {
      if (rank <= before + bin.customers()) {
        return new Located(bin, rank - before);
      }
      before += bin.customers();
    }
    throw new IllegalArgumentException("Rank " + rank + " beyond " + before + " customers");
  }
}
