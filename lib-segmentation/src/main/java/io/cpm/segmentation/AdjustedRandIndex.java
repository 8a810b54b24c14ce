package io.cpm.segmentation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adjusted Rand index (Hubert &amp; Arabie 1985) of two labelings of the same items:
 * {@code ARI = (Σ C(n_ij,2) − Σ C(a_i,2)·Σ C(b_j,2)/C(n,2)) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − Σ C(a_i,2)·Σ C(b_j,2)/C(n,2))}
 * over the contingency table n_ij with row sums a_i and column sums b_j; 1 = identical partitions, ~0 = chance.
 */
public final class AdjustedRandIndex {
  private AdjustedRandIndex() {}

  public static <A, B> double of(List<A> first, List<B> second) {
    if (first.size() != second.size()) {
      throw new IllegalArgumentException("Labelings differ in size: " + first.size() + " vs " + second.size());
    }
    Map<A, Map<B, Long>> table = new HashMap<>();
    Map<A, Long> rowSums = new HashMap<>();
    Map<B, Long> columnSums = new HashMap<>();
    for (int i = 0; i < first.size(); i++) {
      table.computeIfAbsent(first.get(i), k -> new HashMap<>()).merge(second.get(i), 1L, Long::sum);
      rowSums.merge(first.get(i), 1L, Long::sum);
      columnSums.merge(second.get(i), 1L, Long::sum);
    }
    double index = table.values().stream().flatMap(m -> m.values().stream()).mapToDouble(AdjustedRandIndex::pairs).sum();
    double rows = rowSums.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double columns = columnSums.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double expected = rows * columns / pairs(first.size());
    double maximum = (rows + columns) / 2;
    return maximum == expected ? 1.0 : (index - expected) / (maximum - expected);
  }

  private static double pairs(long n) {
    return n * (n - 1) / 2.0;
  }
}
