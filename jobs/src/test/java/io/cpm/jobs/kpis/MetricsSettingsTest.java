package io.cpm.jobs.kpis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.features.FeaturesSettings;
import io.cpm.metrics.features.FeatureParameters;
import io.cpm.metrics.kpi.AlertRules;
import io.cpm.metrics.kpi.KpiParameters;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The features and kpis config sections map completely onto the typed settings; no Spark. */
class MetricsSettingsTest {
  private static CpmConfig load(String... overrides) {
    return CpmConfig.load(RepoFiles.path("conf/local.conf"), List.of(overrides));
  }

  @Test
  void defaultsMatchTheLibraryDefaults() {
    FeatureParameters features = FeaturesSettings.from(load()).parameters();
    assertThat(features).isEqualTo(FeatureParameters.defaults());
    KpisSettings kpis = KpisSettings.from(load());
    assertThat(kpis.parameters()).isEqualTo(KpiParameters.defaults());
    assertThat(kpis.alertRules().targets()).containsExactlyInAnyOrder(
        new AlertRules.Target("ltv_to_cac", 3.0, null), new AlertRules.Target("nps", 30.0, null),
        new AlertRules.Target("first_response_hours", null, 4.0));
    assertThat(kpis.alertRules().defaultChangeThreshold()).isEqualTo(0.25);
  }

  @Test
  void everyKeyMapsOntoTheSettings() {
    CpmConfig config = load(
        "features.currency.base=USD", "features.currency.rates.EUR=1.09", "features.currency.rates.CHF=1.1",
        "features.windows.year-days=360", "features.windows.trend-days=60", "features.windows.recent-days=14",
        "features.excluded-order-statuses=[void, cancelled]", "features.return-order-statuses=[RMA]",
        "features.complaint-ticket-type=grievance", "kpis.inactive-days=90", "kpis.lifetime-years=5", "kpis.funnel-stages=[lead, won]", "kpis.lost-stages=[gone]",
        "kpis.sales-activity-types=[call]", "kpis.targets.win_rate.min=20", "kpis.targets.nps.max=99",
        "kpis.change-thresholds.default=0.5", "kpis.change-thresholds.lost_reason_share=0.1");
    FeatureParameters features = FeaturesSettings.from(config).parameters();
    assertThat(features.baseCurrency()).isEqualTo("USD");
    assertThat(features.rates()).containsEntry("EUR", 1.09).containsEntry("CHF", 1.1).containsEntry("USD", 1.0);
    assertThat(List.of(features.yearDays(), features.trendDays(), features.recentDays())).containsExactly(360, 60, 14);
    assertThat(features.excludedOrderStatuses()).containsExactlyInAnyOrder("void", "cancelled");
    assertThat(features.returnOrderStatuses()).containsExactly("rma");
    assertThat(features.complaintTicketType()).isEqualTo("grievance");
    KpisSettings kpis = KpisSettings.from(config);
    assertThat(kpis.parameters().features()).isEqualTo(features);
    assertThat(kpis.parameters().inactiveDays()).isEqualTo(90);
    assertThat(kpis.parameters().lifetimeYears()).isEqualTo(5.0);
    assertThat(kpis.parameters().funnelStages()).containsExactly("lead", "won");
    assertThat(kpis.parameters().salesActivityTypes()).containsExactly("call");
    assertThat(kpis.parameters().lostStages()).containsExactly("gone");
    assertThat(kpis.alertRules().targets()).contains(new AlertRules.Target("win_rate", 20.0, null),
        new AlertRules.Target("nps", 30.0, 99.0));
    assertThat(kpis.alertRules().defaultChangeThreshold()).isEqualTo(0.5);
    assertThat(kpis.alertRules().changeThreshold("lost_reason_share")).isEqualTo(0.1);
    // every leaf key of both sections was set above (rates and targets are free-form sub-trees)
    Set<String> leaves = new TreeSet<>();
    for (String section : List.of("features", "kpis")) {
      config.section(section).entrySet().forEach(e -> leaves.add(section + "." + e.getKey()));
    }
    assertThat(leaves).containsExactlyInAnyOrder("features.currency.base", "features.currency.rates.USD",
        "features.currency.rates.GBP", "features.currency.rates.EUR", "features.currency.rates.CHF",
        "features.windows.year-days", "features.windows.trend-days", "features.windows.recent-days",
        "features.excluded-order-statuses", "features.return-order-statuses", "features.complaint-ticket-type",
        "kpis.inactive-days",
        "kpis.lifetime-years", "kpis.funnel-stages", "kpis.lost-stages", "kpis.sales-activity-types", "kpis.targets.ltv_to_cac.min",
        "kpis.targets.nps.min", "kpis.targets.nps.max", "kpis.targets.first_response_hours.max",
        "kpis.targets.win_rate.min", "kpis.change-thresholds.default", "kpis.change-thresholds.lost_reason_share");
  }

  @Test
  void misspeltTargetsAndBadValuesAreUsageErrors() {
    assertThatThrownBy(() -> KpisSettings.from(load("kpis.targets.npss.min=30")))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("npss");
    assertThatThrownBy(() -> KpisSettings.from(load("kpis.targets.nps.minimum=30")))
        .hasMessageContaining("kpis.targets.nps.minimum");
    assertThatThrownBy(() -> FeaturesSettings.from(load("features.currency.rates.USD=-1")))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("USD");
    assertThatThrownBy(() -> KpisSettings.from(load("kpis.inactive-days=0")))
        .hasMessageContaining("inactiveDays");
  }
}
