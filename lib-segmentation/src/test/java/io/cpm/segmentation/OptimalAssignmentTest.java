package io.cpm.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OptimalAssignmentTest {
  @Test
  void classicExample() {
    // Known optimum 4 + 1 + ... : rows -> cols (1, 0, 2) with cost 1 + 2 + 2 = 5
    double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
    assertThat(OptimalAssignment.solve(cost)).containsExactly(1, 0, 2);
  }

  @Test
  void greedyWouldBeWrong() {
    // Greedy takes (0,0)=1 and is then forced to (1,1)=100; the optimum is (0,1)+(1,0) = 2 + 3.
    double[][] cost = {{1, 2}, {3, 100}};
    assertThat(OptimalAssignment.solve(cost)).containsExactly(1, 0);
  }

  @Test
  void rectangularLeavesExtraRowsUnassigned() {
    double[][] cost = {{5, 1}, {1, 5}, {0.5, 0.4}};
    int[] result = OptimalAssignment.solve(cost);
    assertThat(result).containsExactly(-1, 0, 1);
    double[][] wide = {{9, 1, 9}, {9, 9, 1}};
    assertThat(OptimalAssignment.solve(wide)).containsExactly(1, 2);
  }

  @Test
  void matchesBruteForceOnRandomMatrices() {
    Random random = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      int n = 2 + random.nextInt(5);
      double[][] cost = new double[n][n];
      for (double[] row : cost) {
        for (int j = 0; j < n; j++) {
          row[j] = random.nextDouble();
        }
      }
      int[] result = OptimalAssignment.solve(cost);
      assertThat(total(cost, result)).isCloseTo(bruteForce(cost, 0, new boolean[n]), within(1e-12));
      assertThat(java.util.Arrays.stream(result).distinct().count()).isEqualTo(n);
    }
  }

  @Test
  void adjustedRandIndex() {
    assertThat(AdjustedRandIndex.of(List.of(1, 1, 2, 2), List.of("a", "a", "b", "b"))).isEqualTo(1.0);
    // Reference value (sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715)
    assertThat(AdjustedRandIndex.of(List.of(0, 0, 1, 1), List.of(0, 0, 1, 2))).isCloseTo(0.5714285714, within(1e-9));
    assertThat(AdjustedRandIndex.of(List.of(0, 0, 0, 1, 1, 1), List.of(0, 1, 2, 0, 1, 2))).isLessThan(0.0);
  }

  private static double total(double[][] cost, int[] assignment) {
    double sum = 0;
    for (int i = 0; i < assignment.length; i++) {
      sum += cost[i][assignment[i]];
    }
    return sum;
  }

  private static double bruteForce(double[][] cost, int row, boolean[] used) {
    if (row == cost.length) {
      return 0;
    }
    double best = Double.POSITIVE_INFINITY;
    for (int j = 0; j < used.length; j++) {
      if (!used[j]) {
        used[j] = true;
        best = Math.min(best, cost[row][j] + bruteForce(cost, row + 1, used));
        used[j] = false;
      }
    }
    return best;
  }
}
