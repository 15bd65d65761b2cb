package com.customervalue.segments.distribute;

import static com.customervalue.segments.distribute.ValueDistribution.GINI;
import static com.customervalue.segments.distribute.ValueDistribution.LORENZ;
import static com.customervalue.segments.distribute.ValueDistribution.TOP_SHARE;

import com.customervalue.segments.distribute.ValueDistribution.FineBin;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The concentration rows of {@link ValueDistribution}: how unevenly a metric is spread over the
 * customers, as Lorenz curve points, the Gini coefficient and the top shares.
 */
final class Concentration {
  static final int LORENZ_STEP_PERCENT = 5;
  static final int[] TOP_PERCENTS = {1, 5, 10, 20};

  private Concentration() {}

  /** Lorenz points every 5 % of customers, the Gini coefficient and the top shares. */
  static void add(List<Row> rows, String scope, String metric, List<FineBin> bins) {
    long customers = bins.stream().mapToLong(FineBin::customers).sum();
    double total = bins.stream().mapToDouble(FineBin::positiveSum).sum();
    if (customers == 0 || total <= 0) {
      return;
    }
    // The Lorenz curve through the fine bins, ascending: linear within a bin (its customers equal).
    double[] x = new double[bins.size() + 1];
    double[] y = new double[bins.size() + 1];
    long cumulativeCustomers = 0;
    double cumulativeValue = 0;
    for (int i = 0; i < bins.size(); i++) {
      cumulativeCustomers += bins.get(i).customers();
      cumulativeValue += bins.get(i).positiveSum();
      x[i + 1] = (double) cumulativeCustomers / customers;
      y[i + 1] = Math.min(1.0, cumulativeValue / total);
    }
    double area = 0;
    for (int i = 1; i < x.length; i++) {
      area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
    }
    rows.add(RowFactory.create(metric, scope, GINI, 0, null, null, customers, null, 1 - 2 * area));
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
              lorenz(x, y, percent / 100.0)));
    }
    for (int percent : TOP_PERCENTS) {
      rows.add(
          RowFactory.create(
              metric,
              scope,
              TOP_SHARE,
              percent,
              null,
              null,
              Math.round(customers * percent / 100.0),
              percent / 100.0,
              1 - lorenz(x, y, 1 - percent / 100.0)));
    }
  }

  private static double lorenz(double[] x, double[] y, double share) {
    for (int i = 1; i < x.length; i++) {
      if (share <= x[i]) {
        double width = x[i] - x[i - 1];
        return width == 0 ? y[i] : y[i - 1] + (y[i] - y[i - 1]) * (share - x[i - 1]) / width;
      }
    }
    return 1.0;
  }
}
