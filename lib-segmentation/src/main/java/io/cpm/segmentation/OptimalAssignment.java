package io.cpm.segmentation;

import java.util.Arrays;

/**
 * Minimum-cost assignment (the problem the Hungarian algorithm solves), exact by dynamic programming over
 * subsets of columns: {@code best[mask]} = least cost of giving the first popcount(mask) rows distinct columns
 * in {@code mask}; O(rows · cols · 2^cols), fine for cluster counts up to {@link #MAX_SIZE}.
 */
public final class OptimalAssignment {
  public static final int MAX_SIZE = 16;

  private OptimalAssignment() {}

  /**
   * For a rows × cols cost matrix returns, per row, the assigned column or -1 (only when rows &gt; cols), such
   * that min(rows, cols) pairs are assigned with distinct columns and the total cost is least.
   */
  public static int[] solve(double[][] cost) {
    int rows = cost.length;
    int cols = rows == 0 ? 0 : cost[0].length;
    if (rows == 0 || cols == 0) {
      int[] none = new int[rows];
      Arrays.fill(none, -1);
      return none;
    }
    if (rows > cols) {
      double[][] transposed = new double[cols][rows];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          transposed[j][i] = cost[i][j];
        }
      }
      int[] columnToRow = solve(transposed);
      int[] result = new int[rows];
      Arrays.fill(result, -1);
      for (int j = 0; j < cols; j++) {
        result[columnToRow[j]] = j;
      }
      return result;
    }
    if (cols > MAX_SIZE) {
      throw new IllegalArgumentException("Invalid assignment size: " + cols + " columns (max " + MAX_SIZE + ")");
    }
    int masks = 1 << cols;
    double[] best = new double[masks];
    int[] lastColumn = new int[masks];
    Arrays.fill(best, Double.POSITIVE_INFINITY);
    best[0] = 0;
    for (int mask = 0; mask < masks; mask++) {
      int row = Integer.bitCount(mask);
      if (row >= rows || best[mask] == Double.POSITIVE_INFINITY) {
        continue;
      }
      for (int j = 0; j < cols; j++) {
        if ((mask & (1 << j)) == 0) {
          int next = mask | (1 << j);
          double candidate = best[mask] + cost[row][j];
          if (candidate < best[next]) {
            best[next] = candidate;
            lastColumn[next] = j;
          }
        }
      }
    }
    int bestMask = -1;
    for (int mask = 0; mask < masks; mask++) {
      if (Integer.bitCount(mask) == rows && (bestMask < 0 || best[mask] < best[bestMask])) {
        bestMask = mask;
      }
    }
    int[] result = new int[rows];
    for (int mask = bestMask, row = rows - 1; row >= 0; row--) {
      result[row] = lastColumn[mask];
      mask &= ~(1 << lastColumn[mask]);
    }
    return result;
  }
}
