package io.cpm.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option parsing and config validation of {@code cpm ingest}; --dry-run starts no Spark. */
class IngestCommandTest {
  private static final String CONF = RepoFiles.path("conf/local.conf").toString();

  @Test
  void dryRunListsTheStage() {
    CliRunner.Result result = CliRunner.run("ingest", "--run-date", "2025-03-29", "--config", CONF, "--dry-run");
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    assertThat(result.out()).contains("stages = [ingest]");
    assertThat(CliRunner.run("nightly", "--run-date", "2025-03-29", "--config", CONF, "--dry-run").out())
        .contains("stages = [ingest");
  }

  @Test
  void unknownSourceAndMissingRunDateAreUsageErrors() {
    CliRunner.Result bad = CliRunner.run("ingest", "--run-date", "2025-03-29", "--config", CONF, "--source", "sap",
        "--dry-run");
    assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err()).contains("unknown source 'sap'", "crm, erp, tickets");
    assertThat(CliRunner.run("ingest", "--config", CONF).exitCode()).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void aBadMappingFailsBeforeSparkStarts(@TempDir Path dir) throws IOException {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "sources.erp.orders.columns { \"Order No\" = order_number }\n");
    CliRunner.Result result = CliRunner.run("ingest", "--run-date", "2025-03-29", "--config", conf.toString(),
        "--dry-run");
    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("sources.erp.orders.columns.\"Order No\" = order_number", "bad.conf");
  }
}
