package io.cpm.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import org.junit.jupiter.api.Test;

/** Option parsing and validation; none of these start Spark. */
class CliOptionsTest {
  @Test
  void helpListsCommandsAndExitCodes() {
    CliRunner.Result result = CliRunner.run("--help");
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(result.out()).contains("nightly").contains("Exit codes");
  }

  @Test
  void versionPrintsTheBuildVersion() {
    CliRunner.Result result = CliRunner.run("--version");
    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(result.out()).startsWith("cpm ").doesNotContain("unknown");
  }

  @Test
  void runDateIsRequired() {
    CliRunner.Result result = CliRunner.run("nightly");
    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("--run-date");
  }

  @Test
  void invalidRunDateIsAUsageError() {
    CliRunner.Result result = CliRunner.run("nightly", "--run-date", "2025-02-30");
    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("2025-02-30");
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRunner.Result result = CliRunner.run("frobnicate");
    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void aCommandGroupWithoutItsSubcommandIsAUsageErrorPointingAtItsHelp() {
    assertThat(CliRunner.run().err()).contains("missing command: see 'cpm --help'");
    CliRunner.Result churn = CliRunner.run("churn");
    assertThat(churn.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(churn.err()).contains("missing subcommand: see 'cpm churn --help'");
    assertThat(CliRunner.run("clv").err()).contains("missing subcommand: see 'cpm clv --help'");
  }

  @Test
  void unknownCommandWithHelpIsAUsageErrorWithASuggestion() {
    CliRunner.Result typo = CliRunner.run("nightlly", "--help");
    assertThat(typo.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(typo.err()).contains("nightlly").contains("Did you mean").contains("nightly");
    assertThat(typo.out()).doesNotContain("Exit codes");
    CliRunner.Result unknown = CliRunner.run("no-such-command", "--help");
    assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(unknown.err()).contains("no-such-command");
    CliRunner.Result nested = CliRunner.run("churn", "trian", "--help");
    assertThat(nested.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(nested.err()).contains("Did you mean").contains("train");
  }

  @Test
  void verboseIsAcceptedByEverySubcommand() {
    try {
      CliRunner.Result result = CliRunner.run("nightly", "--verbose", "--run-date", "2025-03-31", "--dry-run",
          "--config", RepoFiles.path("conf/local.conf").toString());
      assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
      assertThat(System.getProperty(ConsoleLogging.CONSOLE_LEVEL)).isEqualTo("warn");
    } finally {
      System.clearProperty(ConsoleLogging.CONSOLE_LEVEL);
    }
  }

  @Test
  void dryRunValidatesConfigWithoutSpark() {
    CliRunner.Result result = CliRunner.run("nightly", "--run-date", "2025-03-31", "--dry-run",
        "--config", RepoFiles.path("conf/local.conf").toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    assertThat(result.out()).contains("dry run").contains("paths.warehouse");
  }

  @Test
  void missingConfigFileIsAUsageError() {
    CliRunner.Result result = CliRunner.run("nightly", "--run-date", "2025-03-31", "--dry-run",
        "--config", "no/such/file.conf");
    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("no/such/file.conf");
  }
}
