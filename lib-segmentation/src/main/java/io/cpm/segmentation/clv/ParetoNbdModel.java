package io.cpm.segmentation.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
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
   * The total log-likelihood over sufficient statistics with its gradient w.r.t. (r, α, s, β), as the
   * optimizer's objective: the same formula as {@link #logLikelihood}, but the hypergeometric terms are computed
   * once per distinct (x, t_x) and (x, T) pair (a few thousand at day resolution, against a few hundred thousand
   * rows), Gamma and digamma terms once per distinct x, and logarithms and reciprocals once per distinct t_x
   * and T, so a pass costs two exp and two log1p per row, with or without the gradient.
   *
   * <p>Per row {@code LL = P + ln(e^L + e^Z)} with the prefactor {@code P = ln Γ(r+x) − ln Γ(r) + r ln α
   * + s ln β}, the alive term {@code L = −(r+x) ln(α+T) − s ln(β+T)} and {@code Z = ln s + ln A0 − ln(r+s+x)};
   * with the shares {@code π_L = e^L/(e^L+e^Z)}, {@code π_Z = 1 − π_L}, {@code dLL = dP + π_L dL + π_Z dZ}:
   * <pre>
   * ∂P: ∂r = ψ(r+x) − ψ(r) + ln α, ∂α = r/α, ∂s = ln β, ∂β = s/β
   * ∂L: ∂r = −ln(α+T), ∂α = −(r+x)/(α+T), ∂s = −ln(β+T), ∂β = −s/(β+T)
   * ∂Z = ∂ln A0 + (1/s on s) − (1/(r+s+x) on r and s)
   * </pre>
   * With {@code m = max(α, β)}, {@code Q1 = m+t_x}, {@code Q2 = m+T}, {@code ρ = r+s+x}, {@code F_i} the two
   * hypergeometric terms, {@code first = ln F1 + ρ ln Q2}, {@code second = ln F2 + ρ ln Q1},
   * {@code ln A0 = ln(e^first − e^second) − ρ (ln Q1 + ln Q2)} and {@code w1 = 1/(1 − e^(second−first))},
   * {@code w2 = w1 − 1}:
   * <pre>
   * ∂ln A0 = w1 ∂ln F1 − w2 ∂ln F2 + ∂ρ (w2 ln Q2 − w1 ln Q1) + ρ ∂m (w2/Q2 − w1/Q1)
   * </pre>
   * ({@code ∂ρ} = 1 on r and s; {@code ∂m} = 1 on α when α ≥ β, on β when α < β). The derivatives of
   * {@code ln 2F1(ρ, k; ρ+1; |α−β|/(m+t))} w.r.t. its arguments come from differentiating its power series term
   * by term ({@link Hypergeometric#logHyp2f1WithDerivatives}), per pair; the chain rule then uses the branch of
   * {@link #logA0} at the current parameters (k = r+x and z = (β−α)/(β+t) when α < β, k = s+1 and
   * z = (α−β)/(α+t) otherwise). Either branch is the same analytic function of the parameters near α = β, so the
   * gradient is exact (to rounding) everywhere, including there. The gradient is computed only when
   * {@code gradient} is non-null.
   */
  static MaximumLikelihood.LogLikelihood likelihoodFunction(PurchaseCounts counts) {
    int n = counts.size();
    double[] weight = counts.weight();
    double customers = counts.customers();
    ValueIndex xs = ValueIndex.of(counts.frequency());
    ValueIndex recencies = ValueIndex.of(counts.recency());
    ValueIndex ages = ValueIndex.of(counts.age());
    ValueIndex.Pairs xRecency = ValueIndex.pairs(xs, recencies);
    ValueIndex.Pairs xAge = ValueIndex.pairs(xs, ages);
    return (theta, gradient) -> {
      ParetoNbdModel model = new ParetoNbdModel(theta[0], theta[1], theta[2], theta[3]);
      boolean withGradient = gradient != null;
      double r = model.r;
      double alpha = model.alpha;
      double s = model.s;
      double beta = model.beta;
      boolean alphaIsMax = alpha >= beta;
      double max = Math.max(alpha, beta);
      int nx = xs.size();
      double[] prefactor = new double[nx];
      double[] logRsx = new double[nx];
      double[] inverseRsx = new double[nx];
      double[] prefactorR = new double[nx];
      double psiR = withGradient ? digamma(r) : 0;
      double logAlpha = Math.log(alpha);
      for (int k = 0; k < nx; k++) {
        double x = xs.values[k];
        prefactor[k] = model.logPrefactor(x);
        logRsx[k] = Math.log(r + s + x);
        inverseRsx[k] = 1 / (r + s + x);
        prefactorR[k] = withGradient ? digamma(r + x) - psiR + logAlpha : 0;
      }
      double[] logQ1 = recencies.logShifted(max);
      double[] logQ2 = ages.logShifted(max);
      double[] inverseQ1 = recencies.inverseShifted(max);
      double[] inverseQ2 = ages.inverseShifted(max);
      double[] logAlphaAge = ages.logShifted(alpha);
      double[] logBetaAge = ages.logShifted(beta);
      double[] inverseAlphaAge = ages.inverseShifted(alpha);
      double[] inverseBetaAge = ages.inverseShifted(beta);
      LogHypergeometric p1 = LogHypergeometric.of(model, xs, xRecency, recencies.values, withGradient);
      LogHypergeometric p2 = LogHypergeometric.of(model, xs, xAge, ages.values, withGradient);
      double logS = Math.log(s);
      double inverseS = 1 / s;
      int[] xIndex = xs.index;
      int[] recencyIndex = recencies.index;
      int[] ageIndex = ages.index;
      int[] recencyPair = xRecency.index();
      int[] agePair = xAge.index();
      double[] totals = RangeSums.sum(n, 5, (from, to, sums) -> {
        double value = 0;
        double gr = 0;
        double galpha = 0;
        double gs = 0;
        double gbeta = 0;
        for (int i = from; i < to; i++) {
          int k = xIndex[i];
          int ti = recencyIndex[i];
          int ai = ageIndex[i];
          int j1 = recencyPair[i];
          int j2 = agePair[i];
          double w = weight[i];
          double x = xs.values[k];
          double rsx = r + s + x;
          double first = p1.value[j1] + rsx * logQ2[ai];
          double second = p2.value[j2] + rsx * logQ1[ti];
          double ratio = Math.exp(second - first); // in [0, 1): the bracket of A0 is a positive integral
          double logA0 = first + Math.log1p(-ratio) - rsx * (logQ1[ti] + logQ2[ai]);
          double aliveTerm = -(r + x) * logAlphaAge[ai] - s * logBetaAge[ai];
          double a0Term = logS + logA0 - logRsx[k];
          double e = Math.exp(-Math.abs(aliveTerm - a0Term));
          value += w * (prefactor[k] + Math.max(aliveTerm, a0Term) + Math.log1p(e));
          if (!withGradient) {
            continue;
          }
          double aliveShare = (aliveTerm >= a0Term ? 1 : e) / (1 + e);
          double a0Share = 1 - aliveShare;
          gr += w * (prefactorR[k] - aliveShare * logAlphaAge[ai]);
          galpha -= w * aliveShare * (r + x) * inverseAlphaAge[ai];
          gs -= w * aliveShare * logBetaAge[ai];
          gbeta -= w * aliveShare * s * inverseBetaAge[ai];
          if (a0Share == 0) {
            continue; // e.g. t_x = T: A0 = 0 for all parameters
          }
          double w1 = 1 / (1 - ratio);
          double w2 = w1 - 1;
          double rsxTerm = w2 * logQ2[ai] - w1 * logQ1[ti] - inverseRsx[k];
          double maxTerm = rsx * (w2 * inverseQ2[ai] - w1 * inverseQ1[ti]);
          double a0R = w1 * p1.r[j1] - w2 * p2.r[j2] + rsxTerm;
          double a0Alpha = w1 * p1.alpha[j1] - w2 * p2.alpha[j2] + (alphaIsMax ? maxTerm : 0);
          double a0S = w1 * p1.s[j1] - w2 * p2.s[j2] + rsxTerm + inverseS;
          double a0Beta = w1 * p1.beta[j1] - w2 * p2.beta[j2] + (alphaIsMax ? 0 : maxTerm);
          double wa0 = w * a0Share;
          gr += wa0 * a0R;
          galpha += wa0 * a0Alpha;
          gs += wa0 * a0S;
          gbeta += wa0 * a0Beta;
        }
        sums[0] += value;
        sums[1] += gr;
        sums[2] += galpha;
        sums[3] += gs;
        sums[4] += gbeta;
      });
      if (withGradient) {
        // The prefactor's x-independent derivatives, once for all customers.
        gradient[0] = totals[1];
        gradient[1] = totals[2] + customers * r / alpha;
        gradient[2] = totals[3] + customers * Math.log(beta);
        gradient[3] = totals[4] + customers * s / beta;
      }
      return totals[0];
    };
  }

  /**
   * {@code ln 2F1(r+s+x, k; r+s+x+1; |α−β|/(max(α,β)+t))} per distinct (x, t) pair, as in {@link #logA0}, and
   * (when asked for) its derivatives w.r.t. r, α, s and β.
   */
  private record LogHypergeometric(double[] value, double[] r, double[] alpha, double[] s, double[] beta) {
    static LogHypergeometric of(ParetoNbdModel model, ValueIndex xs, ValueIndex.Pairs pairs, double[] times,
        boolean withGradient) {
      int size = pairs.size();
      double[] value = new double[size];
      double[] dr = withGradient ? new double[size] : null;
      double[] dalpha = withGradient ? new double[size] : null;
      double[] ds = withGradient ? new double[size] : null;
      double[] dbeta = withGradient ? new double[size] : null;
      boolean alphaIsMax = model.alpha >= model.beta;
      double max = Math.max(model.alpha, model.beta);
      double diff = Math.abs(model.alpha - model.beta);
      java.util.stream.IntStream.range(0, size).parallel().forEach(j -> {
        double x = xs.values[pairs.first()[j]];
        double rsx = model.r + model.s + x;
        double k = alphaIsMax ? model.s + 1 : model.r + x;
        double q = max + times[pairs.second()[j]];
        double z = diff / q;
        if (!withGradient) {
          value[j] = Math.log(Hypergeometric.hyp2f1(rsx, k, rsx + 1, z));
          return;
        }
        double[] h = new double[5];
        Hypergeometric.logHyp2f1WithDerivatives(rsx, k, rsx + 1, z, h);
        value[j] = h[0];
        double dRsx = h[1] + h[3]; // a = r+s+x and c = a+1 both move with r and s
        // z = (m − min)/(m + t): ∂z/∂m = (1 − z)/q, ∂z/∂min = −1/q.
        double dzMax = h[4] * (1 - z) / q;
        double dzMin = -h[4] / q;
        dr[j] = dRsx + (alphaIsMax ? 0 : h[2]);
        ds[j] = dRsx + (alphaIsMax ? h[2] : 0);
        dalpha[j] = alphaIsMax ? dzMax : dzMin;
        dbeta[j] = alphaIsMax ? dzMin : dzMax;
      });
      return new LogHypergeometric(value, dr, dalpha, ds, dbeta);
    }
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
