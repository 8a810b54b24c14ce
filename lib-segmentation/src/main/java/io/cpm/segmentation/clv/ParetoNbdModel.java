package io.cpm.segmentation.clv;

import static org.apache.commons.math3.special.Gamma.logGamma;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Pareto/NBD model of Schmittlein, Morrison & Colombo (1987), in the formulation of Fader & Hardie,
 * "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005): while alive a customer buys at
 * Poisson rate λ ~ Gamma(r, α) and stays alive for an exponential lifetime with rate μ ~ Gamma(s, β).
 *
 * <p>{@code L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s/(r+s+x) · A0 ]}, where A0 contains the
 * Gauss hypergeometric function. A0 is evaluated as in the {@code lifetimes} package: with
 * {@code m = max(α, β)} and {@code z(t) = |α−β| / (m + t)} (always in [0, 1)),
 * {@code A0 = [2F1(r+s+x, k; r+s+x+1; z(t_x)) (m+T)^(r+s+x) − 2F1(r+s+x, k; r+s+x+1; z(T)) (m+t_x)^(r+s+x)]
 * / [(m+t_x)(m+T)]^(r+s+x)} with {@code k = s+1} when α ≥ β and {@code k = r+x} when α < β, combined in
 * log space.
 */
public record ParetoNbdModel(double r, double alpha, double s, double beta) implements PurchaseModel {
  public ParetoNbdModel {
    if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) {
      throw new IllegalArgumentException("Invalid Pareto/NBD parameters: r=" + r + " alpha=" + alpha + " s=" + s
          + " beta=" + beta + " (all must be > 0)");
    }
  }

  @Override
  public String name() {
    return "paretonbd";
  }

  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> result = new LinkedHashMap<>();
    result.put("r", r);
    result.put("alpha", alpha);
    result.put("s", s);
    result.put("beta", beta);
    return result;
  }

  /** ln A0 for one customer, the numerically stable form of lifetimes' {@code _log_A_0}. */
  double logA0(double x, double tx, double age) {
    double min;
    double max;
    double k;
    if (alpha < beta) {
      min = alpha;
      max = beta;
      k = r + x;
    } else {
      min = beta;
      max = alpha;
      k = s + 1;
    }
    double rsx = r + s + x;
    double diff = max - min;
    double q1 = max + tx;
    double q2 = max + age;
    double p1 = Hypergeometric.hyp2f1(rsx, k, rsx + 1, diff / q1);
    double p2 = Hypergeometric.hyp2f1(rsx, k, rsx + 1, diff / q2);
    double first = Math.log(p1) + rsx * Math.log(q2);
    double second = Math.log(p2) + rsx * Math.log(q1);
    // log(e^first - e^second); first >= second because the bracket is a positive integral.
    double logDiff = first + Math.log1p(-Math.exp(second - first));
    return logDiff - rsx * Math.log(q1 * q2);
  }

  /**
   * The total log-likelihood over sufficient statistics, as the optimizer's objective; it has no analytic
   * gradient (the A0 term's hypergeometric functions would need their parameter derivatives), so
   * {@link MaximumLikelihood} differentiates it by central differences. The same formula as
   * {@link #logLikelihood}, but the hypergeometric terms are computed once per distinct (x, t_x) and (x, T) pair
   * (a few thousand at day resolution, against a few hundred thousand rows) and the logarithms once per
   * distinct t_x and T.
   */
  static MaximumLikelihood.LogLikelihood likelihoodFunction(PurchaseCounts counts) {
    int n = counts.size();
    double[] weight = counts.weight();
    ValueIndex xs = ValueIndex.of(counts.frequency());
    ValueIndex recencies = ValueIndex.of(counts.recency());
    ValueIndex ages = ValueIndex.of(counts.age());
    ValueIndex.Pairs xRecency = ValueIndex.pairs(xs, recencies);
    ValueIndex.Pairs xAge = ValueIndex.pairs(xs, ages);
    return (theta, gradient) -> {
      ParetoNbdModel model = new ParetoNbdModel(theta[0], theta[1], theta[2], theta[3]);
      double r = model.r;
      double alpha = model.alpha;
      double s = model.s;
      double beta = model.beta;
      double max = Math.max(alpha, beta);
      double diff = Math.abs(alpha - beta);
      int nx = xs.size();
      double[] prefactor = new double[nx];
      double[] logRsx = new double[nx];
      for (int k = 0; k < nx; k++) {
        prefactor[k] = model.logPrefactor(xs.values[k]);
        logRsx[k] = Math.log(r + s + xs.values[k]);
      }
      double[] logQ1 = logShifted(recencies.values, max);
      double[] logQ2 = logShifted(ages.values, max);
      double[] logAlphaAge = logShifted(ages.values, alpha);
      double[] logBetaAge = logShifted(ages.values, beta);
      double[] logP1 = logHypergeometric(model, xs, xRecency, recencies.values, max, diff);
      double[] logP2 = logHypergeometric(model, xs, xAge, ages.values, max, diff);
      double logS = Math.log(s);
      int[] xIndex = xs.index;
      int[] recencyIndex = recencies.index;
      int[] ageIndex = ages.index;
      return RangeSums.sum(n, (from, to) -> {
        double total = 0;
        for (int i = from; i < to; i++) {
          int k = xIndex[i];
          int ti = recencyIndex[i];
          int ai = ageIndex[i];
          double x = xs.values[k];
          double rsx = r + s + x;
          double first = logP1[xRecency.index()[i]] + rsx * logQ2[ai];
          double second = logP2[xAge.index()[i]] + rsx * logQ1[ti];
          double logA0 = first + Math.log1p(-Math.exp(second - first)) - rsx * (logQ1[ti] + logQ2[ai]);
          double aliveTerm = -(r + x) * logAlphaAge[ai] - s * logBetaAge[ai];
          double a0Term = logS + logA0 - logRsx[k];
          double top = Math.max(aliveTerm, a0Term);
          total += weight[i] * (prefactor[k] + top + Math.log(Math.exp(aliveTerm - top) + Math.exp(a0Term - top)));
        }
        return total;
      });
    };
  }

  /** ln 2F1(r+s+x, k; r+s+x+1; |α−β|/(max(α,β)+t)) per distinct (x, t) pair, as in {@link #logA0}. */
  private static double[] logHypergeometric(ParetoNbdModel model, ValueIndex xs, ValueIndex.Pairs pairs,
      double[] times, double max, double diff) {
    double[] result = new double[pairs.size()];
    java.util.stream.IntStream.range(0, pairs.size()).parallel().forEach(j -> {
      double x = xs.values[pairs.first()[j]];
      double rsx = model.r + model.s + x;
      double k = model.alpha < model.beta ? model.r + x : model.s + 1;
      result[j] = Math.log(Hypergeometric.hyp2f1(rsx, k, rsx + 1, diff / (max + times[pairs.second()[j]])));
    });
    return result;
  }

  private static double[] logShifted(double[] values, double shift) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = Math.log(shift + values[i]);
    }
    return result;
  }

  private double logPrefactor(double x) {
    return logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  }

  @Override
  public double logLikelihood(double x, double tx, double age) {
    double rsx = r + s + x;
    double aliveTerm = -(r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
    double a0Term = Math.log(s) + logA0(x, tx, age) - Math.log(rsx);
    double max = Math.max(aliveTerm, a0Term);
    return logPrefactor(x) + max + Math.log(Math.exp(aliveTerm - max) + Math.exp(a0Term - max));
  }

  /** {@code E[X(t)] = r β / (α (s−1)) [1 − (β/(β+t))^(s−1)]} (Schmittlein et al. 1987, eq. 17). */
  @Override
  public double expectedPurchases(double t) {
    return r * beta / alpha * survivalIntegral(beta, t);
  }

  /** {@code [1 − (β'/(β'+t))^(s−1)] / (s−1)}, with its limit ln((β'+t)/β') at s = 1. */
  private double survivalIntegral(double betaShifted, double t) {
    if (Math.abs(s - 1) < 1e-9) {
      return Math.log((betaShifted + t) / betaShifted);
    }
    return (1 - Math.pow(betaShifted / (betaShifted + t), s - 1)) / (s - 1);
  }

  /**
   * Fader & Hardie (2005) eq. 22: {@code E[Y(t)|x,t_x,T] = [Γ(r+x) α^r β^s / (Γ(r) (α+T)^(r+x) (β+T)^s)] / L
   * · (r+x)(β+T)/(α+T) · [1 − ((β+T)/(β+T+t))^(s−1)]/(s−1)}.
   */
  @Override
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    if (t <= 0) {
      return 0;
    }
    double first = logPrefactor(x) - (r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
    double second = Math.log(r + x) + Math.log(beta + age) - Math.log(alpha + age);
    double third = Math.log(survivalIntegral(beta + age, t));
    return Math.exp(first + second + third - logLikelihood(x, tx, age));
  }

  /** Fader & Hardie (2005) eq. 18: {@code 1 / [1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A0]}. */
  @Override
  public double probabilityAlive(double x, double tx, double age) {
    double exponent = Math.log(s) - Math.log(r + s + x) + (r + x) * Math.log(alpha + age)
        + s * Math.log(beta + age) + logA0(x, tx, age);
    return 1.0 / (1.0 + Math.exp(exponent));
  }
}
