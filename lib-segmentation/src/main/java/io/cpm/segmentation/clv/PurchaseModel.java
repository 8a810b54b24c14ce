package io.cpm.segmentation.clv;

import java.io.Serializable;
import java.util.Map;

/**
 * A fitted "buy 'til you die" purchase-count model (BG/NBD or Pareto/NBD). Per customer it is described by
 * frequency x (repeat purchase days), recency t_x and age T, all in the model's time unit.
 */
public interface PurchaseModel extends Serializable {
  /** {@code bgnbd} or {@code paretonbd}. */
  String name();

  /** Parameters by conventional name: r, alpha, a, b (BG/NBD) or r, alpha, s, beta (Pareto/NBD). */
  Map<String, Double> parameters();

  /** Log-likelihood of one customer's (x, t_x, T). */
  double logLikelihood(double x, double tx, double age);

  /** Weighted sum of {@link #logLikelihood} over sufficient statistics. */
  default double totalLogLikelihood(PurchaseCounts counts) {
    return RangeSums.sum(counts.size(), (from, to) -> {
      double total = 0;
      for (int i = from; i < to; i++) {
        total += counts.weight()[i] * logLikelihood(counts.frequency()[i], counts.recency()[i], counts.age()[i]);
      }
      return total;
    });
  }

  /** E[X(t)] for a customer picked at random at time 0: expected purchases in (0, t]. */
  double expectedPurchases(double t);

  /** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] of a customer with that history. */
  double conditionalExpectedPurchases(double t, double x, double tx, double age);

  /** P(alive | x, t_x, T): probability that the customer is still active at T. */
  double probabilityAlive(double x, double tx, double age);
}
