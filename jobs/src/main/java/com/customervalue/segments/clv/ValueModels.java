package com.customervalue.segments.clv;

import com.customervalue.segments.catalog.Catalog;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The value models of a run: the {@code full} fits on the whole history before the observation end
 * (the first purchase model and the spend model drive the predictions; no spend model when nobody
 * bought on two days), and with a holdout the {@code calibration} fits and the backtest.
 */
public record ValueModels(
    List<ModelFit> full,
    Optional<ModelFit> spend,
    LocalDate observationEnd,
    List<ModelFit> calibration,
    Optional<LocalDate> calibrationEnd,
    Optional<Dataset<Row>> backtest,
    ClvSettings settings) {

  /** The predictions of the first purchase model with the spend model. */
  public CustomerValue customerValue() {
    return new CustomerValue(full.get(0), spend, settings);
  }

  /** The {@code clv_model} table: one row per parameter of each fit. */
  public Dataset<Row> modelTable(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (ModelFit fit : full) {
      addRows(rows, "full", fit, observationEnd);
    }
    spend.ifPresent(fit -> addRows(rows, "full", fit, observationEnd));
    for (ModelFit fit : calibration) {
      addRows(rows, "calibration", fit, calibrationEnd.orElseThrow());
    }
    return spark.createDataFrame(rows, Catalog.CLV_MODEL.schema());
  }

  private void addRows(List<Row> rows, String fitName, ModelFit fit, LocalDate end) {
    List<String> names = fit.model().parameterNames();
    for (int i = 0; i < names.size(); i++) {
      double error = fit.standardErrors()[i];
      rows.add(
          RowFactory.create(
              fitName,
              fit.model().settingName(),
              names.get(i),
              fit.parameters()[i],
              Double.isFinite(error) ? error : null,
              settings.timeUnit().name().toLowerCase(java.util.Locale.ROOT),
              Date.valueOf(end),
              fit.logLikelihood(),
              fit.customers(),
              fit.distinctRows(),
              fit.iterations(),
              fit.converged()));
    }
  }
}
