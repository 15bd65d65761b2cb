package com.customervalue.segments.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.customervalue.segments.classify.Classifications;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.report.ReportFigures.AmountLevelCount;
import com.customervalue.segments.report.ReportFigures.HeatCell;
import com.customervalue.segments.report.ReportFigures.PlaybookCell;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.tier.ValueTiers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's one aggregation of customer_segments, per R score, F score, tier, lifecycle status,
 * recommended action and amount level, and the R × F heat map, the tier × status grid of the
 * playbook and the amount levels it is read into.
 */
final class CustomerGroups {
  private static final int R = 0;
  private static final int F = 1;
  private static final int TIER = 2;
  private static final int STATUS = 3;
  private static final int ACTION = 4;
  private static final int LEVEL = 5;
  private static final int ABOVE_CAP = 6;
  private static final int CUSTOMERS = 7;
  private static final int MONETARY = 8;
  private static final int LEVEL_REVENUE = 9;

  private CustomerGroups() {}

  /**
   * Rows of r score, f score, tier, status, action, amount level, above cap, customers and their
   * summed monetary and amount_level_revenue (doubles).
   */
  static List<Row> collect(Dataset<Row> segments) {
    return segments
        .groupBy(
            RfmScores.R_SCORE,
            RfmScores.F_SCORE,
            ValueTiers.VALUE_TIER,
            Classifications.LIFECYCLE_STATUS,
            Classifications.RECOMMENDED_ACTION,
            Classifications.AMOUNT_LEVEL,
            Classifications.AMOUNT_ABOVE_CAP)
        .agg(
            count(lit(1)),
            sum(col(CustomerMetrics.MONETARY).cast("double")),
            sum(col(CustomerMetrics.AMOUNT_LEVEL_REVENUE).cast("double")))
        .collectAsList();
  }

  /** Buyers (they have scores) per recency and frequency score, with their average monetary. */
  static List<HeatCell> heatMap(List<Row> groups) {
    // Per (r, f): the buyers and the sum of their monetary, summed over the other columns.
    Map<List<Integer>, double[]> cells =
        new TreeMap<>(
            Comparator.<List<Integer>>comparingInt(key -> key.get(0))
                .thenComparingInt(key -> key.get(1)));
    for (Row group : groups) {
      if (!group.isNullAt(R) && !group.isNullAt(F)) {
        double[] cell =
            cells.computeIfAbsent(List.of(group.getInt(R), group.getInt(F)), key -> new double[2]);
        cell[0] += group.getLong(CUSTOMERS);
        cell[1] += group.isNullAt(MONETARY) ? 0.0 : group.getDouble(MONETARY);
      }
    }
    return cells.entrySet().stream()
        .map(
            entry ->
                new HeatCell(
                    entry.getKey().get(0),
                    entry.getKey().get(1),
                    (long) entry.getValue()[0],
                    entry.getValue()[1] / entry.getValue()[0]))
        .toList();
  }

  /** Customers per tier, lifecycle status and recommended action. */
  static List<PlaybookCell> playbook(List<Row> groups) {
    Map<List<String>, Long> counts = new HashMap<>();
    for (Row group : groups) {
      counts.merge(
          List.of(
              group.getString(TIER),
              group.getString(STATUS),
              group.isNullAt(ACTION) ? "—" : group.getString(ACTION)),
          group.getLong(CUSTOMERS),
          Long::sum);
    }
    return counts.entrySet().stream()
        .map(
            entry ->
                new PlaybookCell(
                    entry.getKey().get(0),
                    entry.getKey().get(1),
                    entry.getKey().get(2),
                    entry.getValue()))
        .sorted(
            Comparator.comparing(PlaybookCell::tier)
                .thenComparing(PlaybookCell::status)
                .thenComparing(PlaybookCell::customers, Comparator.reverseOrder())
                .thenComparing(PlaybookCell::action))
        .toList();
  }

  /** Every amount level 0..{@code top}, those without customers included. */
  static List<AmountLevelCount> amountLevels(List<Row> groups, int top) {
    long[] customers = new long[top + 1];
    long[] aboveCap = new long[top + 1];
    double[] revenue = new double[top + 1];
    for (Row group : groups) {
      int level = group.getInt(LEVEL);
      customers[level] += group.getLong(CUSTOMERS);
      if (group.getBoolean(ABOVE_CAP)) {
        aboveCap[level] += group.getLong(CUSTOMERS);
      }
      revenue[level] += group.isNullAt(LEVEL_REVENUE) ? 0.0 : group.getDouble(LEVEL_REVENUE);
    }
    List<AmountLevelCount> levels = new ArrayList<>();
    IntStream.rangeClosed(0, top)
        .forEach(
            level ->
                levels.add(
                    new AmountLevelCount(
                        level, customers[level], aboveCap[level], revenue[level])));
    return List.copyOf(levels);
  }
}
