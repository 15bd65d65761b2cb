package com.customervalue.segments.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.customervalue.segments.classify.Classifications;
import com.customervalue.segments.classify.Lifecycle;
import com.customervalue.segments.clv.ClvModel;
import com.customervalue.segments.clv.ClvSettings;
import com.customervalue.segments.clv.CustomerValue;
import com.customervalue.segments.report.ReportFigures.Tier;
import com.customervalue.segments.tier.ValueTiers;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The report's predicted value: P(alive), expected purchases and CLV of customer_segments
 * aggregated per tier, lifecycle status and tenth of P(alive) in one Spark aggregation, with the
 * fitted models (clv_model) and the holdout backtest (clv_backtest).
 */
public record ValueFigures(
    String model,
    int horizonDays,
    double margin,
    double annualDiscountRate,
    Optional<String> timeUnit,
    Optional<LocalDate> observationEnd,
    List<ValueGroup> byTier,
    List<ValueGroup> byStatus,
    List<PAliveBin> pAlive,
    List<ModelParameter> parameters,
    List<BacktestBin> backtest) {

  /** The P(alive) bins of the distribution: tenths of [0, 1], the last one closed. */
  public static final int P_ALIVE_BINS = 10;

  /**
   * The customers of a tier or lifecycle status, those of them with a prediction (buyers), their
   * mean P(alive), summed expected purchases over the horizon and total CLV, and how many have a
   * CLV (none without a spend model).
   */
  public record ValueGroup(
      String group,
      long customers,
      long predicted,
      double pAliveSum,
      double expectedPurchases,
      long withClv,
      double totalClv) {

    public double meanPAlive() {
      return predicted == 0 ? Double.NaN : pAliveSum / predicted;
    }

    public double meanClv() {
      return withClv == 0 ? Double.NaN : totalClv / withClv;
    }

    ValueGroup plus(ValueGroup other) {
      return new ValueGroup(
          group,
          customers + other.customers,
          predicted + other.predicted,
          pAliveSum + other.pAliveSum,
          expectedPurchases + other.expectedPurchases,
          withClv + other.withClv,
          totalClv + other.totalClv);
    }
  }

  /** Customers with P(alive) in [bin / 10, (bin + 1) / 10), the last bin including 1. */
  public record PAliveBin(int bin, long customers, double clv) {
    public double lower() {
      return (double) bin / P_ALIVE_BINS;
    }

    public double upper() {
      return (double) (bin + 1) / P_ALIVE_BINS;
    }
  }

  /** One row of clv_model. */
  public record ModelParameter(
      String fit,
      String model,
      String parameter,
      double value,
      double standardError,
      double logLikelihood,
      long customers,
      long distinctInputs,
      int iterations,
      boolean converged) {}

  /** One row of clv_backtest. */
  public record BacktestBin(
      String model,
      String repeatPurchases,
      int binOrder,
      long customers,
      double actualMean,
      double predictedMean,
      double correlation,
      LocalDate holdoutStart,
      int holdoutDays) {}

  private static final String BIN = "p_alive_bin";

  /**
   * Reads the figures: {@code segments} is customer_segments (aggregated on the executors), {@code
   * model} clv_model and {@code backtest} clv_backtest (a few dozen rows each, collected); the
   * tiers give the order and names of the tiers.
   */
  static ValueFigures gather(
      ClvSettings settings,
      List<Tier> tiers,
      Dataset<Row> segments,
      Dataset<Row> model,
      Dataset<Row> backtest) {
    Column pAlive = col(CustomerValue.P_ALIVE);
    Column clv = col(CustomerValue.CLV).cast(DataTypes.DoubleType);
    List<Row> groups =
        segments
            .groupBy(
                col(ValueTiers.VALUE_TIER),
                col(Classifications.LIFECYCLE_STATUS),
                // least() skips nulls: without the when(), prospects would land in the top bin.
                when(
                        pAlive.isNotNull(),
                        least(floor(pAlive.multiply(P_ALIVE_BINS)), lit(P_ALIVE_BINS - 1)))
                    .cast(DataTypes.IntegerType)
                    .as(BIN))
            .agg(
                count(lit(1)),
                count(pAlive),
                sum(pAlive),
                sum(col(CustomerValue.EXPECTED_PURCHASES)),
                count(clv),
                sum(clv))
            .collectAsList();
    Map<String, String> names = new LinkedHashMap<>();
    tiers.forEach(tier -> names.put(tier.tier(), tier.name()));
    List<ModelParameter> parameters = parameters(model);
    Optional<Row> full =
        model
            .where(col("fit").equalTo("full"))
            .select(col("time_unit"), col("observation_end"))
            .limit(1)
            .collectAsList()
            .stream()
            .findFirst();
    return new ValueFigures(
        settings.predictingModel().settingName(),
        settings.horizonDays(),
        settings.margin(),
        settings.annualDiscountRate(),
        full.map(row -> row.getString(0)),
        full.map(row -> row.getDate(1).toLocalDate()),
        grouped(groups, 0, List.copyOf(names.keySet()), names::get),
        grouped(groups, 1, Lifecycle.STATUSES, Function.identity()),
        bins(groups),
        parameters,
        backtest(backtest));
  }

  /** The groups by column {@code index} (tier or status) in the order of {@code order}. */
  private static List<ValueGroup> grouped(
      List<Row> groups, int index, List<String> order, Function<String, String> label) {
    Map<String, ValueGroup> byKey = new LinkedHashMap<>();
    for (Row row : groups) {
      String key = row.getString(index);
      ValueGroup group = group(label.apply(key), row);
      byKey.merge(key, group, ValueGroup::plus);
    }
    return order.stream().filter(byKey::containsKey).map(byKey::get).toList();
  }

  private static ValueGroup group(String name, Row row) {
    return new ValueGroup(
        name,
        row.getLong(3),
        row.getLong(4),
        row.isNullAt(5) ? 0.0 : row.getDouble(5),
        row.isNullAt(6) ? 0.0 : row.getDouble(6),
        row.getLong(7),
        row.isNullAt(8) ? 0.0 : row.getDouble(8));
  }

  /** Every bin of P(alive), those without customers included. */
  private static List<PAliveBin> bins(List<Row> groups) {
    long[] customers = new long[P_ALIVE_BINS];
    double[] clv = new double[P_ALIVE_BINS];
    for (Row row : groups) {
      if (!row.isNullAt(2)) {
        customers[row.getInt(2)] += row.getLong(3);
        clv[row.getInt(2)] += row.isNullAt(8) ? 0.0 : row.getDouble(8);
      }
    }
    return java.util.stream.IntStream.range(0, P_ALIVE_BINS)
        .mapToObj(bin -> new PAliveBin(bin, customers[bin], clv[bin]))
        .toList();
  }

  /** The rows of clv_model: full fits first, then by model and in each model's parameter order. */
  private static List<ModelParameter> parameters(Dataset<Row> model) {
    return model
        .selectExpr(
            "fit",
            "model",
            "parameter",
            "value",
            "standard_error",
            "log_likelihood",
            "customers",
            "distinct_inputs",
            "iterations",
            "converged")
        .collectAsList()
        .stream()
        .map(
            row ->
                new ModelParameter(
                    row.getString(0),
                    row.getString(1),
                    row.getString(2),
                    row.getDouble(3),
                    row.isNullAt(4) ? Double.NaN : row.getDouble(4),
                    row.getDouble(5),
                    row.getLong(6),
                    row.getLong(7),
                    row.getInt(8),
                    row.getBoolean(9)))
        .sorted(
            Comparator.comparing((ModelParameter p) -> !p.fit().equals("full"))
                .thenComparing(ModelParameter::fit)
                .thenComparing(p -> modelOrder(p.model()))
                .thenComparing(ModelParameter::model)
                .thenComparing(p -> parameterOrder(p.model(), p.parameter())))
        .toList();
  }

  /** Purchase models first, Gamma-Gamma last. */
  private static int modelOrder(String model) {
    try {
      return ClvModel.named(model).ordinal();
    } catch (IllegalArgumentException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static int parameterOrder(String model, String parameter) {
    try {
      return ClvModel.named(model).parameterNames().indexOf(parameter);
    } catch (IllegalArgumentException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** The rows of clv_backtest by model and bin; empty without a holdout. */
  private static List<BacktestBin> backtest(Dataset<Row> backtest) {
    // A few dozen rows, sorted here as Spark sorts: a Spark sort would cost two more jobs.
    return backtest
        .selectExpr(
            "model",
            "repeat_purchases",
            "bin_order",
            "customers",
            "actual_mean",
            "predicted_mean",
            "correlation",
            "holdout_start",
            "holdout_days")
        .collectAsList()
        .stream()
        .sorted(FigureQueries.byText(0).thenComparingInt(row -> row.getInt(2)))
        .map(
            row ->
                new BacktestBin(
                    row.getString(0),
                    row.getString(1),
                    row.getInt(2),
                    row.getLong(3),
                    row.getDouble(4),
                    row.getDouble(5),
                    row.isNullAt(6) ? Double.NaN : row.getDouble(6),
                    row.getDate(7).toLocalDate(),
                    row.getInt(8)))
        .toList();
  }
}
