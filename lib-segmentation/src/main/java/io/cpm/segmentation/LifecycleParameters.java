package io.cpm.segmentation;

/**
 * Settings of {@link Lifecycle}: day limits and ratios of the stage rules (see {@link Lifecycle} for the
 * order in which they apply). {@code atRiskActivityTrend} 0 switches the activity rule off.
 */
public record LifecycleParameters(int newDays, double growingTrend, double atRiskCycleMultiple, int atRiskMinDays,
    int atRiskDefaultDays, double atRiskTrend, int atRiskTrendMinOrders, double atRiskActivityTrend,
    int atRiskActivityMinEarlier, int churnedDays, int reactivatedDays) {
  public LifecycleParameters {
    if (newDays < 1 || atRiskMinDays < 1 || atRiskDefaultDays < 1 || reactivatedDays < 1) {
      throw new IllegalArgumentException("Invalid lifecycle day limits: new " + newDays + ", at-risk-min "
          + atRiskMinDays + ", at-risk-default " + atRiskDefaultDays + ", reactivated " + reactivatedDays
          + " (all must be >= 1)");
    }
    if (churnedDays <= atRiskMinDays) {
      throw new IllegalArgumentException("Invalid churned limit: " + churnedDays + " days (must exceed at-risk-min "
          + atRiskMinDays + ")");
    }
    if (atRiskCycleMultiple <= 0 || growingTrend <= 0 || atRiskTrend < 0 || atRiskTrend >= growingTrend) {
      throw new IllegalArgumentException("Invalid lifecycle ratios: cycle multiple " + atRiskCycleMultiple
          + ", growing trend " + growingTrend + ", at-risk trend " + atRiskTrend
          + " (need multiple > 0 and 0 <= at-risk trend < growing trend)");
    }
    if (atRiskActivityTrend < 0 || atRiskActivityTrend >= 1 || atRiskActivityMinEarlier < 1) {
      throw new IllegalArgumentException("Invalid lifecycle activity rule: at-risk-activity-trend "
          + atRiskActivityTrend + ", at-risk-activity-min-earlier " + atRiskActivityMinEarlier
          + " (need 0 <= trend < 1, 0 = off, and min-earlier >= 1)");
    }
  }
}
