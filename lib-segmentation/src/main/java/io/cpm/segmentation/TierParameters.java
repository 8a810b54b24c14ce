package io.cpm.segmentation;

import java.util.Objects;

/**
 * Settings of {@link Tiers}. Value tier: {@code valueColumn} compared with {@code high} and {@code mid}, read as
 * percentiles (0–1, over customers with a positive value) or as absolute amounts depending on
 * {@code thresholdMode}. Activity tier: a drop of at least {@code declinePercent} % from
 * {@code activities_prev_30d} to {@code activities_30d}, or no order for more than {@code activeRecencyDays},
 * means declining; no activity in 30 days and no order for more than {@code dormantRecencyDays} means dormant.
 */
public record TierParameters(String valueColumn, ThresholdMode thresholdMode, double high, double mid,
    double declinePercent, int activeRecencyDays, int dormantRecencyDays) {
  /** How the value thresholds are read. */
  public enum ThresholdMode { PERCENTILE, ABSOLUTE }

  public TierParameters {
    Objects.requireNonNull(valueColumn, "valueColumn");
    Objects.requireNonNull(thresholdMode, "thresholdMode");
    if (mid > high) {
      throw new IllegalArgumentException("Invalid value thresholds: mid " + mid + " > high " + high);
    }
    if (thresholdMode == ThresholdMode.PERCENTILE && (mid < 0 || high > 1)) {
      throw new IllegalArgumentException("Invalid percentile thresholds: mid " + mid + ", high " + high
          + " (must be within 0..1)");
    }
    if (declinePercent <= 0 || declinePercent > 100) {
      throw new IllegalArgumentException("Invalid decline percent: " + declinePercent + " (must be in (0, 100])");
    }
    if (activeRecencyDays > dormantRecencyDays) {
      throw new IllegalArgumentException("Invalid recency limits: active " + activeRecencyDays + " > dormant "
          + dormantRecencyDays);
    }
  }
}
