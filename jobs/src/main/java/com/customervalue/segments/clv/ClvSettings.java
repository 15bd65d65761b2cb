package com.customervalue.segments.clv;

import com.customervalue.segments.config.Section;
import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How customer value is predicted ({@code segments.clv}): the purchase models to fit, the first of
 * which drives the predictions, their time unit, the prediction horizon, the margin and yearly
 * discount rate of the CLV, and the holdout days of the backtest (0 = none).
 */
public record ClvSettings(
    List<ClvModel> models,
    TimeUnit timeUnit,
    int horizonDays,
    double margin,
    double annualDiscountRate,
    int holdoutDays)
    implements Serializable {

  public static ClvSettings from(Config config) {
    Section clv = Section.of(config, "segments.clv");
    List<ClvModel> models = new ArrayList<>();
    for (String name : clv.strings("models")) {
      ClvModel model = named(clv, "models", name.trim(), ClvModel::named);
      if (!model.predictsPurchases()) {
        throw clv.invalid(
            "models", "lists purchase models only (" + MODEL_NAMES + "), got " + name);
      }
      if (models.contains(model)) {
        throw clv.invalid("models", "names " + name + " twice");
      }
      models.add(model);
    }
    if (models.isEmpty()) {
      throw clv.invalid("models", "must name at least one of " + MODEL_NAMES);
    }
    TimeUnit unit = named(clv, "time-unit", clv.string("time-unit").trim(), TimeUnit::named);
    int horizonDays = clv.integer("horizon-days");
    if (horizonDays < 1) {
      throw clv.invalid("horizon-days", "must be at least 1, got " + horizonDays);
    }
    double margin = clv.number("margin");
    if (!(margin > 0 && margin <= 1)) {
      throw clv.invalid("margin", "must be in (0, 1], got " + margin);
    }
    double rate = clv.number("annual-discount-rate");
    if (!(rate >= 0 && rate < 1)) {
      throw clv.invalid("annual-discount-rate", "must be in [0, 1), got " + rate);
    }
    int holdoutDays = clv.integer("holdout-days");
    if (holdoutDays < 0) {
      throw clv.invalid("holdout-days", "must be 0 (no backtest) or more, got " + holdoutDays);
    }
    return new ClvSettings(List.copyOf(models), unit, horizonDays, margin, rate, holdoutDays);
  }

  private static final String MODEL_NAMES = "bgnbd, pareto-nbd";

  private static <T> T named(Section clv, String key, String name, Function<String, T> byName) {
    try {
      return byName.apply(name);
    } catch (IllegalArgumentException e) {
      throw clv.invalid(key, e.getMessage());
    }
  }

  /** The model that drives p_alive and the expected purchases. */
  public ClvModel predictingModel() {
    return models.get(0);
  }
}
