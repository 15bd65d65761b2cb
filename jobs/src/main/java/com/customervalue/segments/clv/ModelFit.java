package com.customervalue.segments.clv;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A maximum-likelihood fit: the estimates and their standard errors (from the observed information,
 * the negative Hessian of the log-likelihood at the optimum, in the original parameters), the
 * log-likelihood, the customers and distinct data rows it was fitted on, and the optimizer's
 * iterations on all rows (after a warm start from a customer sample, only those) and whether it
 * converged to an interior maximum (false on data that cannot identify the model, such as a handful
 * of customers: the estimates are then not to be trusted).
 */
public record ModelFit(
    ClvModel model,
    double[] parameters,
    double[] standardErrors,
    double logLikelihood,
    long customers,
    long distinctRows,
    int iterations,
    boolean converged)
    implements Serializable {

  /** The estimate of the named parameter (r, alpha, a, b, s, beta, p, q, gamma). */
  public double parameter(String name) {
    return parameters[index(name)];
  }

  /** The standard error of the named parameter; NaN if the Hessian was not negative definite. */
  public double standardError(String name) {
    return standardErrors[index(name)];
  }

  private int index(String name) {
    int index = model.parameterNames().indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException(model.settingName() + " has no parameter " + name);
    }
    return index;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ModelFit fit
        && model == fit.model
        && Arrays.equals(parameters, fit.parameters)
        && Arrays.equals(standardErrors, fit.standardErrors)
        && logLikelihood == fit.logLikelihood
        && customers == fit.customers
        && distinctRows == fit.distinctRows
        && iterations == fit.iterations
        && converged == fit.converged;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(parameters) * 31 + model.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(model.settingName()).append(':');
    for (int i = 0; i < parameters.length; i++) {
      text.append(
          String.format(
              " %s=%.6g (se %.4g)",
              model.parameterNames().get(i), parameters[i], standardErrors[i]));
    }
    return text.append(
            String.format(
                " LL=%.4f customers=%d rows=%d iterations=%d converged=%s",
                logLikelihood, customers, distinctRows, iterations, converged))
        .toString();
  }
}
