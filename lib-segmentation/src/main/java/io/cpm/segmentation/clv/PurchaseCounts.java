package io.cpm.segmentation.clv;

import java.util.Objects;

/**
 * Sufficient statistics for BTYD purchase-count models: one entry per distinct (frequency x, recency t_x,
 * age T) with the number of customers sharing it as weight. A million customers collapse to the number of
 * distinct triples, so likelihood evaluations are cheap and run on the driver.
 */
public record PurchaseCounts(double[] frequency, double[] recency, double[] age, double[] weight) {
  public PurchaseCounts {
    Objects.requireNonNull(frequency, "frequency");
    Objects.requireNonNull(recency, "recency");
    Objects.requireNonNull(age, "age");
    Objects.requireNonNull(weight, "weight");
    int n = frequency.length;
    if (recency.length != n || age.length != n || weight.length != n) {
      throw new IllegalArgumentException("Invalid purchase counts: arrays differ in length");
    }
    for (int i = 0; i < n; i++) {
      if (frequency[i] < 0 || recency[i] < 0 || age[i] < recency[i] || weight[i] <= 0
          || (frequency[i] == 0 && recency[i] != 0)) {
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
            "Invalid purchase counts row %d: x=%s t_x=%s T=%s weight=%s (need x>=0, 0<=t_x<=T, t_x=0 when x=0,"
                + " weight>0)", i, frequency[i], recency[i], age[i], weight[i]));
      }
    }
  }

  public int size() {
    return frequency.length;
  }

  /** Total weight, i.e. the number of customers. */
  public double customers() {
    double total = 0;
    for (double w : weight) {
      total += w;
    }
    return total;
  }
}
