package io.cpm.segmentation.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.special.Beta;

/**
 * The BG/NBD model of Fader, Hardie & Lee, "Counting Your Customers the Easy Way: An Alternative to the
 * Pareto/NBD Model", Marketing Science 24(2), 2005: while alive a customer buys at Poisson rate
 * λ ~ Gamma(r, α) and after each purchase drops out with probability p ~ Beta(a, b).
 *
 * <p>Log-likelihood (their eq. 6): {@code ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 * + ln[(α+T)^−(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)]}.
 */
public record BgNbdModel(double r, double alpha, double a, double b) implements PurchaseModel {
  public BgNbdModel {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
      throw new IllegalArgumentException("Invalid BG/NBD parameters: r=" + r + " alpha=" + alpha + " a=" + a
          + " b=" + b + " (all must be > 0)");
    }
  }

  @Override
  public String name() {
    return "bgnbd";
  }

  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> result = new LinkedHashMap<>();
    result.put("r", r);
    result.put("alpha", alpha);
    result.put("a", a);
    result.put("b", b);
    return result;
  }

  @Override
  public double logLikelihood(double x, double tx, double age) {
    return xTerms(x) + timeTerms(x, tx, age);
  }

  /** Sums are ordered by frequency, so the Gamma-function terms (which depend on x only) are reused. */
  @Override
  public double totalLogLikelihood(PurchaseCounts counts) {
    return RangeSums.sum(counts.size(), (from, to) -> {
      double total = 0;
      double lastX = Double.NaN;
      double lastXTerms = 0;
      for (int i = from; i < to; i++) {
        double x = counts.frequency()[i];
        if (x != lastX) {
          lastX = x;
          lastXTerms = xTerms(x);
        }
        total += counts.weight()[i] * (lastXTerms + timeTerms(x, counts.recency()[i], counts.age()[i]));
      }
      return total;
    });
  }

  /**
   * The total log-likelihood over sufficient statistics with its analytic gradient w.r.t. (r, α, a, b), as the
   * optimizer's objective. With {@code A = (α+T)^−(r+x)}, {@code B = δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)} and the
   * shares {@code π_A = A/(A+B)}, {@code π_B = B/(A+B)}, differentiating eq. 6 gives
   * <pre>
   * ∂/∂r = ψ(r+x) − ψ(r) + ln α − π_A ln(α+T) − π_B ln(α+t_x)
   * ∂/∂α = r/α − (r+x) [π_A/(α+T) + π_B/(α+t_x)]
   * ∂/∂a = ψ(a+b) − ψ(a+b+x) + π_B/a
   * ∂/∂b = ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − π_B/(b+x−1)
   * </pre>
   * (ψ = digamma). Gamma and digamma terms are computed once per distinct x and the logarithms once per distinct
   * t_x and T, so a pass costs one exp and one log1p per row.
   */
  static MaximumLikelihood.LogLikelihood likelihoodFunction(PurchaseCounts counts) {
    int n = counts.size();
    double[] weight = counts.weight();
    ValueIndex xs = ValueIndex.of(counts.frequency());
    ValueIndex recencies = ValueIndex.of(counts.recency());
    ValueIndex ages = ValueIndex.of(counts.age());
    return (theta, gradient) -> {
      double r = theta[0];
      double alpha = theta[1];
      double a = theta[2];
      double b = theta[3];
      new BgNbdModel(r, alpha, a, b); // validates
      int nx = xs.size();
      double[] constant = new double[nx];
      double[] offsetB = new double[nx];
      double[] inverseB = new double[nx];
      double[] dr = new double[nx];
      double[] da = new double[nx];
      double[] db = new double[nx];
      double logAlpha = Math.log(alpha);
      double psiR = digamma(r);
      double psiAb = digamma(a + b);
      double psiB = digamma(b);
      double logGammaCommon = -logGamma(r) + r * logAlpha + logGamma(a + b) - logGamma(b);
      for (int k = 0; k < nx; k++) {
        double x = xs.values[k];
        constant[k] = logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x) + logGammaCommon;
        double psiAbx = digamma(a + b + x);
        dr[k] = digamma(r + x) - psiR + logAlpha;
        da[k] = psiAb - psiAbx;
        db[k] = psiAb + digamma(b + x) - psiB - psiAbx;
        offsetB[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Double.NEGATIVE_INFINITY;
        inverseB[k] = x > 0 ? 1 / (b + x - 1) : 0;
      }
      double[] logAge = ages.logShifted(alpha);
      double[] inverseAge = ages.inverseShifted(alpha);
      double[] logRecency = recencies.logShifted(alpha);
      double[] inverseRecency = recencies.inverseShifted(alpha);
      int[] xIndex = xs.index;
      int[] ageIndex = ages.index;
      int[] recencyIndex = recencies.index;
      double[] totals = RangeSums.sum(n, 5, (from, to, sums) -> {
        double value = 0;
        double gr = 0;
        double galpha = 0;
        double ga = 0;
        double gb = 0;
        for (int i = from; i < to; i++) {
          int k = xIndex[i];
          int ai = ageIndex[i];
          double w = weight[i];
          double x = xs.values[k];
          double rx = r + x;
          double logA = -rx * logAge[ai];
          double row;
          double shareB;
          if (x == 0) {
            row = logA;
            shareB = 0;
          } else {
            int ti = recencyIndex[i];
            double logB = offsetB[k] - rx * logRecency[ti];
            double e = Math.exp(-Math.abs(logA - logB));
            row = Math.max(logA, logB) + Math.log1p(e);
            shareB = (logB >= logA ? 1 : e) / (1 + e);
            gr -= w * shareB * logRecency[ti];
            galpha -= w * rx * shareB * inverseRecency[ti];
            ga += w * shareB;
            gb -= w * shareB * inverseB[k];
          }
          double shareA = 1 - shareB;
          value += w * (constant[k] + row);
          gr += w * (dr[k] - shareA * logAge[ai]);
          galpha -= w * rx * shareA * inverseAge[ai];
          ga += w * da[k] * a; // the sum is a·∂/∂a (π_B added above unscaled); divided by a below
          gb += w * db[k];
        }
        sums[0] += value;
        sums[1] += gr;
        sums[2] += galpha;
        sums[3] += ga;
        sums[4] += gb;
      });
      if (gradient != null) {
        double customers = 0;
        for (double w : weight) {
          customers += w;
        }
        gradient[0] = totals[1];
        gradient[1] = totals[2] + customers * r / alpha;
        gradient[2] = totals[3] / a;
        gradient[3] = totals[4];
      }
      return totals[0];
    };
  }

  private double xTerms(double x) {
    return logGamma(r + x) - logGamma(r) + r * Math.log(alpha)
        + logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  }

  private double timeTerms(double x, double tx, double age) {
    double a3 = -(r + x) * Math.log(alpha + age);
    if (x == 0) {
      return a3;
    }
    double a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
    double max = Math.max(a3, a4);
    return max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max));
  }

  /** FHL 2005 eq. 7: {@code (a+b−1)/(a−1) [1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))]}. */
  @Override
  public double expectedPurchases(double t) {
    double hyp = Hypergeometric.hyp2f1(r, b, a + b - 1, t / (alpha + t));
    return (a + b - 1) / (a - 1) * (1 - Math.pow(alpha / (alpha + t), r) * hyp);
  }

  /**
   * FHL 2005 eq. 10: {@code [(a+b+x−1)/(a−1)] [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
   * / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]}; the hypergeometric term falls back to Euler's
   * transformation when the direct series overflows, as in {@code lifetimes}.
   */
  @Override
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    if (t <= 0) {
      return 0;
    }
    double hypA = r + x;
    double hypB = b + x;
    double hypC = a + b + x - 1;
    double z = t / (alpha + age + t);
    double logHyp = Math.log(Hypergeometric.hyp2f1(hypA, hypB, hypC, z));
    if (!Double.isFinite(logHyp)) {
      logHyp = Math.log(Hypergeometric.hyp2f1(hypC - hypA, hypC - hypB, hypC, z))
          + (hypC - hypA - hypB) * Math.log(1 - z);
    }
    double numerator = (a + b + x - 1) / (a - 1)
        * (1 - Math.exp(logHyp + (r + x) * Math.log((alpha + age) / (alpha + t + age))));
    double denominator = 1 + (x > 0 ? a / (b + x - 1) * Math.pow((alpha + age) / (alpha + tx), r + x) : 0);
    return numerator / denominator;
  }

  /** FHL 2005 / Fader, Hardie & Lee note "Computing P(alive)": {@code 1 / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]}. */
  @Override
  public double probabilityAlive(double x, double tx, double age) {
    if (x == 0) {
      return 1.0;
    }
    return 1.0 / (1.0 + a / (b + x - 1) * Math.pow((alpha + age) / (alpha + tx), r + x));
  }

  /**
   * P(X(t) = n) for a customer picked at random at time 0 (FHL 2005 eq. 8):
   * {@code B(a,b+n)/B(a,b) Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n + δ(n>0) B(a+1,b+n−1)/B(a,b)
   * [1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j]}.
   */
  public double probabilityOfPurchases(int n, double t) {
    if (n < 0) {
      throw new IllegalArgumentException("Invalid purchase count: " + n);
    }
    double logBab = Beta.logBeta(a, b);
    double share = alpha / (alpha + t);
    double first = Math.exp(Beta.logBeta(a, b + n) - logBab + nbdLogTerm(n, share, t / (alpha + t)));
    if (n == 0) {
      return first;
    }
    double partial = 0;
    for (int j = 0; j < n; j++) {
      partial += Math.exp(nbdLogTerm(j, share, t / (alpha + t)));
    }
    return first + Math.exp(Beta.logBeta(a + 1, b + n - 1) - logBab) * (1 - partial);
  }

  private double nbdLogTerm(int j, double share, double rest) {
    return logGamma(r + j) - logGamma(r) - logGamma(j + 1.0) + r * Math.log(share)
        + (j == 0 ? 0 : j * Math.log(rest));
  }
}
