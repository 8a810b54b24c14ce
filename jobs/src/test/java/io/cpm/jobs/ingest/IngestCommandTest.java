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

  @Test
  void checkMappingReadsOnlyTheFirstRowsAndDryRunRunsTheSameCheck() {
    String landing = "paths.landing=" + RepoFiles.path("sample-data/landing");
    CliRunner.Result check = CliRunner.run("check-mapping", "--run-date", "2025-03-29", "--config", CONF, "--set",
        landing, "--rows", "40");
    assertThat(check.exitCode()).as(check.err()).isEqualTo(ExitCode.OK);
    assertThat(check.out()).contains("sources.crm.accounts  (", "sources.conf: ", "2025-03-29/crm/accounts.csv",
        "columns found: customer_id, name,", "first 40 rows: 40 accepted by the row checks",
        "2025-03-29/erp/order_lines.csv.gz", "sample line 2: order_id=");
    CliRunner.Result missing = CliRunner.run("ingest", "--run-date", "2025-03-29", "--config", CONF, "--set",
        landing, "--set", "sources.erp.orders.derive.status=lower(state)", "--dry-run");
    assertThat(missing.exitCode()).as(missing.out()).isEqualTo(ExitCode.DATA_QUALITY);
    assertThat(missing.out()).contains("stages = [ingest]", "PROBLEM: file 2025-03-29/erp/orders.csv",
        "header lacks column(s) 'state' used by sources.erp.orders.derive.status");
  }
}
