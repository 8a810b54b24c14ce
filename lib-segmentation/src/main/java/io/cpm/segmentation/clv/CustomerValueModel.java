package io.cpm.segmentation.clv;

import java.io.Serializable;
import java.util.Objects;

/**
 * Per-customer predictions from a fitted purchase model and Gamma-Gamma spend model.
 *
 * <p>Discounted CLV over N months follows {@code lifetimes}' {@code customer_lifetime_value}:
 * {@code CLV = Σ_{i=1..N} [E(Y(i months)) − E(Y((i−1) months))] · E[M | x, m] / (1 + d)^i} with
 * conditional expected purchases E(Y(t) | x, t_x, T), expected average spend E[M | x, m] and monthly
 * discount rate d (each month's purchases discounted at the end of that month).
 */
public record CustomerValueModel(PurchaseModel purchases, GammaGammaModel spend, ClvTimeUnit timeUnit)
    implements Serializable {
  public CustomerValueModel {
    Objects.requireNonNull(purchases, "purchases");
    Objects.requireNonNull(spend, "spend");
    Objects.requireNonNull(timeUnit, "timeUnit");
  }

  /** One customer's predictions; {@code horizonDays} is for expected purchases, CLV runs over {@code months}. */
  public record Prediction(double expectedPurchases, double probabilityAlive, double expectedAverageSpend,
      double customerLifetimeValue) {}

  public Prediction predict(double x, double tx, double age, double monetary, double horizonDays, int months,
      double monthlyDiscountRate) {
    return predict(purchasePredictions(x, tx, age, horizonDays, months), x, monetary, monthlyDiscountRate);
  }

  /**
   * The purchase-model part of {@link #predict}, which depends on (x, t_x, T) only: E[Y(horizon)], P(alive) and
   * the cumulative E[Y(i months)] for i = 1..months. Scoring reuses it for customers with equal (x, t_x, T).
   */
  public double[] purchasePredictions(double x, double tx, double age, double horizonDays, int months) {
    if (months < 0) {
      throw new IllegalArgumentException("Invalid CLV horizon: " + months + " months");
    }
    double[] result = new double[2 + months];
    result[0] = purchases.conditionalExpectedPurchases(timeUnit.fromDays(horizonDays), x, tx, age);
    result[1] = purchases.probabilityAlive(x, tx, age);
    for (int month = 1; month <= months; month++) {
      result[1 + month] = purchases.conditionalExpectedPurchases(
          timeUnit.fromDays(month * ClvTimeUnit.MONTH.days()), x, tx, age);
    }
    return result;
  }

  /** {@link #predict} from {@link #purchasePredictions} of the same customer. */
  public Prediction predict(double[] purchasePredictions, double x, double monetary, double monthlyDiscountRate) {
    if (!(monthlyDiscountRate >= 0)) {
      throw new IllegalArgumentException("Invalid monthly discount rate: " + monthlyDiscountRate);
    }
    double averageSpend = spend.conditionalExpectedAverageSpend(x, x > 0 ? monetary : 0);
    double value = 0;
    double previous = 0;
    for (int month = 1; month < purchasePredictions.length - 1; month++) {
      double cumulative = purchasePredictions[1 + month];
      value += (cumulative - previous) * averageSpend / Math.pow(1 + monthlyDiscountRate, month);
      previous = cumulative;
    }
    return new Prediction(purchasePredictions[0], purchasePredictions[1], averageSpend, value);
  }
}
