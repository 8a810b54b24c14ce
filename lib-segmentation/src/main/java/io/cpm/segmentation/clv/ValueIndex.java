package io.cpm.segmentation.clv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The distinct values of a column and, per row, the position of its value among them. Likelihood passes use it
 * to compute terms that depend on one column only (logarithms of α + T, Gamma functions of r + x, ...) once per
 * distinct value instead of once per row: at day resolution a million customers give a few hundred thousand
 * (x, t_x, T) rows but only ~100 distinct x and ~365 distinct t_x and T.
 */
final class ValueIndex {
  /** Distinct values, ascending. */
  final double[] values;
  /** Per row, the position of its value in {@link #values}. */
  final int[] index;

  private ValueIndex(double[] values, int[] index) {
    this.values = values;
    this.index = index;
  }

  static ValueIndex of(double[] column) {
    double[] sorted = column.clone();
    Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || Double.compare(sorted[i], sorted[distinct - 1]) != 0) {
        sorted[distinct++] = sorted[i];
      }
    }
    double[] values = Arrays.copyOf(sorted, distinct);
    int[] index = new int[column.length];
    for (int i = 0; i < column.length; i++) {
      index[i] = Arrays.binarySearch(values, column[i]);
    }
    return new ValueIndex(values, index);
  }

  int size() {
    return values.length;
  }

  /** {@code ln(shift + v)} per distinct value v: the likelihoods' logarithms of t_x or T plus a parameter. */
  double[] logShifted(double shift) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = Math.log(shift + values[i]);
    }
    return result;
  }

  /** {@code 1 / (shift + v)} per distinct value v (for the gradients). */
  double[] inverseShifted(double shift) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = 1 / (shift + values[i]);
    }
    return result;
  }

  /**
   * Distinct pairs of two indexed columns: per pair the positions in {@code first} and {@code second}, and per
   * row the pair's position (in order of first appearance).
   */
  static Pairs pairs(ValueIndex first, ValueIndex second) {
    int rows = first.index.length;
    Map<Long, Integer> seen = new HashMap<>();
    int[] row = new int[rows];
    int[] firstOf = new int[rows];
    int[] secondOf = new int[rows];
    for (int i = 0; i < rows; i++) {
      long key = ((long) first.index[i] << 32) | second.index[i];
      Integer pair = seen.get(key);
      if (pair == null) {
        pair = seen.size();
        seen.put(key, pair);
        firstOf[pair] = first.index[i];
        secondOf[pair] = second.index[i];
      }
      row[i] = pair;
    }
    return new Pairs(Arrays.copyOf(firstOf, seen.size()), Arrays.copyOf(secondOf, seen.size()), row);
  }

  /** See {@link #pairs}. */
  record Pairs(int[] first, int[] second, int[] index) {
    int size() {
      return first.length;
    }
  }
}
