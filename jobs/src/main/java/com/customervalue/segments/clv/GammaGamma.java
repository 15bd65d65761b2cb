package com.customervalue.segments.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The Gamma-Gamma model of spend per transaction, Fader, Hardie and Lee (2005), "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4), and Fader and
 * Hardie (2013), "The Gamma-Gamma Model of Monetary Value": the log-likelihood of a customer's mean
 * spend over x transactions and the conditional expected spend. Parameters in the order p, q,
 * gamma.
 */
public final class GammaGamma {
  private GammaGamma() {}

  /**
   * log f(m_x | p, q, gamma; x) = log Gamma(px + q) - log Gamma(px) - log Gamma(q) + q log gamma +
   * (px - 1) log m_x + px log x - (px + q) log(gamma + m_x x), for x &gt;= 1 and m_x &gt; 0.
   */
  public static double logLikelihood(double[] params, double x, double meanValue) {
    return countTerm(params, x) + valueTerm(params, x, meanValue);
  }

  /** The part of {@link #logLikelihood} that depends on the customer only through x. */
  static double countTerm(double[] params, double x) {
    double p = params[0];
    double q = params[1];
    double px = p * x;
    return logGamma(px + q)
        - logGamma(px)
        - logGamma(q)
        + q * Math.log(params[2])
        + px * Math.log(x);
  }

  /** {@link #countTerm} and its gradient in (p, q, gamma), written to {@code gradient}. */
  static double countTermWithGradient(double[] params, double x, double[] gradient) {
    double p = params[0];
    double q = params[1];
    double px = p * x;
    double digammaPxq = digamma(px + q);
    gradient[0] = x * (digammaPxq - digamma(px) + Math.log(x));
    gradient[1] = digammaPxq - digamma(q) + Math.log(params[2]);
    gradient[2] = q / params[2];
    return countTerm(params, x);
  }

  /** {@link #valueTerm} and its gradient in (p, q, gamma), written to {@code gradient}. */
  static double valueTermWithGradient(
      double[] params, double x, double meanValue, double[] gradient) {
    double px = params[0] * x;
    double logMean = Math.log(meanValue);
    double spread = params[2] + meanValue * x;
    double logSpread = Math.log(spread);
    gradient[0] = x * (logMean - logSpread);
    gradient[1] = -logSpread;
    gradient[2] = -(px + params[1]) / spread;
    return (px - 1) * logMean - (px + params[1]) * logSpread;
  }

  /** The rest of {@link #logLikelihood}. */
  static double valueTerm(double[] params, double x, double meanValue) {
    double px = params[0] * x;
    return (px - 1) * Math.log(meanValue) - (px + params[1]) * Math.log(params[2] + meanValue * x);
  }

  /**
   * E[M | x, m_x] = p (gamma + x m_x) / (p x + q - 1), a weighted mean of the population mean p
   * gamma / (q - 1) and the customer's m_x; the population mean when x = 0 (m_x is then ignored).
   * Needs q &gt; 1.
   */
  public static double conditionalExpectedValue(double[] params, double x, double meanValue) {
    double p = params[0];
    double q = params[1];
    double gamma = params[2];
    if (x == 0) {
      return p * gamma / (q - 1);
    }
    return p * (gamma + x * meanValue) / (p * x + q - 1);
  }
}
