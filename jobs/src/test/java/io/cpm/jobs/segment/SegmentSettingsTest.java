package io.cpm.jobs.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.segmentation.TierParameters;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SegmentSettingsTest {
  private static final Config DEFAULTS = CpmConfig.defaults().section("segments");

  @Test
  void everyDefaultKeyMapsToTheSettings() {
    Set<String> keys = new TreeSet<>(DEFAULTS.entrySet().stream().map(e -> e.getKey()).toList());
    assertThat(SegmentSettings.keysRead(DEFAULTS, 42)).isEqualTo(keys);
  }

  @Test
  void defaultsAreTyped() {
    SegmentSettings settings = SegmentSettings.from(DEFAULTS, 42);
    assertThat(settings.rfm().segments()).hasSize(12);
    assertThat(settings.tiers().thresholdMode()).isEqualTo(TierParameters.ThresholdMode.PERCENTILE);
    assertThat(settings.kmeans().kMin()).isEqualTo(3);
    assertThat(settings.kmeans().kMax()).isEqualTo(6);
    assertThat(settings.kmeans().seed()).isEqualTo(42);
    assertThat(settings.kmeans().columns()).containsExactly("monetary_12m", "frequency_12m", "recency_days",
        "activities_90d");
    assertThat(settings.playbook().get(0).action()).isEqualTo("dedicated_account_manager");
    assertThat(settings.taskRules()).extracting(r -> r.name())
        .containsExactly("churn_risk", "welcome", "service", "finance");
    assertThat(settings.lifecycle().churnedDays()).isEqualTo(365);
    assertThat(settings.lifecycle().atRiskActivityTrend()).isEqualTo(0.5);
    assertThat(settings.lifecycle().atRiskActivityMinEarlier()).isEqualTo(9);
  }

  @Test
  void badValuesExitTwoNamingTheProblem() {
    Config badMode = ConfigFactory.parseString("tiers.value-threshold-mode = median").withFallback(DEFAULTS);
    assertThatThrownBy(() -> SegmentSettings.from(badMode, 1))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("segments.tiers.value-threshold-mode");
    Config badRule = ConfigFactory.parseString(
        "playbook.rules = [{ when { tier = [high] }, action = x, owner-role = y }]").withFallback(DEFAULTS);
    assertThatThrownBy(() -> SegmentSettings.from(badRule, 1)).hasMessageContaining("unknown column tier");
    Config badActivityRule = ConfigFactory.parseString("lifecycle.at-risk-activity-trend = 1.5")
        .withFallback(DEFAULTS);
    assertThatThrownBy(() -> SegmentSettings.from(badActivityRule, 1))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("at-risk-activity-trend 1.5");
    Config disabled = ConfigFactory.parseString("tasks.service.enabled = false").withFallback(DEFAULTS);
    assertThat(SegmentSettings.from(disabled, 1).taskRules()).extracting(r -> r.name()).doesNotContain("service");
  }
}
