package io.cpm.jobs.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.publish.PublishSettings.ExportMode;
import io.cpm.jobs.report.ReportSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishSettingsTest {
  @TempDir
  Path dir;

  @Test
  void everyKeyOfPublishAndReportMapsToTheTypedSettings() throws IOException {
    CpmConfig defaults = CpmConfig.defaults();
    assertThat(new TreeSet<>(defaults.section("publish").root().unwrapped().keySet())).containsExactly("crm");
    assertThat(new TreeSet<>(defaults.section("publish.crm").root().keySet()))
        .containsExactly("column-names", "columns", "decimal-places", "external-id-column", "file-name",
            "incremental", "pii-allow-list", "pii-columns", "run-date-column");
    assertThat(new TreeSet<>(defaults.section("report").root().unwrapped().keySet()))
        .containsExactly("clv-bins", "headline-kpis", "headline-period", "title", "trend-run-dates");

    Path file = dir.resolve("all.conf");
    Files.writeString(file, String.join("\n",
        "publish.crm.external-id-column = Cpm_Id__c",
        "publish.crm.run-date-column = \"\"",
        "publish.crm.columns = [clv_12m, email]",
        "publish.crm.column-names { clv_12m = CLV__c }",
        "publish.crm.pii-columns = [email, phone, name, title]",
        "publish.crm.pii-allow-list = [email]",
        "publish.crm.incremental = true",
        "publish.crm.decimal-places = 3",
        "publish.crm.file-name = scores.csv",
        "report.trend-run-dates = 7",
        "report.clv-bins = 12",
        "report.title = Nightly",
        "report.headline-kpis = [nps, churn_rate]"));
    CpmConfig config = CpmConfig.load(file, List.of());
    PublishSettings publish = PublishSettings.from(config.section("publish"));
    assertThat(publish).isEqualTo(new PublishSettings("Cpm_Id__c", "", List.of("clv_12m", "email"),
        Map.of("clv_12m", "CLV__c"), Set.of("email", "phone", "name", "title"), Set.of("email"),
        ExportMode.INCREMENTAL, 3, "scores.csv"));
    assertThat(publish.header("clv_12m")).isEqualTo("CLV__c");
    assertThat(publish.exportable("email")).isTrue();
    assertThat(publish.exportable("title")).isFalse();
    assertThat(ReportSettings.from(config.section("report"))).isEqualTo(new ReportSettings(7, 12, "Nightly",
        List.of("nps", "churn_rate"), "trailing_90_days"));

    PublishSettings builtIn = PublishSettings.from(defaults.section("publish"));
    assertThat(builtIn.mode()).isEqualTo(ExportMode.FULL);
    assertThat(builtIn.externalIdColumn()).isEqualTo("External_Id__c");
    assertThat(builtIn.columns()).doesNotContain("name", "email", "phone");
  }

  @Test
  void invalidValuesNameTheKey() throws IOException {
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "publish.crm.decimal-places = 40\n");
    assertThatThrownBy(() -> PublishSettings.from(CpmConfig.load(file, List.of()).section("publish")))
        .isInstanceOf(CpmException.class).hasMessageContaining("publish.crm.decimal-places");
    Files.writeString(file, "publish.crm.file-name = \"../x.csv\"\n");
    assertThatThrownBy(() -> PublishSettings.from(CpmConfig.load(file, List.of()).section("publish")))
        .isInstanceOf(CpmException.class).hasMessageContaining("publish.crm.file-name");
    Files.writeString(file, "report.clv-bins = 1\n");
    assertThatThrownBy(() -> ReportSettings.from(CpmConfig.load(file, List.of()).section("report")))
        .isInstanceOf(CpmException.class).hasMessageContaining("report.clv-bins");
  }
}
