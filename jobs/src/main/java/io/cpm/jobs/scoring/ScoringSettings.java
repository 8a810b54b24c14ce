package io.cpm.jobs.scoring;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cpm.jobs.CpmException;
import io.cpm.segmentation.churn.ChurnAlgorithm;
import io.cpm.segmentation.churn.ChurnLabel;
import io.cpm.segmentation.clv.ClvTimeUnit;
import io.cpm.segmentation.clv.PurchaseModelKind;
import io.cpm.segmentation.health.HealthParameters;
import java.util.List;
import java.util.Set;

/** Typed view of the {@code scoring} config section (defaults in cpm-reference/scoring.conf). */
public record ScoringSettings(Clv clv, Churn churn, HealthParameters health) {
  /** CLV (BTYD) settings. */
  public record Clv(PurchaseModelKind model, ClvTimeUnit timeUnit, double l2Penalty, int maxEvaluations,
      int horizonMonths, double discountRateMonthly, int expectedPurchasesDays, List<String> excludedOrderStatuses,
      double gradeA, double gradeB, double gradeC, boolean enabled) {}

  /** Churn model settings. */
  public record Churn(ChurnLabel label, int snapshotCount, int snapshotSpacingDays, Set<ChurnAlgorithm> algorithms,
      double validationFraction, double testFraction, int maxModelAgeDays, double mediumThreshold,
      double highThreshold, List<String> numericFeatures, List<String> categoricalFeatures, boolean enabled) {}

  public static ScoringSettings from(Config scoring) {
    try {
      Config clv = scoring.getConfig("clv");
      Config churn = scoring.getConfig("churn");
      Config health = scoring.getConfig("health");
      Config weights = health.getConfig("weights");
      Clv clvSettings = new Clv(
          parse("scoring.clv.model", () -> PurchaseModelKind.parse(clv.getString("model"))),
          parse("scoring.clv.time-unit", () -> ClvTimeUnit.parse(clv.getString("time-unit"))),
          clv.getDouble("l2-penalty"), clv.getInt("max-evaluations"), clv.getInt("horizon-months"),
          clv.getDouble("discount-rate-monthly"), clv.getInt("expected-purchases-days"),
          List.copyOf(clv.getStringList("excluded-order-statuses")),
          clv.getDouble("grades.a"), clv.getDouble("grades.b"), clv.getDouble("grades.c"), clv.getBoolean("enabled"));
      if (clvSettings.gradeA() + clvSettings.gradeB() + clvSettings.gradeC() > 1) {
        throw CpmException.usage("invalid scoring.clv.grades: a + b + c must be <= 1");
      }
      Churn churnSettings = new Churn(
          parse("scoring.churn", () -> new ChurnLabel(churn.getInt("activity-window-days"), churn.getInt("horizon-days"),
              churn.getBoolean("contract-non-renewal"))),
          churn.getInt("snapshot-count"), churn.getInt("snapshot-spacing-days"),
          parse("scoring.churn.model", () -> ChurnAlgorithm.parse(churn.getString("model"))),
          churn.getDouble("validation-fraction"), churn.getDouble("test-fraction"), churn.getInt("max-model-age-days"),
          churn.getDouble("bands.medium"), churn.getDouble("bands.high"),
          List.copyOf(churn.getStringList("numeric-features")),
          List.copyOf(churn.getStringList("categorical-features")), churn.getBoolean("enabled"));
      HealthParameters healthParameters = parse("scoring.health", () -> new HealthParameters(
          weights.getDouble("usage"), weights.getDouble("depth"), weights.getDouble("interaction"),
          weights.getDouble("nps"), weights.getDouble("support"), weights.getDouble("payment"),
          health.getDouble("usage-target"), health.getDouble("depth-target"), health.getDouble("interaction-target"),
          health.getDouble("support-max-load"), health.getDouble("complaint-weight"),
          health.getDouble("payment-terms-days"), health.getDouble("payment-late-max-days")));
      return new ScoringSettings(clvSettings, churnSettings, healthParameters);
    } catch (ConfigException e) {
      throw CpmException.usage("invalid scoring config: " + e.getMessage());
    }
  }

  private static <T> T parse(String key, java.util.function.Supplier<T> value) {
    try {
      return value.get();
    } catch (IllegalArgumentException e) {
      throw CpmException.usage("invalid " + key + ": " + e.getMessage());
    }
  }
}
