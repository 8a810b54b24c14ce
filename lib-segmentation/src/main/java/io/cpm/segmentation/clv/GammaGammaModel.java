package io.cpm.segmentation.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
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

  /**
   * The total log-likelihood of {@code data} with its analytic gradient w.r.t. (p, q, v), as the optimizer's
   * objective (ψ = digamma):
   * <pre>
   * ∂/∂p = x [ψ(px+q) − ψ(px) + ln m + ln x − ln(xm+v)]
   * ∂/∂q = ψ(px+q) − ψ(q) + ln v − ln(xm+v)
   * ∂/∂v = q/v − (px+q)/(xm+v)
   * </pre>
   * Gamma and digamma terms are computed once per distinct x and ln m once per fit, so a pass costs one log per row.
   */
  static MaximumLikelihood.LogLikelihood likelihoodFunction(SpendObservations data) {
    int n = data.size();
    double[] weight = data.weight();
    ValueIndex xs = ValueIndex.of(data.frequency());
    double[] logM = new double[n];
    double[] xm = new double[n];
    for (int i = 0; i < n; i++) {
      logM[i] = Math.log(data.monetary()[i]);
      xm[i] = data.frequency()[i] * data.monetary()[i];
    }
    return (theta, gradient) -> {
      double p = theta[0];
      double q = theta[1];
      double v = theta[2];
      new GammaGammaModel(p, q, v); // validates
      int nx = xs.size();
      double[] constant = new double[nx];
      double[] dp = new double[nx];
      double[] dq = new double[nx];
      double logV = Math.log(v);
      double logGammaQ = logGamma(q);
      double psiQ = digamma(q);
      for (int k = 0; k < nx; k++) {
        double x = xs.values[k];
        double px = p * x;
        double psiPxq = digamma(px + q);
        constant[k] = logGamma(px + q) - logGamma(px) - logGammaQ + q * logV + px * Math.log(x);
        dp[k] = x * (psiPxq - digamma(px) + Math.log(x));
        dq[k] = psiPxq - psiQ + logV;
      }
      int[] xIndex = xs.index;
      double[] totals = RangeSums.sum(n, 4, (from, to, sums) -> {
        double value = 0;
        double gp = 0;
        double gq = 0;
        double gv = 0;
        for (int i = from; i < to; i++) {
          int k = xIndex[i];
          double x = xs.values[k];
          double w = weight[i];
          double px = p * x;
          double shifted = xm[i] + v;
          double logShifted = Math.log(shifted);
          value += w * (constant[k] + (px - 1) * logM[i] - (px + q) * logShifted);
          gp += w * (dp[k] + x * (logM[i] - logShifted));
          gq += w * (dq[k] - logShifted);
          gv -= w * (px + q) / shifted;
        }
        sums[0] += value;
        sums[1] += gp;
        sums[2] += gq;
        sums[3] += gv;
      });
      if (gradient != null) {
        gradient[0] = totals[1];
        gradient[1] = totals[2];
        gradient[2] = totals[3] + data.customers() * q / v;
      }
      return totals[0];
    };
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
