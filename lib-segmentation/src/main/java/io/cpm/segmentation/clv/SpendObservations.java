package io.cpm.segmentation.clv;

import java.util.Objects;

/**
 * Input of the Gamma-Gamma fit: per repeat customer (or per distinct (x, m) with a count as weight) the number
 * of repeat purchase days x ≥ 1 and the mean spend m > 0 over them.
 */
public record SpendObservations(double[] frequency, double[] monetary, double[] weight) {
  public SpendObservations {
    Objects.requireNonNull(frequency, "frequency");
    Objects.requireNonNull(monetary, "monetary");
    Objects.requireNonNull(weight, "weight");
    if (monetary.length != frequency.length || weight.length != frequency.length) {
      throw new IllegalArgumentException("Invalid spend observations: arrays differ in length");
    }
    for (int i = 0; i < frequency.length; i++) {
      if (!(frequency[i] >= 1 && monetary[i] > 0 && weight[i] > 0)) {
        throw new IllegalArgumentException("Invalid spend observation " + i + ": x=" + frequency[i] + " m="
            + monetary[i] + " weight=" + weight[i] + " (need x >= 1, m > 0, weight > 0)");
      }
    }
  }

  public int size() {
    return frequency.length;
  }

  public double customers() {
    double total = 0;
    for (double w : weight) {
      total += w;
    }
    return total;
  }
}
