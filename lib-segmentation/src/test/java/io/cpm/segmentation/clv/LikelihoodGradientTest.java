package io.cpm.segmentation.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * The optimizer's likelihood passes: analytic gradients (BG/NBD, Pareto/NBD, Gamma-Gamma, and the
 * hypergeometric derivatives Pareto/NBD's gradient uses) against central finite differences at several parameter
 * points, and the cached passes' values against the per-row formulas.
 */
class LikelihoodGradientTest {
  private static final double[][] BG_NBD_POINTS = {
      {0.243, 4.414, 0.793, 2.426}, {0.8, 6.0, 0.9, 3.0}, {2.5, 0.7, 3.0, 0.4}, {0.05, 40.0, 0.2, 12.0}};
  private static final double[][] GAMMA_GAMMA_POINTS = {{6.0, 4.0, 15.0}, {0.7, 1.5, 0.3}, {25.0, 12.0, 80.0}};
  private static final double[][] PARETO_NBD_POINTS = {{0.7, 8.0, 0.8, 12.0}, {0.55, 10.6, 0.61, 11.7},
      {1.5, 3.0, 0.3, 2.0}, {2.0, 30.0, 1.2, 5.0}};

  @Test
  void bgNbdAnalyticGradientMatchesFiniteDifferences() {
    PurchaseCounts counts = purchaseCounts(new BgNbdModel(0.8, 6.0, 0.9, 3.0), 17);
    MaximumLikelihood.LogLikelihood likelihood = BgNbdModel.likelihoodFunction(counts);
    for (double[] point : BG_NBD_POINTS) {
      assertGradient(likelihood, point);
      assertThat(likelihood.evaluate(point, null)).as("value at " + Arrays.toString(point))
          .isCloseTo(new BgNbdModel(point[0], point[1], point[2], point[3]).totalLogLikelihood(counts),
              within(1e-9 * counts.customers()));
    }
  }

