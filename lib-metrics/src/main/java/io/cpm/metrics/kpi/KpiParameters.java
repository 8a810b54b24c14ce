package io.cpm.metrics.kpi;

import io.cpm.metrics.features.FeatureParameters;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of {@link KpiLibrary}: currency and order rules shared with the features, the inactivity (in days)
 * after which a customer counts as lost or lapsed, the expected customer lifetime in years used by LTV, the
 * ordered opportunity stages of the sales funnel and the activity types done by salespeople.
 */
public record KpiParameters(
    FeatureParameters features,
    int inactiveDays,
    double lifetimeYears,
    List<String> funnelStages,
    Set<String> salesActivityTypes,
    Set<String> lostStages) {

  public KpiParameters {
    Objects.requireNonNull(features, "features");
    if (inactiveDays <= 0) {
      throw new IllegalArgumentException("Invalid inactiveDays: " + inactiveDays + " (must be > 0)");
    }
    if (!(lifetimeYears > 0) || Double.isInfinite(lifetimeYears)) {
      throw new IllegalArgumentException("Invalid lifetimeYears: " + lifetimeYears + " (must be > 0)");
    }
    funnelStages = funnelStages.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    if (funnelStages.size() < 2 || Set.copyOf(funnelStages).size() != funnelStages.size()) {
      throw new IllegalArgumentException("Invalid funnelStages: " + funnelStages
          + " (need at least two distinct stages in funnel order)");
    }
    salesActivityTypes = Set.copyOf(salesActivityTypes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    lostStages = Set.copyOf(lostStages.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    Set<String> lost = lostStages;
    if (funnelStages.stream().filter(s -> !lost.contains(s)).count() < 2) {
      throw new IllegalArgumentException("Invalid funnelStages: " + funnelStages + " without the lost stages "
          + lostStages + " (need at least two stages a deal can reach)");
    }
  }

  /**
   * The funnel without the stages that mark a lost deal: losing is an exit from the stage the deal was in, not a
   * stage after the last one (a lost stage listed in funnel-stages would count every lost deal as reaching it).
   */
  public List<String> funnel() {
    return funnelStages.stream().filter(s -> !lostStages.contains(s)).toList();
  }

  /** 180 days inactivity, 3 years lifetime, funnel qualification → proposal → negotiation → closed_won. */
  public static KpiParameters defaults() {
    return new KpiParameters(FeatureParameters.defaults(), 180, 3.0,
        List.of("qualification", "proposal", "negotiation", "closed_won"), Set.of("call", "email", "meeting", "visit"),
        Set.of("closed_lost", "lost"));
  }
}
