package com.customervalue.segments.clv;

import java.util.List;

/**
 * The three models fitted by maximum likelihood: their parameter names, the summary columns their
 * likelihood depends on, and one row's log-likelihood.
 */
public enum ClvModel {
  /** BG/NBD: purchases and dropout after a purchase ({@link BgNbd}). */
  BG_NBD(
      "bgnbd",
      List.of("r", "alpha", "a", "b"),
      List.of(
          CustomerSummaries.REPEAT_PURCHASES, CustomerSummaries.RECENCY, CustomerSummaries.AGE)),
  /** Pareto/NBD: purchases and dropout at any time ({@link ParetoNbd}). */
  PARETO_NBD(
      "pareto-nbd",
      List.of("r", "alpha", "s", "beta"),
      List.of(
          CustomerSummaries.REPEAT_PURCHASES, CustomerSummaries.RECENCY, CustomerSummaries.AGE)),
  /** Gamma-Gamma: the value per purchase day ({@link GammaGamma}); customers with x &gt;= 1. */
  GAMMA_GAMMA(
      "gamma-gamma",
      List.of("p", "q", "gamma"),
      List.of(CustomerSummaries.REPEAT_PURCHASES, CustomerSummaries.REPEAT_MEAN_VALUE));

  private final String settingName;
  private final List<String> parameterNames;
  private final List<String> dataColumns;

  ClvModel(String settingName, List<String> parameterNames, List<String> dataColumns) {
    this.settingName = settingName;
    this.parameterNames = parameterNames;
    this.dataColumns = dataColumns;
  }

  /** The model's name in settings and tables: bgnbd, pareto-nbd, gamma-gamma. */
  public String settingName() {
    return settingName;
  }

  /** The parameter names, in the order of {@link ModelFit#parameters()}. */
  public List<String> parameterNames() {
    return parameterNames;
  }

  /** The summary columns (of {@link CustomerSummaries}) the likelihood depends on, in order. */
  public List<String> dataColumns() {
    return dataColumns;
  }

  /** Whether this is a purchase model (BG/NBD, Pareto/NBD) rather than the spend model. */
  public boolean predictsPurchases() {
    return this != GAMMA_GAMMA;
  }

  /** The model named by a setting. */
  public static ClvModel named(String name) {
    for (ClvModel model : values()) {
      if (model.settingName.equals(name)) {
        return model;
      }
    }
    throw new IllegalArgumentException(
        "model must be one of bgnbd, pareto-nbd, gamma-gamma, not " + name);
  }

  /** One row's log-likelihood; {@code row} holds the {@link #dataColumns()} values in order. */
  public double logLikelihood(double[] parameters, double[] row) {
    return countTerm(parameters, row[0]) + restTerm(parameters, row);
  }

  /**
   * The part of the log-likelihood that depends on a row only through its first column, x (the
   * log-gamma functions): computed once per x and parameter point while fitting.
   */
  double countTerm(double[] parameters, double x) {
    return switch (this) {
      case BG_NBD -> BgNbd.countTerm(parameters, x);
      case PARETO_NBD -> ParetoNbd.countTerm(parameters, x);
      case GAMMA_GAMMA -> GammaGamma.countTerm(parameters, x);
    };
  }

  /** The log-likelihood minus {@link #countTerm}. */
  double restTerm(double[] parameters, double[] row) {
    return switch (this) {
      case BG_NBD -> BgNbd.timeTerm(parameters, row[0], row[1], row[2]);
      case PARETO_NBD -> ParetoNbd.timeTerm(parameters, row[0], row[1], row[2]);
      case GAMMA_GAMMA -> GammaGamma.valueTerm(parameters, row[0], row[1]);
    };
  }

  /** {@link #countTerm} and its gradient in the natural parameters, written to {@code gradient}. */
  double countTermWithGradient(double[] parameters, double x, double[] gradient) {
    return switch (this) {
      case BG_NBD -> BgNbd.countTermWithGradient(parameters, x, gradient);
      case GAMMA_GAMMA -> GammaGamma.countTermWithGradient(parameters, x, gradient);
      case PARETO_NBD -> ParetoNbd.countTermWithGradient(parameters, x, gradient);
    };
  }

  /** {@link #restTerm} and its gradient, as {@link #countTermWithGradient}. */
  double restTermWithGradient(double[] parameters, double[] row, double[] gradient) {
    return switch (this) {
      case BG_NBD -> BgNbd.timeTermWithGradient(parameters, row[0], row[1], row[2], gradient);
      case GAMMA_GAMMA -> GammaGamma.valueTermWithGradient(parameters, row[0], row[1], gradient);
      case PARETO_NBD ->
          ParetoNbd.timeTermWithGradient(parameters, row[0], row[1], row[2], gradient);
    };
  }
}
