package com.customervalue.segments.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The i/bins quantiles of numeric columns exactly as R's type 7 (and Spark's {@code percentile})
 * define them, at any number of rows, without sending every value to one task as {@code percentile}
 * does. For each quantile an approximate pass brackets the two order statistics it interpolates
 * between by a narrow value range; an exact pass counts the rows below each range; the few distinct
 * values inside the ranges come to the driver with their counts, which picks the order statistics
 * and interpolates in exact decimal arithmetic. A range the approximate pass got wrong (possible
 * only for tiny inputs) is caught by the counts and widened to all values.
 */
final class ExactQuantiles {
  /**
   * Accuracy of the bracketing pass: ranges hold about 4 / ACCURACY of the rows, so at 10 M rows
   * about 4,000 values at most, far fewer distinct ones.
   */
  static final int ACCURACY = 10_000;

  private static final double MARGIN = 2.0 / ACCURACY;

  private ExactQuantiles() {}

  /**
   * Per column, its quantiles at 1/bins .. (bins-1)/bins over the non-null values of {@code rows},
   * rounded half up to {@code scale} decimals; empty lists when there are no values.
   */
  static Map<String, List<BigDecimal>> of(
      Dataset<Row> rows, List<String> columns, int bins, int scale) {
    return of(rows, columns, bins, scale, MARGIN);
  }

  /**
   * As {@link #of(Dataset, List, int, int)} with ranges from the approximate quantiles at i/bins ±
   * {@code margin}; the tests make it too small (or negative) to see wrong brackets widened.
   */
  static Map<String, List<BigDecimal>> of(
      Dataset<Row> rows, List<String> columns, int bins, int scale, double margin) {
    double[] probabilities = new double[2 * (bins - 1)];
    for (int i = 1; i < bins; i++) {
      probabilities[2 * (i - 1)] = Math.min(1, Math.max(0, (double) i / bins - margin));
      probabilities[2 * (i - 1) + 1] = Math.max(0, Math.min(1, (double) i / bins + margin));
    }
    List<Column> bracketing = new ArrayList<>();
    for (String column : columns) {
      bracketing.add(count(col(column)));
      bracketing.add(
          percentile_approx(
              col(column).cast(DataTypes.DoubleType), lit(probabilities), lit(ACCURACY)));
    }
    Row brackets = aggregate(rows, bracketing);

    Map<String, List<Range>> ranges = new LinkedHashMap<>();
    List<Column> below = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      long n = brackets.getLong(2 * c);
      List<Range> columnRanges = new ArrayList<>();
      if (n > 0) {
        List<Double> bounds = brackets.getList(2 * c + 1);
        for (int i = 1; i < bins; i++) {
          columnRanges.add(
              new Range(n, i, bins, bounds.get(2 * (i - 1)), bounds.get(2 * (i - 1) + 1)));
        }
      }
      ranges.put(columns.get(c), columnRanges);
      Column value = col(columns.get(c));
      for (Range range : columnRanges) {
        below.add(count(when(value.lt(lit(range.low)), 1)));
        below.add(count(when(value.leq(lit(range.high)), 1)));
      }
    }
    if (!below.isEmpty()) {
      Row counts = aggregate(rows, below);
      int at = 0;
      for (List<Range> columnRanges : ranges.values()) {
        for (Range range : columnRanges) {
          range.check(counts.getLong(at), counts.getLong(at + 1));
          at += 2;
        }
      }
    }

