package io.cpm.segmentation.clv;

import java.util.stream.IntStream;

/**
 * Sums a per-row likelihood (and its gradient) over row ranges on the common fork-join pool: a likelihood pass
 * over a few hundred thousand sufficient-statistic rows is the optimizer's inner loop, and the rows are
 * independent. Ranges are fixed-size and their partial sums are added in range order, so results do not
 * depend on thread scheduling.
 */
final class RangeSums {
  private static final int CHUNK = 8192;

  /** The sum of {@code rows.sum(from, to)} over consecutive ranges covering [0, n). */
  interface RangeSum {
    double sum(int from, int to);
  }

  /** Adds the sums over rows [from, to) to {@code totals}. */
  interface RangeVectorSum {
    void sum(int from, int to, double[] totals);
  }

  private RangeSums() {}

  static double sum(int n, RangeSum rows) {
    if (n <= CHUNK) {
      return rows.sum(0, n);
    }
    int chunks = (n + CHUNK - 1) / CHUNK;
    double[] parts = new double[chunks];
    IntStream.range(0, chunks).parallel().forEach(c -> parts[c] = rows.sum(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    double total = 0;
    for (double part : parts) {
      total += part;
    }
    return total;
  }

  /** Element-wise sums of {@code dimensions} quantities over [0, n). */
  static double[] sum(int n, int dimensions, RangeVectorSum rows) {
    double[] totals = new double[dimensions];
    if (n <= CHUNK) {
      rows.sum(0, n, totals);
      return totals;
    }
    int chunks = (n + CHUNK - 1) / CHUNK;
    double[][] parts = new double[chunks][dimensions];
    IntStream.range(0, chunks).parallel().forEach(c -> rows.sum(c * CHUNK, Math.min(n, (c + 1) * CHUNK), parts[c]));
    for (double[] part : parts) {
      for (int d = 0; d < dimensions; d++) {
        totals[d] += part[d];
      }
    }
    return totals;
  }
}
