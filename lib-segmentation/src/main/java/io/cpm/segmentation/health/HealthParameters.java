package io.cpm.segmentation.health;

/**
 * Weights and normalization constants of the {@link HealthScore}. Each component is mapped to 0–100 (see
 * {@link HealthScore}); weights need not sum to 1 (the score divides by their sum).
 *
 * @param usageTarget activities + logins in 30 days that count as full usage (100)
 * @param depthTarget product lines held that count as full depth
 * @param interactionTarget activities (contacts) in 90 days that count as full interaction
 * @param supportMaxLoad ticket load (tickets + complaintWeight × complaints in 12 months) that scores 0
 * @param complaintWeight how many tickets one complaint counts as
 * @param paymentTermsDays days to pay that are still on time
 * @param paymentLateMaxDays days beyond terms that score 0
 */
public record HealthParameters(double usageWeight, double depthWeight, double interactionWeight, double npsWeight,
    double supportWeight, double paymentWeight, double usageTarget, double depthTarget, double interactionTarget,
    double supportMaxLoad, double complaintWeight, double paymentTermsDays, double paymentLateMaxDays) {
  public HealthParameters {
    double[] weights = {usageWeight, depthWeight, interactionWeight, npsWeight, supportWeight, paymentWeight};
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0)) {
        throw new IllegalArgumentException("Invalid health weight: " + w + " (must be >= 0)");
      }
      sum += w;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("Invalid health weights: all zero");
    }
    for (double target : new double[] {usageTarget, depthTarget, interactionTarget, supportMaxLoad, paymentLateMaxDays}) {
      if (!(target > 0)) {
        throw new IllegalArgumentException("Invalid health normalization constant: " + target + " (must be > 0)");
      }
    }
  }
}