    Map<String, List<BigDecimal>> quantiles = new LinkedHashMap<>();
    ranges.forEach(
        (column, columnRanges) -> {
          List<BigDecimal> values = new ArrayList<>();
          if (!columnRanges.isEmpty()) {
            List<Row> inside = valuesInside(rows, column, columnRanges);
            for (int r = 0; r < columnRanges.size(); r++) {
              values.add(columnRanges.get(r).quantile(inside, r, scale));
            }
          }
          quantiles.put(column, List.copyOf(values));
        });
    return quantiles;
  }

  /**
   * The distinct values inside any of the column's ranges, ascending: each row is (value, rows
   * holding it, then one flag per range: whether the range holds it). Spark decides the flags, as
   * it counted the rows below each range, so both use one comparison.
   */
  private static List<Row> valuesInside(Dataset<Row> rows, String column, List<Range> ranges) {
    Column value = col(column);
    Column anyRange = lit(false);
    List<Column> flags = new ArrayList<>();
    for (int r = 0; r < ranges.size(); r++) {
      anyRange = anyRange.or(ranges.get(r).contains(value));
      flags.add(ranges.get(r).contains(value).as("in_" + r));
    }
    List<Column> keys = new ArrayList<>(List.of(value.as("value")));
    keys.addAll(flags);
    List<Column> output = new ArrayList<>(List.of(col("value"), col("count")));
    for (int r = 0; r < ranges.size(); r++) {
      output.add(col("in_" + r));
    }
    return rows.filter(anyRange)
        .groupBy(keys.toArray(Column[]::new))
        .count()
        .select(output.toArray(Column[]::new))
        .orderBy(col("value"))
        .collectAsList();
  }

  private static BigDecimal decimal(Object value) {
    return value instanceof BigDecimal exact ? exact : new BigDecimal(value.toString());
  }

  private static Row aggregate(Dataset<Row> rows, List<Column> columns) {
    return rows.agg(columns.get(0), columns.subList(1, columns.size()).toArray(Column[]::new))
        .first();
  }

  /**
   * One quantile i/bins of n values: the 0-based order statistics {@code lower} and {@code upper}
   * it interpolates between (h = (n - 1) i / bins exactly; upper = lower when h is whole), and the
   * value range that must hold both: {@code below} rows lie under it.
   */
  private static final class Range {
    private final long lower;
    private final long upper;
    private final long remainder;
    private final int bins;
    private Double low;
    private Double high;
    private long below;

    Range(long n, int i, int bins, double low, double high) {
      long scaled = (n - 1) * i;
      this.bins = bins;
      this.lower = scaled / bins;
      this.remainder = scaled % bins;
      this.upper = remainder == 0 ? lower : lower + 1;
      this.low = low;
      this.high = high;
    }

    /**
     * Takes the exact counts of rows under the range and at or under its top; widens a side that
     * does not hold the order statistics to all values.
     */
    void check(long countBelow, long countAtMost) {
      below = countBelow;
      if (countBelow > lower) {
        low = null;
        below = 0;
      }
      if (countAtMost <= upper) {
        high = null;
      }
    }

    Column contains(Column value) {
      Column above = low == null ? lit(true) : value.geq(lit(low));
      return high == null ? above : above.and(value.leq(lit(high)));
    }

    /**
     * x[lower] + (x[upper] - x[lower]) * remainder / bins, rounded once, half up, to {@code scale}
     * decimals; {@code inside} as {@link #valuesInside} returns it, this range's flag at {@code 2 +
     * index}.
     */
    BigDecimal quantile(List<Row> inside, int index, int scale) {
      BigDecimal lowerValue = null;
      BigDecimal upperValue = null;
      long rank = below;
      for (Row row : inside) {
        if (!row.getBoolean(2 + index)) {
          continue; // another quantile's range
        }
        long next = rank + row.getLong(1);
        if (lowerValue == null && lower < next) {
          lowerValue = decimal(row.get(0));
        }
        if (upper < next) {
          upperValue = decimal(row.get(0));
          break;
        }
        rank = next;
      }
      if (lowerValue == null || upperValue == null) {
        throw new IllegalStateException(
            "Order statistics "
                + lower
                + " and "
                + upper
                + " are not between "
                + low
                + " and "
                + high);
      }
      BigDecimal scaled =
          lowerValue
              .multiply(BigDecimal.valueOf(bins))
              .add(upperValue.subtract(lowerValue).multiply(BigDecimal.valueOf(remainder)));
      return scaled.divide(BigDecimal.valueOf(bins), scale, RoundingMode.HALF_UP);
    }
  }
}
