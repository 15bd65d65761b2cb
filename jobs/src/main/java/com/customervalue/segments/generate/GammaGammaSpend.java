package com.customervalue.segments.generate;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV"; Fader and Hardie 2013):
 * each customer has a rate ν ~ Gamma(q, rate γ), and each of its transactions is worth z ~ Gamma(p,
 * rate ν), so the mean value of a transaction is p·γ / (q − 1).
 */
public record GammaGammaSpend(double p, double q, double gamma) implements Serializable {
  /** The estimates on the CDNOW cohort's repeat purchases (Fader and Hardie 2013). */
  public static final GammaGammaSpend CDNOW = new GammaGammaSpend(6.25, 3.74, 15.44);

  public GammaGammaSpend {
    PurchaseModel.requirePositive("gamma-gamma", new String[] {"p", "q", "gamma"}, p, q, gamma);
  }

  /** Draws a customer's ν. */
  double drawCustomerRate(SplittableRandom random) {
    return RandomVariates.gamma(random, q) / gamma;
  }

  /** Draws the value of one transaction of a customer with rate ν. */
  double drawValue(SplittableRandom random, double customerRate) {
    return RandomVariates.gamma(random, p) / customerRate;
  }

  @Override
  public String toString() {
    return "Gamma-Gamma(p=" + p + ", q=" + q + ", gamma=" + gamma + ")";
  }
}
