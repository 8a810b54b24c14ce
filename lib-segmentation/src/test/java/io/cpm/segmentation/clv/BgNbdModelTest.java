package io.cpm.segmentation.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** BG/NBD closed forms against the values published by Fader, Hardie & Lee (2005) for the CDNOW sample. */
class BgNbdModelTest {
  private static final BgNbdModel CDNOW = new BgNbdModel(0.243, 4.414, 0.793, 2.426);

  @Test
  void conditionalExpectedPurchasesMatchesPublishedValue() {
    // FHL 2005, section 5: customer with x = 2, t_x = 30.43, T = 38.86 weeks, next 39 weeks: 1.226.
    assertThat(CDNOW.conditionalExpectedPurchases(39, 2, 30.43, 38.86)).isCloseTo(1.226, within(0.001));
  }

  @Test
  void probabilityOfNoPurchaseMatchesPublishedValue() {
    assertThat(CDNOW.probabilityOfPurchases(0, 39)).isCloseTo(0.5737864, within(1e-4));
  }

  @Test
  void purchaseCountDistributionSumsToOneAndMatchesTheMean() {
    double total = 0;
    double mean = 0;
    for (int n = 0; n < 400; n++) {
      double probability = CDNOW.probabilityOfPurchases(n, 39);
      total += probability;
      mean += n * probability;
    }
    assertThat(total).isCloseTo(1.0, within(1e-6));
    assertThat(mean).isCloseTo(CDNOW.expectedPurchases(39), within(1e-4));
  }

  @Test
  void probabilityAliveFallsWithTimeSinceLastPurchase() {
    assertThat(CDNOW.probabilityAlive(0, 0, 38.86)).isEqualTo(1.0);
    double recent = CDNOW.probabilityAlive(2, 38, 38.86);
    double lapsed = CDNOW.probabilityAlive(2, 5, 38.86);
    assertThat(recent).isGreaterThan(lapsed).isLessThanOrEqualTo(1.0);
    assertThat(lapsed).isGreaterThan(0.0);
  }

  @Test
  void likelihoodOfAllHistoriesIsConsistentWithTheCountDistribution() {
    // For x = 0 the likelihood is P(no repeat purchase in (0, T]) = P(X(T) = 0).
    assertThat(Math.exp(CDNOW.logLikelihood(0, 0, 39))).isCloseTo(CDNOW.probabilityOfPurchases(0, 39), within(1e-12));
  }
}
