package com.customervalue.segments.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
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

  /** {@link #countTerm} and its gradient in (r, alpha, s, beta), written to {@code gradient}. */
  static double countTermWithGradient(double[] p, double x, double[] gradient) {
    double r = p[0];
    gradient[0] = (x == 0 ? 0 : digamma(r + x) - digamma(r)) + Math.log(p[1]);
    gradient[1] = r / p[1];
    gradient[2] = Math.log(p[3]);
    gradient[3] = p[2] / p[3];
    return countTerm(p, x);
  }

  /**
   * {@link #timeTerm} and its gradient in (r, alpha, s, beta), written to {@code gradient}. The
   * bracket is P(T) + s [G(t_x) - G(T)] with P(t) = (alpha + t)^-(r + x) (beta + t)^-s and G(t) =
   * the integral from t to infinity of (alpha + u)^-(r + x) (beta + u)^-(s + 1) du (the dropout
   * density after t), which {@link #logTail} writes with 2F1(1, B; r + s + x + 1; z) and
   * differentiates through its series; the log-sum-exp's gradient weights the parts by their
   * shares.
   */
  static double timeTermWithGradient(
      double[] p, double x, double tx, double age, double[] gradient) {
    return timeTermWithGradient(p, x, tx, age, gradient, null);
  }

  /**
   * {@link #timeTermWithGradient(double[], double, double, double, double[])} with the tails G(t)
   * remembered in {@code tails} (if not null) for parameters {@code p}: customers share few (x, t)
   * pairs (every one-timer has t_x = 0, and T takes one value per first purchase day), so most rows
   * find both their tails there instead of summing two series.
   */
  static double timeTermWithGradient(
      double[] p, double x, double tx, double age, double[] gradient, Tails tails) {
    double r = p[0];
    double alpha = p[1];
    double s = p[2];
    double beta = p[3];
    double logAliveAtT = -(r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
    double[] last = tails == null ? tail(p, x, tx) : tails.get(p, x, tx);
    double[] end = tails == null ? tail(p, x, age) : tails.get(p, x, age);
    double logTailAtLast = last[0];
    double logTailAtEnd = end[0];
    double logDiedBeforeT =
        logTailAtEnd >= logTailAtLast
            ? Double.NEGATIVE_INFINITY
            : Math.log(s) + logTailAtLast + Math.log(-Math.expm1(logTailAtEnd - logTailAtLast));
    double total = BgNbd.logSumExp(logAliveAtT, logDiedBeforeT);
    double aliveShare = Math.exp(logAliveAtT - total);
    gradient[0] = -aliveShare * Math.log(alpha + age);
    gradient[1] = -aliveShare * (r + x) / (alpha + age);
    gradient[2] = -aliveShare * Math.log(beta + age);
    gradient[3] = -aliveShare * s / (beta + age);
    if (logDiedBeforeT == Double.NEGATIVE_INFINITY) {
      return total;
    }
    double diedShare = Math.exp(logDiedBeforeT - total);
    double lastShare = Math.exp(Math.log(s) + logTailAtLast - total);
    double endShare = Math.exp(Math.log(s) + logTailAtEnd - total);
    for (int i = 0; i < 4; i++) {
      gradient[i] += lastShare * last[1 + i] - endShare * end[1 + i];
    }
    gradient[2] += diedShare / s;
    return total;
  }

  /** {log G(t), its gradient in (r, alpha, s, beta)}: {@link #logTail}. */
  private static double[] tail(double[] p, double x, double t) {
    double[] values = new double[5];
    double[] gradient = new double[4];
    values[0] = logTail(p, x, t, gradient);
    System.arraycopy(gradient, 0, values, 1, 4);
    return values;
  }

  /**
   * The tails of {@link #timeTermWithGradient} already computed for one parameter point, by (x, t),
   * up to {@link #CAPACITY} of them. One per task and point; not thread-safe.
   */
  static final class Tails {
    private static final int CAPACITY = 1 << 20;
    private final java.util.HashMap<TailKey, double[]> byPair = new java.util.HashMap<>();

    private record TailKey(double x, double t) {}

    double[] get(double[] p, double x, double t) {
      TailKey key = new TailKey(x, t);
      double[] values = byPair.get(key);
      if (values == null) {
        values = tail(p, x, t);
        if (byPair.size() < CAPACITY) {
          byPair.put(key, values);
        }
      }
      return values;
    }
  }

  /**
   * log G(t) (see {@link #timeTermWithGradient}) and its gradient in (r, alpha, s, beta), written
   * to {@code gradient}. With m = r + s + x and the larger of alpha and beta, as in {@link #terms}:
   * G(t) = P(t) 2F1(1, r + x; m + 1; (alpha - beta) / (alpha + t)) / m when alpha &gt;= beta, and
   * P(t) (alpha + t) / (beta + t) 2F1(1, s + 1; m + 1; (beta - alpha) / (beta + t)) / m otherwise
   * (the Euler transforms of the Fader-Hardie note's 2F1(m, .; m + 1; z) / (larger + t)^m).
   */
  private static double logTail(double[] p, double x, double t, double[] gradient) {
    double r = p[0];
    double alpha = p[1];
    double s = p[2];
    double beta = p[3];
    double m = r + s + x;
    double alphaT = alpha + t;
    double betaT = beta + t;
    double logP = -(r + x) * Math.log(alphaT) - s * Math.log(betaT);
    gradient[0] = -Math.log(alphaT) - 1 / m;
    gradient[1] = -(r + x) / alphaT;
    gradient[2] = -Math.log(betaT) - 1 / m;
    gradient[3] = -s / betaT;
    if (alpha >= beta) {
      double z = (alpha - beta) / alphaT;
      double[] h = Hypergeometric.firstParameterOneAndDerivatives(r + x, m + 1, z);
      double byZ = h[3] / h[0];
      gradient[0] += (h[1] + h[2]) / h[0];
      gradient[1] += byZ * betaT / (alphaT * alphaT);
      gradient[2] += h[2] / h[0];
      gradient[3] -= byZ / alphaT;
      return logP + Math.log(h[0]) - Math.log(m);
    }
    double z = (beta - alpha) / betaT;
    double[] h = Hypergeometric.firstParameterOneAndDerivatives(s + 1, m + 1, z);
    double byZ = h[3] / h[0];
    gradient[0] += h[2] / h[0];
    gradient[1] += 1 / alphaT - byZ / betaT;
    gradient[2] += (h[1] + h[2]) / h[0];
    gradient[3] += -1 / betaT + byZ * alphaT / (betaT * betaT);
    return logP + Math.log(alphaT / betaT) + Math.log(h[0]) - Math.log(m);
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
    return expectedPurchasesIfAlive(p, t, x, age) * pAlive(p, x, tx, age);
  }

  /** {@link #conditionalExpectedPurchases} over P(alive), which does not depend on t_x. */
  static double expectedPurchasesIfAlive(double[] p, double t, double x, double age) {
    double r = p[0];
    double alpha = p[1];
    double s = p[2];
    double beta = p[3];
    double logRatio = Math.log1p(t / (beta + age));
    double decay = Math.abs(s - 1) < 1e-10 ? logRatio : -Math.expm1(-(s - 1) * logRatio) / (s - 1);
    return (r + x) * (beta + age) / (alpha + age) * decay;
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
