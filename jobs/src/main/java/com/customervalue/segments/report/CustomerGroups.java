package com.customervalue.segments.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.customervalue.segments.classify.Classifications;
import com.customervalue.segments.metrics.CustomerMetrics;
import com.customervalue.segments.report.ReportFigures.ActionCount;
import com.customervalue.segments.report.ReportFigures.HeatCell;
import com.customervalue.segments.score.RfmScores;
import com.customervalue.segments.tier.ValueTiers;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's one aggregation of customer_segments, per R score, F score, tier and recommended
 * action, and the R × F heat map and the action counts it is read into.
 */
final class CustomerGroups {
  private CustomerGroups() {}

  /** Rows of r score, f score, tier, action, customers and their summed monetary (a double). */
  static List<Row> collect(Dataset<Row> segments) {
    return segments
        .groupBy(
            RfmScores.R_SCORE,
            RfmScores.F_SCORE,
            ValueTiers.VALUE_TIER,
            Classifications.RECOMMENDED_ACTION)
        .agg(count(lit(1)), sum(col(CustomerMetrics.MONETARY).cast("double")))
        .collectAsList();
  }

  /** Buyers (they have scores) per recency and frequency score, with their average monetary. */
  static List<HeatCell> heatMap(List<Row> groups) {
    // Per (r, f): the buyers and the sum of their monetary, summed over tiers and actions.
    Map<List<Integer>, double[]> cells =
        new TreeMap<>(
            Comparator.<List<Integer>>comparingInt(key -> key.get(0))
                .thenComparingInt(key -> key.get(1)));
    for (Row group : groups) {
      if (!group.isNullAt(0) && !group.isNullAt(1)) {
        double[] cell =
            cells.computeIfAbsent(List.of(group.getInt(0), group.getInt(1)), key -> new double[2]);
        cell[0] += group.getLong(4);
        cell[1] += group.isNullAt(5) ? 0.0 : group.getDouble(5);
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

  /** Customers per tier and recommended action, the most common action of a tier first. */
  static List<ActionCount> actions(List<Row> groups) {
    Map<List<String>, Long> counts = new HashMap<>();
    for (Row group : groups) {
      counts.merge(
          List.of(group.getString(2), group.isNullAt(3) ? "—" : group.getString(3)),
          group.getLong(4),
          Long::sum);
    }
    return counts.entrySet().stream()
        .map(
            entry ->
                new ActionCount(entry.getKey().get(0), entry.getKey().get(1), entry.getValue()))
        .sorted(
            Comparator.comparing(ActionCount::tier)
                .thenComparing(ActionCount::customers, Comparator.reverseOrder())
                .thenComparing(ActionCount::action))
        .toList();
  }
}
