package io.cpm.segmentation.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/** Parameter recovery from customers simulated with known parameters (no Spark: pure model code). */
class BtydFitTest {
  private static final int CUSTOMERS = 6000;

  @Test
  void bgNbdRecoversSimulatedParameters() {
    BgNbdModel truth = new BgNbdModel(0.8, 6.0, 0.9, 3.0);
    BtydSimulation simulation = new BtydSimulation(new Well19937c(7));
    PurchaseCounts counts = counts(i -> simulation.bgNbdPurchaseTimes(truth, age(i)));
    FitResult<PurchaseModel> fit = MaximumLikelihood.defaults().fitPurchaseModel(PurchaseModelKind.BGNBD, counts);
    assertThat(fit.converged()).isTrue();
    assertRecovered(fit.model().parameters(), truth.parameters(), 0.25);
    assertThat(fit.logLikelihood()).isGreaterThanOrEqualTo(truth.totalLogLikelihood(counts));
  }

  @Test
  void paretoNbdRecoversSimulatedParameters() {
    ParetoNbdModel truth = new ParetoNbdModel(0.7, 8.0, 0.8, 12.0);
    BtydSimulation simulation = new BtydSimulation(new Well19937c(11));
    PurchaseCounts counts = counts(i -> simulation.paretoNbdPurchaseTimes(truth, age(i)));
    FitResult<PurchaseModel> fit = MaximumLikelihood.defaults().fitPurchaseModel(PurchaseModelKind.PARETONBD, counts);
    assertThat(fit.model()).isInstanceOf(ParetoNbdModel.class);
    assertRecovered(fit.model().parameters(), truth.parameters(), 0.35);
    assertThat(fit.logLikelihood()).isGreaterThanOrEqualTo(truth.totalLogLikelihood(counts));
  }

  @Test
  void gammaGammaRecoversSimulatedParameters() {
    GammaGammaModel truth = new GammaGammaModel(6.0, 4.0, 15.0);
    BtydSimulation simulation = new BtydSimulation(new Well19937c(13));
    double[] x = new double[CUSTOMERS];
    double[] m = new double[CUSTOMERS];
    double[] w = new double[CUSTOMERS];
    for (int i = 0; i < CUSTOMERS; i++) {
      x[i] = 1 + i % 6;
      double rate = simulation.spendRate(truth);
      double total = 0;
      for (int k = 0; k < x[i]; k++) {
        total += simulation.spend(truth, rate);
      }
      m[i] = total / x[i];
      w[i] = 1;
    }
    FitResult<GammaGammaModel> fit = MaximumLikelihood.defaults().fitGammaGamma(new SpendObservations(x, m, w));
    assertRecovered(fit.model().parameters(), truth.parameters(), 0.25);
    assertThat(fit.model().populationMeanSpend()).isCloseTo(truth.populationMeanSpend(),
        within(0.1 * truth.populationMeanSpend()));
  }

  @Test
  void gammaGammaFitDoesNotDependOnTheCurrencyUnit() {
    GammaGammaModel truth = new GammaGammaModel(6.0, 4.0, 15.0);
    BtydSimulation simulation = new BtydSimulation(new Well19937c(21));
    int n = 2000;
    double[] x = new double[n];
    double[] m = new double[n];
    double[] millions = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + i % 4;
      double rate = simulation.spendRate(truth);
      m[i] = simulation.spend(truth, rate);
      millions[i] = m[i] * 1e6;
      w[i] = 1;
    }
    GammaGammaModel small = MaximumLikelihood.defaults().fitGammaGamma(new SpendObservations(x, m, w)).model();
    GammaGammaModel large = MaximumLikelihood.defaults().fitGammaGamma(new SpendObservations(x, millions, w)).model();
    assertThat(large.p()).isCloseTo(small.p(), within(1e-3 * small.p()));
    assertThat(large.q()).isCloseTo(small.q(), within(1e-3 * small.q()));
    assertThat(large.v()).isCloseTo(small.v() * 1e6, within(1e-3 * small.v() * 1e6));
  }

  @Test
  void l2PenaltyShrinksParameters() {
    BgNbdModel truth = new BgNbdModel(0.8, 6.0, 0.9, 3.0);
    BtydSimulation simulation = new BtydSimulation(new Well19937c(7));
    PurchaseCounts counts = counts(i -> simulation.bgNbdPurchaseTimes(truth, age(i)));
    double free = sumOfSquares(MaximumLikelihood.defaults().fitPurchaseModel(PurchaseModelKind.BGNBD, counts));
    FitResult<PurchaseModel> penalized = new MaximumLikelihood(0.01, 20_000)
        .fitPurchaseModel(PurchaseModelKind.BGNBD, counts);
    assertThat(sumOfSquares(penalized)).isLessThan(free);
    assertThat(penalized.l2Penalty()).isEqualTo(0.01);
  }

  @Test
  void degenerateDataFailsWithAClearMessage() {
    // Nobody ever repeats: the purchase rate runs to zero, which must not pass as a fit.
    PurchaseCounts counts = new PurchaseCounts(new double[] {0, 0}, new double[] {0, 0}, new double[] {10, 20},
        new double[] {50, 50});
    assertThatThrownBy(() -> MaximumLikelihood.defaults().fitPurchaseModel(PurchaseModelKind.BGNBD, counts))
        .isInstanceOf(ModelFitException.class)
        .hasMessageContaining("BG/NBD fit");
  }

  @Test
  void tooSmallEvaluationBudgetReportsNonConvergence() {
    BgNbdModel truth = new BgNbdModel(0.8, 6.0, 0.9, 3.0);
    PurchaseCounts counts = counts(i -> new BtydSimulation(new Well19937c(i)).bgNbdPurchaseTimes(truth, age(i)));
    assertThatThrownBy(() -> new MaximumLikelihood(0, 10).fitPurchaseModel(PurchaseModelKind.BGNBD, counts))
        .isInstanceOf(ModelFitException.class)
        .hasMessageContaining("did not converge within 10 likelihood evaluations");
  }

  private static double age(int customer) {
    return 27 + (customer % 13); // like CDNOW: first purchases spread over 12 weeks, 39-week calibration
  }

  private static double sumOfSquares(FitResult<PurchaseModel> fit) {
    return fit.model().parameters().values().stream().mapToDouble(v -> v * v).sum();
  }

  private static PurchaseCounts counts(java.util.function.IntFunction<List<Double>> customers) {
    double[] x = new double[CUSTOMERS];
    double[] tx = new double[CUSTOMERS];
    double[] age = new double[CUSTOMERS];
    double[] w = new double[CUSTOMERS];
    for (int i = 0; i < CUSTOMERS; i++) {
      List<Double> times = customers.apply(i);
      x[i] = times.size();
      tx[i] = times.isEmpty() ? 0 : times.get(times.size() - 1);
      age[i] = age(i);
      w[i] = 1;
    }
    return new PurchaseCounts(x, tx, age, w);
  }

  private static void assertRecovered(Map<String, Double> fitted, Map<String, Double> truth, double relative) {
    for (Map.Entry<String, Double> e : truth.entrySet()) {
      assertThat(fitted.get(e.getKey())).as(e.getKey() + " of " + fitted)
          .isCloseTo(e.getValue(), within(relative * e.getValue()));
    }
  }
}
