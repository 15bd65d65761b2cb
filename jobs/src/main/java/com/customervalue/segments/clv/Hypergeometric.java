package com.customervalue.segments.clv;

/**
 * The Gaussian hypergeometric function 2F1 where the purchase models need it, on [0, 1) only: the
 * callers transform their arguments so that z is never negative (Pareto/NBD takes the larger of
 * alpha and beta, as BTYD's h2f1 and the Fader-Hardie note do), and Euler's transformation 2F1(a,
 * b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) keeps the series' terms from growing
 * before they shrink, which is what overflows a direct sum for customers with hundreds of
 * purchases.
 */
public final class Hypergeometric {
  /** Terms are summed until the rest is below this fraction of the sum. */
  private static final double RELATIVE_TOLERANCE = 1e-15;

  /** Enough for z up to 1 - 1e-6 at the tolerance above. */
  private static final int MAX_TERMS = 50_000_000;

  private Hypergeometric() {}

  /**
   * log 2F1(a, b; a + 1; z) for a, b &gt; 0 and 0 &lt;= z &lt; 1: the form the Pareto/NBD
   * likelihood needs (a = r + s + x). Euler's transformation turns it into (1 - z)^(1 - b) 2F1(1, a
   * + 1 - b; a + 1; z), a series with positive, decreasing terms bounded by 1 / (1 - z).
   */
  public static double logOfShiftedC(double a, double b, double z) {
    if (z == 0) {
      return 0;
    }
    double c = a + 1;
    double series = seriesWithFirstParameterOne(c - b, c, z);
    return (1 - b) * Math.log1p(-z) + Math.log(series);
  }

  /**
   * 2F1(1, b; c; z) for 0 &lt; b &lt; c and 0 &lt;= z &lt; 1. The term ratio (b + n) / (c + n) z
   * rises towards z, so the rest after a term t is at most t z / (1 - z): summing stops there.
   */
  static double seriesWithFirstParameterOne(double b, double c, double z) {
    double sum = 1;
    double term = 1;
    double restFactor = z / (1 - z);
    for (int n = 0; n < MAX_TERMS; n++) {
      term *= (b + n) / (c + n) * z;
      sum += term;
      if (term * restFactor <= RELATIVE_TOLERANCE * sum) {
        return sum;
      }
    }
    return sum;
  }

  /**
   * 2F1(1, b; c; z) as {@link #seriesWithFirstParameterOne} and its partial derivatives in b, c and
   * z, in one pass: the n-th term is (b)_n / (c)_n z^n, so its derivatives in b and c are the term
   * times the sums of 1 / (b + k) and -1 / (c + k) over k &lt; n, and in z the term times n / z.
   * Returns {value, d/db, d/dc, d/dz}.
   */
  static double[] seriesWithFirstParameterOneAndDerivatives(double b, double c, double z) {
    if (z == 0) {
      return new double[] {1, 0, 0, b / c};
    }
    double sum = 1;
    double byB = 0;
    double byC = 0;
    double byN = 0;
    double term = 1;
    double harmonicB = 0;
    double harmonicC = 0;
    double restFactor = z / (1 - z);
    for (int n = 0; n < MAX_TERMS; n++) {
      harmonicB += 1 / (b + n);
      harmonicC += 1 / (c + n);
      term *= (b + n) / (c + n) * z;
      sum += term;
      byB += term * harmonicB;
      byC += term * harmonicC;
      byN += (n + 1) * term;
      // The derivative sums' rests are at most the term times (n + 1 + 1 / (1 - z)) z / (1 - z).
      if (term * restFactor * (n + 2 + 1 / (1 - z)) <= RELATIVE_TOLERANCE * sum) {
        break;
      }
    }
    return new double[] {sum, byB, -byC, byN / z};
  }

  /**
   * 2F1(a, b; c; z) by its power series, for 0 &lt;= z &lt; 1 and parameters whose terms do not
   * grow large first (|a b / c| moderate), as after an Euler transformation; c &gt; 0.
   */
  public static double series(double a, double b, double c, double z) {
    double sum = 1;
    double term = 1;
    for (int n = 0; n < MAX_TERMS; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
      if (term == 0 || (Math.abs(term) <= RELATIVE_TOLERANCE * Math.abs(sum) && n > 2)) {
        return sum;
      }
    }
    return sum;
  }
}
