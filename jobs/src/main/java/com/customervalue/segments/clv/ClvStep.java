package com.customervalue.segments.clv;

import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.Key;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
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
    ModelFit spend = ClvFits.fitSpend(summaries);
    log("full", spend);
    List<ModelFit> calibration = List.of();
    Optional<LocalDate> calibrationEnd = Optional.empty();
    Optional<Dataset<Row>> backtest = Optional.empty();
    if (settings.holdoutDays() > 0) {
      LocalDate holdoutStart = asOf.minusDays(settings.holdoutDays());
      Dataset<Row> calibrationInputs =
          state.cache(
              Backtest.calibration(
                  state.get(MetricsStep.CUSTOMER_DAYS).days(), holdoutStart, asOf, unit));
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

  private static void log(String fit, ModelFit fitted) {
    LOG.info(
        "{} {} fit: {} (log-likelihood {}, {} customers, {} distinct inputs, {} iterations{})",
        fit,
        fitted.model().settingName(),
        fitted,
        fitted.logLikelihood(),
        fitted.customers(),
        fitted.distinctRows(),
        fitted.iterations(),
        fitted.converged() ? "" : ", NOT converged");
  }
}
