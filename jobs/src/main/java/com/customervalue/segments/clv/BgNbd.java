package com.customervalue.segments.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The BG/NBD model of Fader, Hardie and Lee (2005), "'Counting Your Customers' the Easy Way: An
 * Alternative to the Pareto/NBD Model", Marketing Science 24(2): its individual log-likelihood (eq.
 * 6), P(alive) and the conditional expected number of purchases (eq. 10), in log space. Parameters
 * in the order r, alpha, a, b.
 */
public final class BgNbd {
  private BgNbd() {}

  /**
   * log L(r, alpha, a, b | x, t_x, T) (FHL 2005 eq. 6): A1 + A2 + log(exp(A3) + [x &gt; 0]
   * exp(A4)), summed with log-sum-exp so that hundreds of purchases or long ages stay finite.
   */
  public static double logLikelihood(double[] p, double x, double tx, double age) {
    return countTerm(p, x) + timeTerm(p, x, tx, age);
  }

  /** The part of {@link #logLikelihood} that depends on the customer only through x: A1 + A2. */
  static double countTerm(double[] p, double x) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    return logGamma(r + x)
        - logGamma(r)
        + r * Math.log(alpha)
        + logGamma(a + b)
        + logGamma(b + x)
        - logGamma(b)
        - logGamma(a + b + x);
  }

  /**
   * {@link #countTerm} and its gradient in (r, alpha, a, b), written to {@code gradient}: the
   * derivatives of the log-gamma functions are digamma functions.
   */
  static double countTermWithGradient(double[] p, double x, double[] gradient) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    double abx = x == 0 ? 0 : digamma(a + b) - digamma(a + b + x);
    gradient[0] = (x == 0 ? 0 : digamma(r + x) - digamma(r)) + Math.log(alpha);
    gradient[1] = r / alpha;
    gradient[2] = abx;
    gradient[3] = abx + (x == 0 ? 0 : digamma(b + x) - digamma(b));
    return countTerm(p, x);
  }

  /**
   * {@link #timeTerm} and its gradient in (r, alpha, a, b), written to {@code gradient}: the
   * log-sum-exp's gradient is its two terms' gradients weighted by their shares.
   */
  static double timeTermWithGradient(
      double[] p, double x, double tx, double age, double[] gradient) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    double logAlphaAge = Math.log(alpha + age);
    double stillAlive = -(r + x) * logAlphaAge;
    if (x == 0) {
      gradient[0] = -logAlphaAge;
      gradient[1] = -(r + x) / (alpha + age);
      gradient[2] = 0;
      gradient[3] = 0;
      return stillAlive;
    }
    double logAlphaTx = Math.log(alpha + tx);
    double droppedAfterLast = Math.log(a) - Math.log(b + x - 1) - (r + x) * logAlphaTx;
    double total = logSumExp(stillAlive, droppedAfterLast);
    double aliveShare = Math.exp(stillAlive - total);
    double droppedShare = Math.exp(droppedAfterLast - total);
    gradient[0] = -aliveShare * logAlphaAge - droppedShare * logAlphaTx;
    gradient[1] = -(r + x) * (aliveShare / (alpha + age) + droppedShare / (alpha + tx));
    gradient[2] = droppedShare / a;
    gradient[3] = -droppedShare / (b + x - 1);
    return total;
  }

  /** The rest of {@link #logLikelihood}: log(exp(A3) + [x &gt; 0] exp(A4)). */
  static double timeTerm(double[] p, double x, double tx, double age) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    double stillAlive = -(r + x) * Math.log(alpha + age);
    if (x == 0) {
      return stillAlive;
    }
    double droppedAfterLast = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
    return logSumExp(stillAlive, droppedAfterLast);
  }

  /**
   * P(alive | x, t_x, T) = 1 / (1 + [x &gt; 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r +
   * x)) (FHL 2005, and their technical note on P(alive)).
   */
  public static double pAlive(double[] p, double x, double tx, double age) {
    if (x == 0) {
      return 1;
    }
    return 1 / (1 + Math.exp(logDeadOdds(p, x, tx, age)));
  }

  private static double logDeadOdds(double[] p, double x, double tx, double age) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    return Math.log(a)
        - Math.log(b + x - 1)
        + (r + x) * (Math.log(alpha + age) - Math.log(alpha + tx));
  }

  /**
   * E[Y(t) | x, t_x, T], the expected purchases in the next t units (FHL 2005 eq. 10): (a + b + x -
   * 1) / (a - 1) [1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; z)]
   * P(alive), z = t / (alpha + T + t). Euler's transformation writes the bracket's second term as
   * (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z), whose series stays small.
   */
  public static double conditionalExpectedPurchases(
      double[] p, double t, double x, double tx, double age) {
    return expectedPurchasesIfAlive(p, t, x, age) * pAlive(p, x, tx, age);
  }

  /**
   * {@link #conditionalExpectedPurchases} over P(alive): the part that does not depend on t_x, so
   * that customers sharing (x, T) can share its hypergeometric series, the costly part.
   */
  static double expectedPurchasesIfAlive(double[] p, double t, double x, double age) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    double z = t / (alpha + age + t);
    double hyp = Hypergeometric.series(a + b - 1 - r, a - 1, a + b + x - 1, z);
    double bracket = -Math.expm1((a - 1) * Math.log1p(-z)) - Math.pow(1 - z, a - 1) * (hyp - 1);
    return (a + b + x - 1) / (a - 1) * bracket;
  }

  /** E[X(t)], the expected purchases of a new customer in t units (FHL 2005 eq. 9). */
  public static double expectedPurchases(double[] p, double t) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    double z = t / (alpha + t);
    // 1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; z), transformed as above with x = 0.
    double hyp = Hypergeometric.series(a + b - 1 - r, a - 1, a + b - 1, z);
    double bracket = -Math.expm1((a - 1) * Math.log1p(-z)) - Math.pow(1 - z, a - 1) * (hyp - 1);
    return (a + b - 1) / (a - 1) * bracket;
  }

  static double logSumExp(double u, double v) {
    double m = Math.max(u, v);
    if (m == Double.NEGATIVE_INFINITY) {
      return m;
    }
    return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
  }
}
