package io.cpm.jobs.sample;

import java.util.Locale;

/**
 * The planted behaviour types of generated customers and the mean rates that make them separable.
 *
 * <p>Purchases follow a Poisson process whose yearly rate is drawn per customer from a gamma distribution
 * around {@link #ordersPerYear} (the NBD assumption behind BG/NBD); order values scatter around a
 * customer-level mean drawn around {@link #orderValueEur} (the Gamma-Gamma assumption).
 */
enum LatentType {
  CHAMPION(0.08, 26.0, 3000, 3.0, 3.0, 4.0, 0.9),
  STEADY(0.27, 9.0, 1100, 1.2, 1.0, 1.5, 0.6),
  SEASONAL(0.12, 8.0, 1400, 1.0, 0.6, 1.0, 0.3),
  DECLINING(0.12, 10.0, 1300, 2.0, 1.5, 1.5, 0.6),
  CHURNER(0.15, 8.0, 1100, 1.6, 1.4, 1.2, 0.6),
  PROSPECT(0.14, 0.0, 0, 0.7, 0.0, 0.0, 0.0),
  NEW(0.12, 12.0, 900, 2.5, 2.0, 2.0, 0.3);

  private final double share;
  private final double ordersPerYear;
  private final double orderValueEur;
  private final double touchesPerMonth;
  private final double loginsPerMonth;
  private final double opportunitiesPerYear;
  private final double contractProbability;

  LatentType(double share, double ordersPerYear, double orderValueEur, double touchesPerMonth,
      double loginsPerMonth, double opportunitiesPerYear, double contractProbability) {
    this.share = share;
    this.ordersPerYear = ordersPerYear;
    this.orderValueEur = orderValueEur;
    this.touchesPerMonth = touchesPerMonth;
    this.loginsPerMonth = loginsPerMonth;
    this.opportunitiesPerYear = opportunitiesPerYear;
    this.contractProbability = contractProbability;
  }

  static double[] shares() {
    LatentType[] all = values();
    double[] shares = new double[all.length];
    for (int i = 0; i < all.length; i++) {
      shares[i] = all[i].share;
    }
    return shares;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  double ordersPerYear() {
    return ordersPerYear;
  }

  double orderValueEur() {
    return orderValueEur;
  }

  double touchesPerMonth() {
    return touchesPerMonth;
  }

  double loginsPerMonth() {
    return loginsPerMonth;
  }

  double opportunitiesPerYear() {
    return opportunitiesPerYear;
  }

  double contractProbability() {
    return contractProbability;
  }

  boolean buys() {
    return this != PROSPECT;
  }
}