  @Test
  void gammaGammaAnalyticGradientMatchesFiniteDifferences() {
    GammaGammaModel truth = new GammaGammaModel(6.0, 4.0, 15.0);
    BtydSimulation simulation = new BtydSimulation(new Well19937c(5));
    int n = 1500;
    double[] x = new double[n];
    double[] m = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + i % 7;
      double rate = simulation.spendRate(truth);
      m[i] = simulation.spend(truth, rate);
      w[i] = 1 + i % 3;
    }
    SpendObservations data = new SpendObservations(x, m, w);
    MaximumLikelihood.LogLikelihood likelihood = GammaGammaModel.likelihoodFunction(data);
    for (double[] point : GAMMA_GAMMA_POINTS) {
      assertGradient(likelihood, point);
      assertThat(likelihood.evaluate(point, null)).as("value at " + Arrays.toString(point))
          .isCloseTo(new GammaGammaModel(point[0], point[1], point[2]).totalLogLikelihood(data),
              within(1e-9 * data.customers()));
    }
  }

  @Test
  void paretoNbdAnalyticGradientMatchesFiniteDifferences() {
    PurchaseCounts counts = purchaseCounts(new BgNbdModel(0.8, 6.0, 0.9, 3.0), 29);
    MaximumLikelihood.LogLikelihood likelihood = ParetoNbdModel.likelihoodFunction(counts);
    for (double[] point : PARETO_NBD_POINTS) {
      assertGradient(likelihood, point);
    }
  }

  /** At α = β the hypergeometric argument is 0; the gradient must be the two-sided derivative there too. */
  @Test
  void paretoNbdAnalyticGradientIsExactWhereAlphaEqualsBeta() {
    PurchaseCounts counts = purchaseCounts(new BgNbdModel(0.8, 6.0, 0.9, 3.0), 31);
    MaximumLikelihood.LogLikelihood likelihood = ParetoNbdModel.likelihoodFunction(counts);
    assertGradient(likelihood, new double[] {0.7, 9.0, 0.8, 9.0});
  }

  @Test
  void hypergeometricDerivativesMatchFiniteDifferences() {
    double[][] arguments = {{1.6, 1.8, 2.6, 0.3}, {14.55, 13.9, 15.55, 0.62}, {0.9, 3.2, 1.4, 0.05},
        {2.0, 1.5, 3.0, 0.0}};
    for (double[] point : arguments) {
      double[] result = new double[5];
      Hypergeometric.logHyp2f1WithDerivatives(point[0], point[1], point[2], point[3], result);
      assertThat(result[0]).as("value at " + Arrays.toString(point)).isCloseTo(
          Math.log(Hypergeometric.hyp2f1(point[0], point[1], point[2], point[3])), within(1e-14));
      for (int i = 0; i < 4; i++) {
        double h = point[i] == 0 ? 1e-6 : 1e-5 * point[i];
        double[] up = point.clone();
        double[] down = point.clone();
        up[i] += h;
        down[i] = i == 3 ? Math.max(0, down[i] - h) : down[i] - h; // the series needs z >= 0
        double numeric = (Math.log(Hypergeometric.hyp2f1(up[0], up[1], up[2], up[3]))
            - Math.log(Hypergeometric.hyp2f1(down[0], down[1], down[2], down[3]))) / (up[i] - down[i]);
        double tolerance = point[i] == 0 ? 1e-5 : 1e-8;
        assertThat(result[i + 1]).as("d/d" + "abcz".charAt(i) + " at " + Arrays.toString(point))
            .isCloseTo(numeric, within(tolerance * Math.max(1, Math.abs(numeric))));
      }
    }
  }

  @Test
  void paretoNbdCachedLikelihoodMatchesThePerRowFormula() {
    PurchaseCounts counts = purchaseCounts(new BgNbdModel(0.8, 6.0, 0.9, 3.0), 23);
    MaximumLikelihood.LogLikelihood likelihood = ParetoNbdModel.likelihoodFunction(counts);
    for (double[] point : PARETO_NBD_POINTS) {
      assertThat(likelihood.evaluate(point, null)).as("value at " + Arrays.toString(point))
          .isCloseTo(new ParetoNbdModel(point[0], point[1], point[2], point[3]).totalLogLikelihood(counts),
              within(1e-9 * counts.customers()));
    }
  }

  /** Central differences with a relative step; agreement to 1e-6 relative to the gradient's scale. */
  private static void assertGradient(MaximumLikelihood.LogLikelihood likelihood, double[] point) {
    double[] analytic = new double[point.length];
    likelihood.evaluate(point, analytic);
    double scale = 0;
    for (double value : analytic) {
      scale = Math.max(scale, Math.abs(value));
    }
    for (int i = 0; i < point.length; i++) {
      double h = 1e-5 * point[i];
      double[] up = point.clone();
      double[] down = point.clone();
      up[i] += h;
      down[i] -= h;
      double numeric = (likelihood.evaluate(up, null) - likelihood.evaluate(down, null)) / (2 * h);
      assertThat(analytic[i]).as("d/dθ" + i + " at " + Arrays.toString(point))
          .isCloseTo(numeric, within(1e-6 * Math.max(1, scale) + 1e-6 * Math.abs(numeric)));
    }
  }

  /** Simulated customers with ages spread over 13 weeks; rows with weights, some repeated (x, t_x, T). */
  private static PurchaseCounts purchaseCounts(BgNbdModel truth, long seed) {
    BtydSimulation simulation = new BtydSimulation(new Well19937c(seed));
    int n = 2000;
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] age = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      age[i] = 27 + (i % 13);
      List<Double> times = simulation.bgNbdPurchaseTimes(truth, age[i]);
      x[i] = times.size();
      tx[i] = times.isEmpty() ? 0 : Math.round(times.get(times.size() - 1) * 7) / 7.0;
      w[i] = 1 + i % 4;
    }
    return new PurchaseCounts(x, tx, age, w);
  }
}
