package io.cpm.segmentation.clv;

import java.util.stream.IntStream;

/**
 * Sums a per-row likelihood over row ranges on the common fork-join pool: a likelihood evaluation over a few
 * hundred thousand sufficient-statistic rows is the optimizer's inner loop, and the rows are independent.
 */
final class RangeSums {
  private static final int CHUNK = 4096;

  /** The sum of {@code rows.sum(from, to)} over consecutive ranges covering [0, n). */
  interface RangeSum {
    double sum(int from, int to);
  }

  private RangeSums() {}

  static double sum(int n, RangeSum rows) {
    if (n <= CHUNK) {
      return rows.sum(0, n);
    }
    int chunks = (n + CHUNK - 1) / CHUNK;
    return IntStream.range(0, chunks).parallel()
        .mapToDouble(c -> rows.sum(c * CHUNK, Math.min(n, (c + 1) * CHUNK)))
        .sum();
  }
}
