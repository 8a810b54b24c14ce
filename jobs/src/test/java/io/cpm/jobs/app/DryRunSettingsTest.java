package io.cpm.jobs.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The settings rule of docs/architecture.md: every stage gets typed settings built when the pipeline is assembled,
 * so {@code --dry-run} (which starts no Spark) rejects a bad value in any stage's section with exit 2.
 */
class DryRunSettingsTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "nightly     | ingest.max-line-bytes=100                              | ingest.max-line-bytes",
      "nightly     | features.windows.year-days=0                           | yearDays",
      "nightly     | segments.kmeans.k-min=several                          | segments",
      "nightly     | scoring.clv.model=xyz                                  | xyz",
      "nightly     | kpis.inactive-days=several                             | kpis",
      "nightly     | publish.crm.decimal-places=99                          | publish.crm.decimal-places",
      "nightly     | report.clv-bins=1                                      | report.clv-bins",
      "nightly     | maintenance.in-nightly=true,maintenance.vacuum-retention-hours=-1 | vacuum-retention-hours",
      "segment     | segments.kmeans.k-min=several                          | segments",
      "score       | scoring.clv.model=xyz                                  | xyz",
      "churn train | scoring.clv.model=xyz                                  | xyz",
      "publish     | publish.crm.decimal-places=99                          | publish.crm.decimal-places",
      "report      | report.clv-bins=1                                      | report.clv-bins",
  })
  void aBadValueInAnySectionFailsTheDryRunWithExit2(String command, String settings, String named) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of("--run-date", "2025-03-31", "--dry-run", "--config",
        RepoFiles.path("conf/local.conf").toString()));
    for (String setting : settings.split(",")) {
      args.addAll(List.of("--set", setting));
    }
    CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains(named).doesNotContain("\tat ");
    assertThat(result.out()).doesNotContain("dry run:");
  }
}
