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

  /** Above this argument 2F1(1, b; c; z) is a continued fraction rather than a series. */
  static final double CONTINUED_FRACTION_FROM = 0.5;

  /**
   * Above this argument the derivatives of 2F1(1, b; c; z) are central differences of the continued
   * fraction rather than their own series (at most about 350 terms below).
   */
  static final double DIFFERENCES_FROM = 0.9;

  private static final double FRACTION_TOLERANCE = 1e-16;
  private static final int MAX_FRACTION_TERMS = 10_000_000;

  /** Relative step of the differences above {@link #DIFFERENCES_FROM}. */
  private static final double STEP = 1e-3;

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
    return (1 - b) * Math.log1p(-z) + Math.log(firstParameterOne(c - b, c, z));
  }

  /**
   * 2F1(1, b; c; z) for 0 &lt; b &lt; c and 0 &lt;= z &lt; 1: the power series up to z = {@link
   * #CONTINUED_FRACTION_FROM} (at most about 50 terms), Gauss's continued fraction above, which
   * needs about 17 / sqrt(1 - z) terms where the series needs 35 / (1 - z): a few hundred at z =
   * 0.999 instead of tens of thousands, some thousands instead of tens of millions at 1 - 1e-6.
   */
  static double firstParameterOne(double b, double c, double z) {
    return z <= CONTINUED_FRACTION_FROM
        ? seriesWithFirstParameterOne(b, c, z)
        : continuedFractionWithFirstParameterOne(b, c, z);
  }

  /**
   * 2F1(1, b; c; z) by Gauss's continued fraction for F(a, b' + 1; c' + 1; z) / F(a, b'; c'; z)
   * with a = b, b' = 0, c' = c - 1 (F(a, 0; c'; z) = 1): 1 / (1 - k1 z / (1 - k2 z / ...)) with
   * k(2n+1) = (b + n)(c - 1 + n) / ((c - 1 + 2n)(c + 2n)) and k(2n) = n (c - 1 - b + n) / ((c - 2 +
   * 2n)(c - 1 + 2n)), all in (0, 1] for 0 &lt; b &lt; c, tending to 1/4, evaluated by the modified
   * Lentz method (Numerical Recipes 5.2). For c &gt; 1 (the callers' c is r + s + x + 1).
   */
  static double continuedFractionWithFirstParameterOne(double b, double c, double z) {
    double tiny = 1e-300;
    double value = 1;
    double numerator = 1;
    double denominator = 0;
    for (int j = 1; j < MAX_FRACTION_TERMS; j++) {
      int n = j / 2;
      double k =
          j % 2 == 1
              ? (b + n) * (c - 1 + n) / ((c - 1 + 2 * n) * (c + 2 * n))
              : n * (c - 1 - b + n) / ((c - 2 + 2 * n) * (c - 1 + 2 * n));
      double partial = -k * z;
      denominator = 1 + partial * denominator;
      if (denominator == 0) {
        denominator = tiny;
      }
      numerator = 1 + partial / numerator;
      if (numerator == 0) {
        numerator = tiny;
      }
      denominator = 1 / denominator;
      double delta = numerator * denominator;
      value *= delta;
      if (Math.abs(delta - 1) <= FRACTION_TOLERANCE) {
        break;
      }
    }
    return 1 / value;
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
   * 2F1(1, b; c; z) as {@link #firstParameterOne} and its partial derivatives in b, c and z: below
   * {@link #DIFFERENCES_FROM} by the series and the series of the derivatives, in one pass: the
   * n-th term is (b)_n / (c)_n z^n, so its derivatives in b and c are the term times the sums of 1
   * / (b + k) and -1 / (c + k) over k &lt; n, and in z the term times n / z. Returns {value, d/db,
   * d/dc, d/dz}.
   */
  static double[] firstParameterOneAndDerivatives(double b, double c, double z) {
    return z > DIFFERENCES_FROM
        ? differencesOfTheContinuedFraction(b, c, z)
        : seriesWithFirstParameterOneAndDerivatives(b, c, z);
  }

  /** {@link #firstParameterOneAndDerivatives} by the series at any z (slow near 1). */
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
   * {@link #seriesWithFirstParameterOneAndDerivatives} near z = 1: the value by the continued
   * fraction, the derivatives by its central differences (relative accuracy about 1e-10, enough for
   * the optimizer's gradient), with steps that keep 0 &lt; b &lt; c and z &lt; 1.
   */
  private static double[] differencesOfTheContinuedFraction(double b, double c, double z) {
    double value = continuedFractionWithFirstParameterOne(b, c, z);
    double room = Math.min(b, c - b);
    double byB =
        difference(
            h -> continuedFractionWithFirstParameterOne(b + h, c, z), STEP * Math.min(1, room));
    double byC =
        difference(
            h -> continuedFractionWithFirstParameterOne(b, c + h, z), STEP * Math.min(c - 1, room));
    double byZ =
        difference(h -> continuedFractionWithFirstParameterOne(b, c, z + h), STEP * (1 - z));
    return new double[] {value, byB, byC, byZ};
  }

  /** f'(0) by the five-point stencil: truncation error of order h^4. */
  private static double difference(java.util.function.DoubleUnaryOperator f, double h) {
    return (8 * (f.applyAsDouble(h) - f.applyAsDouble(-h))
            - (f.applyAsDouble(2 * h) - f.applyAsDouble(-2 * h)))
        / (12 * h);
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
