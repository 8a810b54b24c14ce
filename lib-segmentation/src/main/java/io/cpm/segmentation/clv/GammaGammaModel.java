package io.cpm.segmentation.clv;

import static org.apache.commons.math3.special.Gamma.logGamma;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Gamma-Gamma spend model of Fader, Hardie & Lee, "RFM and CLV: Using Iso-Value Curves for Customer Base
 * Analysis", JMR 42(4), 2005 (and Fader & Hardie's note "The Gamma-Gamma Model of Monetary Value", 2013):
 * a customer's spend per transaction is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers (γ is called v).
 *
 * <p>Log-likelihood of x repeat transactions with mean spend m: {@code ln Γ(px+q) − ln Γ(px) − ln Γ(q)
 * + q ln v + (px−1) ln m + px ln x − (px+q) ln(xm + v)}. Conditional expected average spend:
 * {@code E[M | x, m] = (1 − w) · p v/(q−1) + w · m} with {@code w = px / (px + q − 1)}.
 */
public record GammaGammaModel(double p, double q, double v) implements Serializable {
  public GammaGammaModel {
    if (!(p > 0 && q > 0 && v > 0)) {
      throw new IllegalArgumentException("Invalid Gamma-Gamma parameters: p=" + p + " q=" + q + " v=" + v
          + " (all must be > 0)");
    }
  }

  public Map<String, Double> parameters() {
    Map<String, Double> result = new LinkedHashMap<>();
    result.put("p", p);
    result.put("q", q);
    result.put("v", v);
    return result;
  }

  /** Log-likelihood of one customer with {@code x >= 1} repeat transactions of mean spend {@code m > 0}. */
  public double logLikelihood(double x, double m) {
    double px = p * x;
    return logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(v) + (px - 1) * Math.log(m)
        + px * Math.log(x) - (px + q) * Math.log(x * m + v);
  }

  /**
   * Weighted sum of {@link #logLikelihood} over observations. Rows are summed in ranges; within a range the
   * Gamma-function terms are reused while x repeats (observations sorted by x make that almost always).
   */
  public double totalLogLikelihood(SpendObservations data) {
    double logGammaQ = logGamma(q);
    double logV = Math.log(v);
    return RangeSums.sum(data.size(), (from, to) -> {
      double total = 0;
      double lastX = Double.NaN;
      double xTerms = 0;
      for (int i = from; i < to; i++) {
        double x = data.frequency()[i];
        double px = p * x;
        if (x != lastX) {
          lastX = x;
          xTerms = logGamma(px + q) - logGamma(px) - logGammaQ + q * logV + px * Math.log(x);
        }
        double m = data.monetary()[i];
        total += data.weight()[i] * (xTerms + (px - 1) * Math.log(m) - (px + q) * Math.log(x * m + v));
      }
      return total;
    });
  }

  /** Population mean spend per transaction {@code p v / (q − 1)} (finite for q > 1). */
  public double populationMeanSpend() {
    return p * v / (q - 1);
  }

  /** E[M | x, m]; for customers without repeat purchases (x = 0) this is the population mean. */
  public double conditionalExpectedAverageSpend(double x, double m) {
    double weight = p * x / (p * x + q - 1);
    return (1 - weight) * populationMeanSpend() + weight * m;
  }
}
