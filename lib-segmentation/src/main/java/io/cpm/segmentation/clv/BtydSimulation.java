package io.cpm.segmentation.clv;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Draws customers from the BTYD generative stories, for parameter-recovery tests and benchmarks: purchase
 * times in continuous time (first purchase at 0) and Gamma-Gamma spends per purchase.
 *
 * <p>BG/NBD: λ ~ Gamma(r, rate α), p ~ Beta(a, b); purchases at Poisson rate λ, after each repeat purchase the
 * customer drops out with probability p. Pareto/NBD: λ ~ Gamma(r, rate α), μ ~ Gamma(s, rate β), purchases at
 * rate λ until an Exponential(μ) lifetime ends. Gamma-Gamma: ν ~ Gamma(q, rate v), each spend ~ Gamma(p, rate ν).
 */
public final class BtydSimulation {
  private final RandomGenerator random;

  public BtydSimulation(RandomGenerator random) {
    this.random = random;
  }

  /** Repeat purchase times in (0, age] of one BG/NBD customer (the first purchase at 0 is not listed). */
  public List<Double> bgNbdPurchaseTimes(BgNbdModel model, double age) {
    double rate = gamma(model.r(), model.alpha());
    double dropout = new BetaDistribution(random, model.a(), model.b()).sample();
    List<Double> times = new ArrayList<>();
    double time = 0;
    while (true) {
      time += exponential(rate);
      if (time > age) {
        return times;
      }
      times.add(time);
      if (random.nextDouble() < dropout) {
        return times;
      }
    }
  }

  /** Repeat purchase times in (0, age] of one Pareto/NBD customer. */
  public List<Double> paretoNbdPurchaseTimes(ParetoNbdModel model, double age) {
    double rate = gamma(model.r(), model.alpha());
    double lifetime = exponential(gamma(model.s(), model.beta()));
    double end = Math.min(lifetime, age);
    List<Double> times = new ArrayList<>();
    double time = exponential(rate);
    while (time <= end) {
      times.add(time);
      time += exponential(rate);
    }
    return times;
  }

  /** A customer's spend-scale ν ~ Gamma(q, rate v). */
  public double spendRate(GammaGammaModel model) {
    return gamma(model.q(), model.v());
  }

  /** One transaction's spend ~ Gamma(p, rate ν). */
  public double spend(GammaGammaModel model, double spendRate) {
    return gamma(model.p(), spendRate);
  }

  private double gamma(double shape, double rate) {
    return new GammaDistribution(random, shape, 1.0 / rate).sample();
  }

  private double exponential(double rate) {
    return -Math.log(1.0 - random.nextDouble()) / rate;
  }
}
