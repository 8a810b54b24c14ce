package io.cpm.metrics.kpi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Targets and change thresholds for {@link KpiAlerts}. A target bounds a KPI's value ({@code min} and/or
 * {@code max}); a change threshold is the largest relative move against the KPI's good direction tolerated
 * between runs ({@code 0.2} = 20 %), per KPI family (the KPI name up to the first dot, e.g. {@code lost_reason_share}) with a default.
 */
public record AlertRules(List<Target> targets, Map<String, Double> changeThresholds, double defaultChangeThreshold) {

  /** {@code min <= value <= max}; either bound may be null. */
  public record Target(String kpi, Double min, Double max) {
    public Target {
      Objects.requireNonNull(kpi, "kpi");
      if (min == null && max == null) {
        throw new IllegalArgumentException("Invalid target for " + kpi + ": needs min or max");
      }
      if (min != null && max != null && min > max) {
        throw new IllegalArgumentException("Invalid target for " + kpi + ": min " + min + " > max " + max);
      }
    }
  }

  public AlertRules {
    targets = List.copyOf(targets);
    changeThresholds = Map.copyOf(changeThresholds);
    for (Map.Entry<String, Double> e : changeThresholds.entrySet()) {
      checkThreshold(e.getKey(), e.getValue());
    }
    checkThreshold("default", defaultChangeThreshold);
  }

  private static void checkThreshold(String kpi, double threshold) {
    if (!(threshold >= 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException("Invalid change threshold for " + kpi + ": " + threshold + " (must be >= 0)");
    }
  }

  /** The threshold of a KPI family (e.g. {@code nps}, {@code lost_reason_share}), or the default. */
  public double changeThreshold(String family) {
    return changeThresholds.getOrDefault(family, defaultChangeThreshold);
  }
}
