package com.customervalue.segments.clv;

import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The Pareto/NBD model (Schmittlein, Morrison and Colombo 1987) in the form of Fader and Hardie
 * (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions": its individual
 * log-likelihood (eq. 22 with A0 of eqs. 23/24), P(alive) (eq. 18, written as the likelihood's
 * share of the alive-at-T term) and the conditional expected number of purchases (eq. 21).
 * Parameters in the order r, alpha, s, beta.
 */
public final class ParetoNbd {
  private ParetoNbd() {}

  /**
   * log L(r, alpha, s, beta | x, t_x, T) = log[Gamma(r + x) alpha^r beta^s / Gamma(r)] + log[1 /
   * ((alpha + T)^(r + x) (beta + T)^s) + s / (r + s + x) A0].
   */
  public static double logLikelihood(double[] p, double x, double tx, double age) {
    return countTerm(p, x) + timeTerm(p, x, tx, age);
  }

  /** The part of {@link #logLikelihood} that depends on the customer only through x. */
  static double countTerm(double[] p, double x) {
    double r = p[0];
    return logGamma(r + x) - logGamma(r) + r * Math.log(p[1]) + p[2] * Math.log(p[3]);
  }

  /** The rest of {@link #logLikelihood}: the log of the bracket. */
  static double timeTerm(double[] p, double x, double tx, double age) {
    Terms terms = terms(p, x, tx, age);
    return BgNbd.logSumExp(terms.logAliveAtT, terms.logDiedBeforeT);
  }

  /** P(alive | x, t_x, T): the alive-at-T term's share of the likelihood's bracket. */
  public static double pAlive(double[] p, double x, double tx, double age) {
    Terms terms = terms(p, x, tx, age);
    return 1 / (1 + Math.exp(terms.logDiedBeforeT - terms.logAliveAtT));
  }

  /**
   * E[Y(t) | x, t_x, T] = (r + x)(beta + T) / ((alpha + T)(s - 1)) [1 - ((beta + T) / (beta + T +
   * t))^(s - 1)] P(alive); the bracket over (s - 1) tends to log((beta + T + t) / (beta + T)) as s
   * tends to 1.
   */
  public static double conditionalExpectedPurchases(
      double[] p, double t, double x, double tx, double age) {
    double r = p[0];
    double alpha = p[1];
    double s = p[2];
    double beta = p[3];
    double logRatio = Math.log1p(t / (beta + age));
    double decay = Math.abs(s - 1) < 1e-10 ? logRatio : -Math.expm1(-(s - 1) * logRatio) / (s - 1);
    return (r + x) * (beta + age) / (alpha + age) * decay * pAlive(p, x, tx, age);
  }

  /** E[X(t)] for a new customer: r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]. */
  public static double expectedPurchases(double[] p, double t) {
    double r = p[0];
    double alpha = p[1];
    double s = p[2];
    double beta = p[3];
    double logRatio = Math.log1p(t / beta);
    double decay = Math.abs(s - 1) < 1e-10 ? logRatio : -Math.expm1(-(s - 1) * logRatio) / (s - 1);
    return r * beta / alpha * decay;
  }

  private record Terms(double logAliveAtT, double logDiedBeforeT) {}

  private static Terms terms(double[] p, double x, double tx, double age) {
    double r = p[0];
    double alpha = p[1];
    double s = p[2];
    double beta = p[3];
    double logAliveAtT = -(r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
    double rsx = r + s + x;
    // The larger of alpha and beta keeps the hypergeometric argument in [0, 1) (the note's A0).
    double larger = Math.max(alpha, beta);
    double difference = Math.abs(alpha - beta);
    double second = alpha >= beta ? s + 1 : r + x;
    double atLast =
        Hypergeometric.logOfShiftedC(rsx, second, difference / (larger + tx))
            - rsx * Math.log(larger + tx);
    double atEnd =
        Hypergeometric.logOfShiftedC(rsx, second, difference / (larger + age))
            - rsx * Math.log(larger + age);
    double logA0 =
        atEnd >= atLast ? Double.NEGATIVE_INFINITY : atLast + Math.log(-Math.expm1(atEnd - atLast));
    return new Terms(logAliveAtT, Math.log(s / rsx) + logA0);
  }
}
