package com.customervalue.segments.score;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Quantiles of numeric columns exactly as R's type 7 (and Spark's {@code percentile}) define them,
 * at any number of rows, without sending a column's values to one task as {@code percentile} does.
 *
 * <p>Two Spark jobs, a third in the rare case the first one misjudged. An approximate pass ({@code
 * percentile_approx}) brackets each quantile by a narrow value range; the ranges of a column (a
 * "series") are merged into disjoint intervals. An exact pass numbers each value by the interval
 * holding it or the gap between two intervals (a binary search over the series' interval bounds),
 * counts rows per gap and per distinct value inside an interval, ranks these in value order per
 * series (a running sum over the distinct values inside the intervals only: about 4 / ACCURACY of
 * the series' rows per quantile, 4 % for p1..p99), and sends the driver only the rows holding an
 * order statistic a quantile interpolates between: about two per quantile. The driver interpolates
 * in exact decimal arithmetic. A gap's row carries its lowest and highest value, so an order
 * statistic just outside a bracket (as at p99 of a few dozen values) is still found; one further
 * inside a gap (possible only if the approximate pass erred by more than the margin) widens its
 * interval to that gap, and the series is counted again.
 *
 * <p>Whole-number columns with few distinct values (days, purchases) are cheaper to count: the
 * caller names them, and one aggregation counts the rows per value, which the driver ranks.
 */
public final class ExactQuantiles {
  /**
   * Accuracy of the bracketing pass: ranges hold about 4 / ACCURACY of a series' rows (at 10 M rows
   * about 4,000 values per quantile); only those are ranked together, and only two per quantile
   * reach the driver.
   */
  static final int ACCURACY = 10_000;

  private static final double MARGIN = 2.0 / ACCURACY;

  private static final String ENTRY = "quantile_entry";
  private static final String COLUMN = "quantile_column";
  private static final String VALUE = "quantile_value";
  private static final String SERIES = "quantile_series";
  private static final String INTERVAL = "quantile_interval";
  private static final String INSIDE = "quantile_inside";
  private static final String ROWS = "quantile_rows";
  private static final String UP_TO = "quantile_up_to";
  private static final String DOUBLE = "quantile_double";
  private static final String LOWEST = "quantile_lowest";
  private static final String HIGHEST = "quantile_highest";

  /** Passes over the rows after the approximate one: one, and one more after widening. */
  private static final int EXACT_PASSES = 2;

  private ExactQuantiles() {}

  /**
   * Per column, its quantiles at 1/bins .. (bins-1)/bins over the non-null values of {@code rows},
   * rounded half up to {@code scale} decimals; empty lists when there are no values. The columns of
   * {@code counted}, whole numbers with few distinct values, are counted per value ({@link
   * #counted}).
   */
  static Map<String, List<BigDecimal>> of(
      Dataset<Row> rows, List<String> columns, Set<String> counted, int bins, int scale) {
    return of(rows, columns, counted, bins, scale, MARGIN);
  }

  /**
   * As {@link #of(Dataset, List, Set, int, int)} with ranges from the approximate quantiles at
   * i/bins ± {@code margin}; the tests make it too small (or negative) to see wrong brackets
   * widened.
   */
  static Map<String, List<BigDecimal>> of(
      Dataset<Row> rows,
      List<String> columns,
      Set<String> counted,
      int bins,
      int scale,
      double margin) {
    Map<String, List<BigDecimal>> whole =
        quantiles(
            rows,
            columns,
            counted,
            IntStream.range(1, bins).toArray(),
            bins,
            margin,
            (numerator, denominator) ->
                numerator.divide(BigDecimal.valueOf(denominator), scale, RoundingMode.HALF_UP));
    Map<String, List<BigDecimal>> quantiles = new LinkedHashMap<>();
    for (String column : columns) {
      quantiles.put(column, whole.getOrDefault(column, List.of()));
    }
    return quantiles;
  }

  /** How the driver divides x[lower] * d + (x[upper] - x[lower]) * r by d. */
  @FunctionalInterface
  private interface Division {
    BigDecimal divide(BigDecimal numerator, int denominator);
  }

  /** Exactly when the quotient terminates (always for percents), else to 34 digits. */
  static BigDecimal exactly(BigDecimal numerator, int denominator) {
    try {
      return numerator.divide(BigDecimal.valueOf(denominator));
    } catch (ArithmeticException nonTerminating) {
      return numerator.divide(BigDecimal.valueOf(denominator), MathContext.DECIMAL128);
    }
  }

  /**
   * The quantiles numerators[i] / denominator of each column with values: column -> one value per
   * numerator.
   */
  private static Map<String, List<BigDecimal>> quantiles(
      Dataset<Row> rows,
      List<String> valueColumns,
      Set<String> counted,
      int[] numerators,
      int denominator,
      double margin,
      Division division) {
    List<String> bracketed = valueColumns.stream().filter(c -> !counted.contains(c)).toList();
    List<String> byCount = valueColumns.stream().filter(counted::contains).toList();
    Map<String, List<BigDecimal>> quantiles = new HashMap<>();
    if (!bracketed.isEmpty()) {
      quantiles.putAll(bracketed(rows, bracketed, numerators, denominator, margin, division));
    }
    if (!byCount.isEmpty()) {
      quantiles.putAll(counted(rows, byCount, numerators, denominator, division));
    }
    return quantiles;
  }

  /**
   * The quantiles of whole-number columns with few distinct values (days up to the history's
   * length, purchases up to the most anyone made) from a count per column and value: one
   * aggregation, whose rows the driver ranks. No bracketing pass: for such columns the counts are
   * the exact answer and cost less than the approximate quantiles would.
   */
  private static Map<String, List<BigDecimal>> counted(
      Dataset<Row> rows,
      List<String> columns,
      int[] numerators,
      int denominator,
      Division division) {
    Column[] entries = new Column[columns.size()];
    for (int c = 0; c < entries.length; c++) {
      entries[c] =
          struct(lit(c).as(COLUMN), col(columns.get(c)).cast(DataTypes.LongType).as(VALUE));
    }
    Map<String, TreeMap<Long, Long>> counts = new HashMap<>();
    for (Row row :
        rows.select(explode(array(entries)).as(ENTRY))
            .filter(col(ENTRY + "." + VALUE).isNotNull())
            .groupBy(col(ENTRY + "." + COLUMN), col(ENTRY + "." + VALUE))
            .agg(count(lit(1)))
            .collectAsList()) {
      counts
          .computeIfAbsent(columns.get(row.getInt(0)), c -> new TreeMap<>())
          .put(row.getLong(1), row.getLong(2));
    }
    Map<String, List<BigDecimal>> quantiles = new HashMap<>();
    counts.forEach(
        (column, valueCounts) ->
            quantiles.put(column, fromCounts(valueCounts, numerators, denominator, division)));
    return quantiles;
  }

  /**
   * The type-7 percentiles at {@code percents}/100 of the values {@code counts} holds (value -> how
   * many rows have it, at least one value), exact and rounded once to double.
   */
  public static double[] percentilesOfCounts(SortedMap<Long, Long> counts, List<Integer> percents) {
    return fromCounts(
            counts,
            percents.stream().mapToInt(Integer::intValue).toArray(),
            100,
            ExactQuantiles::exactly)
        .stream()
        .mapToDouble(BigDecimal::doubleValue)
        .toArray();
  }

  /** The quantiles of the values {@code counts} holds (value -> how many rows have it). */
  private static List<BigDecimal> fromCounts(
      SortedMap<Long, Long> counts, int[] numerators, int denominator, Division division) {
    long[] values = new long[counts.size()];
    long[] upTo = new long[values.length]; // rows with this value or a lower one
    int i = 0;
    long total = 0;
    for (Map.Entry<Long, Long> entry : counts.entrySet()) {
      values[i] = entry.getKey();
      total += entry.getValue();
      upTo[i++] = total;
    }
    List<BigDecimal> quantiles = new ArrayList<>();
    for (int numerator : numerators) {
      QuantilePosition at = QuantilePosition.of(total, numerator, denominator);
      BigDecimal scaled =
          at.scaled(
              BigDecimal.valueOf(valueAt(values, upTo, at.lower())),
              BigDecimal.valueOf(valueAt(values, upTo, at.upper())));
      quantiles.add(division.divide(scaled, denominator));
    }
    return List.copyOf(quantiles);
  }

  /** The value of 0-based order statistic {@code rank}: the first value whose count passes it. */
  private static long valueAt(long[] values, long[] upTo, long rank) {
    int at = Arrays.binarySearch(upTo, rank + 1);
    return values[at >= 0 ? at : -at - 1];
  }

  /** {@link #quantiles} of the columns bracketed by an approximate pass, then ranked exactly. */
  private static Map<String, List<BigDecimal>> bracketed(
      Dataset<Row> rows,
      List<String> valueColumns,
      int[] numerators,
      int denominator,
      double margin,
      Division division) {
    double[] probabilities = new double[2 * numerators.length];
    for (int i = 0; i < numerators.length; i++) {
      double p = (double) numerators[i] / denominator;
      probabilities[2 * i] = Math.min(1, Math.max(0, p - margin));
      probabilities[2 * i + 1] = Math.max(0, Math.min(1, p + margin));
    }
    List<Column> bracketing = new ArrayList<>();
    for (String column : valueColumns) {
      bracketing.add(count(col(column)));
      bracketing.add(
          percentile_approx(
              col(column).cast(DataTypes.DoubleType), lit(probabilities), lit(ACCURACY)));
    }
    Row brackets =
        rows.agg(bracketing.get(0), bracketing.subList(1, bracketing.size()).toArray(Column[]::new))
            .first();

    Series[] series = new Series[valueColumns.size()];
    for (int c = 0; c < series.length; c++) {
      long n = brackets.getLong(2 * c);
      if (n > 0) {
        series[c] = new Series(n, numerators, denominator, brackets.getList(2 * c + 1));
      }
    }

    List<Integer> pending = new ArrayList<>();
    for (int s = 0; s < series.length; s++) {
      if (series[s] != null) {
        pending.add(s);
      }
    }
    for (int pass = 0; !pending.isEmpty(); pass++) {
      if (pass == EXACT_PASSES) {
        throw new IllegalStateException(
            "Quantile brackets still miss after widening: did the rows change between passes?");
      }
      Map<Integer, List<Row>> holding = new HashMap<>();
      for (Row row : exactPass(rows, valueColumns, series, pending)) {
        holding.computeIfAbsent(row.getInt(0), s -> new ArrayList<>()).add(row);
      }
      List<Integer> missed = new ArrayList<>();
      for (int s : pending) {
        if (!series[s].take(holding.getOrDefault(s, List.of()))) {
          missed.add(s);
        }
      }
      pending = missed;
    }

    Map<String, List<BigDecimal>> quantiles = new HashMap<>();
    for (int c = 0; c < series.length; c++) {
      if (series[c] != null) {
        quantiles.put(valueColumns.get(c), series[c].quantiles(division));
      }
    }
    return quantiles;
  }

  /**
   * One exact pass over the pending series: rows (series, interval, rows, rows up to and including
   * these in value order, then per column the lowest and highest value: null but in the series'
   * column) that hold a needed order statistic; a row is a distinct value inside an interval or a
   * whole gap. Interval numbers: 2k + 1 for the series' interval k, 2k for the gap below it.
   */
  private static List<Row> exactPass(
      Dataset<Row> rows, List<String> valueColumns, Series[] series, List<Integer> pending) {
    int columns = valueColumns.size();
    double[][] lows = new double[series.length][];
    double[][] highs = new double[series.length][];
    long[][] needed = new long[series.length][];
    for (int s : pending) {
      lows[s] = series[s].lows;
      highs[s] = series[s].highs;
      needed[s] = series[s].needed;
    }

    // One entry per column; each column keeps its own type (a common type could round decimals
    // to doubles), so an entry holds its value in its column's field and nulls in the others.
    StructType schema = rows.schema();
    Column[] entries = new Column[columns];
    Column[] values = new Column[columns];
    Column[] inside = new Column[columns];
    Column[] ordering = new Column[columns + 1];
    ordering[0] = col(INTERVAL);
    for (int c = 0; c < columns; c++) {
      Column[] fields = new Column[columns + 1];
      fields[0] = lit(c).as(COLUMN);
      for (int k = 0; k < columns; k++) {
        Column field =
            k == c
                ? col(valueColumns.get(k))
                : lit(null).cast(schema.apply(valueColumns.get(k)).dataType());
        fields[k + 1] = field.as(VALUE + k);
      }
      entries[c] = struct(fields);
      values[c] = col(ENTRY + "." + VALUE + c).as(VALUE + c);
      inside[c] = when(col(INTERVAL).mod(2).equalTo(1), col(VALUE + c)).as(INSIDE + c);
      ordering[c + 1] = col(INSIDE + c);
    }
    Column[] asDoubles =
        IntStream.range(0, columns)
            .mapToObj(c -> col(VALUE + c).cast(DataTypes.DoubleType))
            .toArray(Column[]::new);
    Column value = coalesce(asDoubles);
    List<Column> keys = new ArrayList<>(List.of(col(SERIES), col(INTERVAL)));
    keys.addAll(Arrays.asList(inside));
    List<Column> output =
        new ArrayList<>(List.of(col(SERIES), col(INTERVAL), col(ROWS), col(UP_TO)));
    List<Column> extremes = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      extremes.add(min(col(VALUE + c)).as(LOWEST + c));
      extremes.add(max(col(VALUE + c)).as(HIGHEST + c));
      output.add(col(LOWEST + c));
      output.add(col(HIGHEST + c));
    }
    Column upTo =
        sum(col(ROWS))
            .over(
                Window.partitionBy(col(SERIES))
                    .orderBy(ordering)
                    .rowsBetween(Window.unboundedPreceding(), Window.currentRow()));
    List<Column> exploded = new ArrayList<>(List.of(col(ENTRY + "." + COLUMN).as(SERIES)));
    exploded.addAll(Arrays.asList(values));
    Dataset<Row> bySeries =
        columns == 1
            ? rows.select(lit(0).as(SERIES), col(valueColumns.get(0)).as(VALUE + 0))
            : rows.select(explode(array(entries)).as(ENTRY))
                .select(exploded.toArray(Column[]::new));
    return bySeries
        .withColumn(DOUBLE, value)
        .filter(col(DOUBLE).isNotNull())
        .withColumn(INTERVAL, intervalOf(lows, highs).apply(col(SERIES), col(DOUBLE)))
        .filter(col(INTERVAL).isNotNull())
        .groupBy(keys.toArray(Column[]::new))
        .agg(count(lit(1)).as(ROWS), extremes.toArray(Column[]::new))
        .withColumn(UP_TO, upTo)
        .filter(holdsNeeded(needed).apply(col(SERIES), col(UP_TO).minus(col(ROWS)), col(UP_TO)))
        .select(output.toArray(Column[]::new))
        .collectAsList();
  }

  /**
   * The interval number of a value of a series (null for a series not counted in this pass), by
   * binary search over its disjoint, ascending intervals; doubles compare as Spark orders them.
   */
  private static UserDefinedFunction intervalOf(double[][] lows, double[][] highs) {
    return udf(
        (UDF2<Integer, Double, Integer>)
            (series, value) -> {
              double[] starts = lows[series];
              if (starts == null || value == null) {
                return null;
              }
              int low = 0;
              int high = starts.length;
              while (low < high) {
                int middle = (low + high) >>> 1;
                if (compare(starts[middle], value) <= 0) {
                  low = middle + 1;
                } else {
                  high = middle;
                }
              }
              int last = low - 1; // the last interval starting at or below the value
              return last >= 0 && compare(value, highs[series][last]) <= 0 ? 2 * last + 1 : 2 * low;
            },
        DataTypes.IntegerType);
  }

  /** Whether rows [from, to) of a series' value order hold an order statistic it needs. */
  private static UserDefinedFunction holdsNeeded(long[][] needed) {
    return udf(
        (UDF3<Integer, Long, Long, Boolean>)
            (series, from, to) -> {
              int at = Arrays.binarySearch(needed[series], from);
              int next = at >= 0 ? at : -at - 1;
              return next < needed[series].length && needed[series][next] < to;
            },
        DataTypes.BooleanType);
  }

  /** Spark's order of doubles: -0.0 equals 0.0, NaN above everything and equal to itself. */
  private static int compare(double a, double b) {
    return a == b ? 0 : Double.compare(a, b);
  }

  private static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal exact) {
      return exact;
    }
    if (value instanceof Double || value instanceof Float) {
      return new BigDecimal(((Number) value).doubleValue());
    }
    if (value instanceof Number integral) {
      return BigDecimal.valueOf(integral.longValue());
    }
    throw new IllegalArgumentException("Not a number: " + value);
  }

  /**
   * One column of one group: its n values, the order statistics each quantile interpolates between
   * ({@link QuantilePosition}), the disjoint value intervals that should hold them, and the values
   * found for them.
   */
  private static final class Series {
    private final QuantilePosition[] positions;
    private final long[] needed;
    private final Map<Long, BigDecimal> found = new HashMap<>();
    private double[] lows;
    private double[] highs;

    Series(long n, int[] numerators, int denominator, List<Double> bounds) {
      positions = new QuantilePosition[numerators.length];
      TreeSet<Long> ranks = new TreeSet<>();
      List<double[]> brackets = new ArrayList<>();
      for (int i = 0; i < numerators.length; i++) {
        positions[i] = QuantilePosition.of(n, numerators[i], denominator);
        ranks.add(positions[i].lower());
        ranks.add(positions[i].upper());
        brackets.add(new double[] {bounds.get(2 * i), bounds.get(2 * i + 1)});
      }
      needed = ranks.stream().mapToLong(Long::longValue).toArray();
      merge(brackets);
    }

    /** Sets the intervals to the union of {@code brackets}; brackets with low > high are empty. */
    private void merge(List<double[]> brackets) {
      List<double[]> sorted =
          new ArrayList<>(brackets.stream().filter(b -> compare(b[0], b[1]) <= 0).toList());
      sorted.sort((a, b) -> compare(a[0], b[0]));
      List<double[]> merged = new ArrayList<>();
      for (double[] bracket : sorted) {
        double[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null && compare(bracket[0], last[1]) <= 0) {
          if (compare(bracket[1], last[1]) > 0) {
            last[1] = bracket[1];
          }
        } else {
          merged.add(new double[] {bracket[0], bracket[1]});
        }
      }
      lows = merged.stream().mapToDouble(b -> b[0]).toArray();
      highs = merged.stream().mapToDouble(b -> b[1]).toArray();
    }

    /**
     * Takes a pass's rows of this series (as {@link #exactPass} returns them); false when a needed
     * order statistic lay inside a gap, whose interval is then widened to that gap for the next
     * pass. The first and last rows of a gap are its lowest and highest values, which catches the
     * usual miss: a bracket that stops one row short, as at p99 of a few dozen values.
     */
    boolean take(List<Row> rows) {
      List<Row> ordered = new ArrayList<>(rows);
      ordered.sort((a, b) -> Long.compare(a.getLong(3), b.getLong(3)));
      List<double[]> brackets = new ArrayList<>();
      for (int k = 0; k < lows.length; k++) {
        brackets.add(new double[] {lows[k], highs[k]});
      }
      boolean hit = true;
      for (long rank : needed) {
        Row row = holding(ordered, rank);
        int interval = row.getInt(1);
        long from = row.getLong(3) - row.getLong(2);
        if (interval % 2 == 1 || rank == from) {
          found.put(rank, decimal(extreme(row, 0)));
        } else if (rank == row.getLong(3) - 1) {
          found.put(rank, decimal(extreme(row, 1)));
        } else {
          int above = interval / 2;
          brackets.add(
              new double[] {
                above == 0 ? Double.NEGATIVE_INFINITY : highs[above - 1],
                above == lows.length ? Double.POSITIVE_INFINITY : lows[above]
              });
          hit = false;
        }
      }
      if (!hit) {
        merge(brackets);
      }
      return hit;
    }

    /**
     * The lowest ({@code which} 0) or highest (1) value of a row: its series' column holds them
     * (the same value for a value inside an interval), the other columns' are null.
     */
    private static Object extreme(Row row, int which) {
      for (int field = 4 + which; field < row.length(); field += 2) {
        if (!row.isNullAt(field)) {
          return row.get(field);
        }
      }
      throw new IllegalStateException("A row without values: " + row);
    }

    private static Row holding(List<Row> ordered, long rank) {
      for (Row row : ordered) {
        if (row.getLong(3) - row.getLong(2) <= rank && rank < row.getLong(3)) {
          return row;
        }
      }
      throw new IllegalStateException(
          "No rows hold order statistic " + rank + ": did the rows change between passes?");
    }

    /** x[lower] + (x[upper] - x[lower]) * remainder / denominator for each quantile. */
    List<BigDecimal> quantiles(Division division) {
      List<BigDecimal> values = new ArrayList<>();
      for (QuantilePosition at : positions) {
        values.add(
            division.divide(
                at.scaled(found.get(at.lower()), found.get(at.upper())), at.denominator()));
      }
      return List.copyOf(values);
    }
  }
}
