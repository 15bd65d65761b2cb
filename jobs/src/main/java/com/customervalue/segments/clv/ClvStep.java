package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;

import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.Key;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.pipeline.StepFailedException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits the value models (BG/NBD, Pareto/NBD, Gamma-Gamma) on every customer's purchase days before
 * the as-of date, and with a holdout also before it for the backtest; the predictions are added to
 * customer_segments by the segments step.
 */
public final class ClvStep implements Step {
  public static final Key<ValueModels> MODELS = Key.of("the value models", ValueModels.class);

  private static final Logger LOG = LoggerFactory.getLogger(ClvStep.class);

  private final ClvSettings settings;

  public ClvStep(ClvSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "clv";
  }

  @Override
  public String description(RunState state) {
    return "value models "
        + settings.models().stream().map(ClvModel::settingName).toList()
        + " and gamma-gamma"
        + (settings.holdoutDays() > 0 ? ", backtest on " + settings.holdoutDays() + " days" : "");
  }

  @Override
  public void run(RunState state) {
    LocalDate asOf = state.get(ValidateStep.INGESTED).asOf();
    TimeUnit unit = settings.timeUnit();
    Dataset<Row> summaries =
        CustomerValue.summaries(state.get(MetricsStep.CUSTOMERS).metrics(), unit);
    List<ModelFit> full = fitPurchases(summaries, "full");
    Optional<ModelFit> spend = fitSpend(summaries);
    List<ModelFit> calibration = List.of();
    Optional<LocalDate> calibrationEnd = Optional.empty();
    Optional<Dataset<Row>> backtest = Optional.empty();
    if (settings.holdoutDays() > 0) {
      LocalDate holdoutStart = asOf.minusDays(settings.holdoutDays());
      Dataset<Row> calibrationInputs =
          state.cache(
              Backtest.calibration(
                  state.get(MetricsStep.CUSTOMER_DAYS).days(), holdoutStart, asOf, unit));
      if (calibrationInputs.isEmpty()) {
        throw new StepFailedException(
            "segments.clv.holdout-days = "
                + settings.holdoutDays()
                + " leaves no purchase before "
                + holdoutStart
                + " to fit the calibration models on; use fewer days or 0 (no backtest).");
      }
      calibration = fitPurchases(calibrationInputs, "calibration");
      calibrationEnd = Optional.of(holdoutStart.minusDays(1));
      backtest =
          Optional.of(
              Backtest.table(
                  calibrationInputs, calibration, holdoutStart, settings.holdoutDays(), unit));
    }
    state.put(
        MODELS,
        new ValueModels(
            full, spend, asOf.minusDays(1), calibration, calibrationEnd, backtest, settings));
  }

  private List<ModelFit> fitPurchases(Dataset<Row> summaries, String fit) {
    List<ModelFit> fits = new ArrayList<>();
    for (ClvModel model : settings.models()) {
      ModelFit fitted = ClvFits.fitPurchases(model, summaries);
      log(fit, fitted);
      fits.add(fitted);
    }
    return fits;
  }

  /** The Gamma-Gamma fit, or none when no customer has a repeat purchase day to fit it on. */
  private static Optional<ModelFit> fitSpend(Dataset<Row> summaries) {
    if (summaries.filter(col(CustomerSummaries.REPEAT_PURCHASES).geq(1)).isEmpty()) {
      LOG.warn(
          "No customer bought on two days: gamma-gamma is not fitted, so expected_order_value and"
              + " clv are null");
      return Optional.empty();
    }
    ModelFit spend = ClvFits.fitSpend(summaries);
    log("full", spend);
    return Optional.of(spend);
  }

  private static void log(String fit, ModelFit fitted) {
    LOG.info("{} fit: {}", fit, fitted);
  }
}
