package io.cpm.jobs.kpis;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_FEATURES;
import static io.cpm.metrics.schema.GoldTable.KPI_ALERTS;
import static io.cpm.metrics.schema.GoldTable.KPI_VALUES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import io.cpm.metrics.testing.SampleSilver;
import io.cpm.metrics.testing.TestSpark;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code cpm features} and {@code cpm kpis} on the hand-made silver data of {@link SampleSilver} written to a
 * scratch warehouse: tables, exit codes for a missing input and an unknown currency.
 */
class FeaturesAndKpisCommandTest {
  private static final String DATABASE = "metrics_cli_test";
  private static final SparkSession SPARK = TestSpark.session();
  private static Path warehouse;
  private static Tables tables;

  @BeforeAll
  static void writeSilver() {
    warehouse = TestSpark.newDirectory("metrics-wh");
    tables = new Tables(SPARK, warehouse.toString(), DATABASE);
    SilverTables silver = SampleSilver.base().build();
    for (Entity entity : Entity.values()) {
      tables.overwrite(silver.table(entity), entity.table());
    }
  }

  private static CliRunner.Result cpm(String command, String runDate, String... extra) {
    String[] base = {command, "--run-date", runDate, "--config", RepoFiles.path("conf/local.conf").toString(),
        "--set", "paths.warehouse=" + warehouse, "--set", "catalog.database=" + DATABASE};
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRunner.run(args);
  }

  @Test
  void featuresThenKpisWriteTheirTablesForTheRunDate() {
    CliRunner.Result features = cpm("features", "2025-03-31");
    assertThat(features.exitCode()).as(features.err()).isEqualTo(ExitCode.OK);
    assertThat(SPARK.sql("SELECT customer_id, revenue_lifetime FROM " + DATABASE + "." + CUSTOMER_FEATURES.table()
        + " WHERE run_date = DATE'2025-03-31' ORDER BY customer_id").collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("C1", "C2", "C3");

    CliRunner.Result kpis = cpm("kpis", "2025-03-31");
    assertThat(kpis.exitCode()).as(kpis.err()).isEqualTo(ExitCode.OK);
    assertThat(kpis.out()).contains("KPI alerts");
    // the README example query: company NPS this quarter = 100 * (0 promoters - 1 detractor) / 1 response
    Row nps = SPARK.sql("SELECT value, unit FROM " + DATABASE + "." + KPI_VALUES.table()
        + " WHERE run_date = DATE'2025-03-31'"
        + " AND scope_type = 'company' AND kpi = 'nps' AND period = 'quarter'").first();
    assertThat(nps.getDouble(0)).isCloseTo(-100.0, within(1e-9));
    // -100 misses the default target nps >= 30
    assertThat(SPARK.sql("SELECT reason, target FROM " + DATABASE + "." + KPI_ALERTS.table()
        + " WHERE run_date = DATE'2025-03-31'"
        + " AND kpi = 'nps' AND scope_type = 'company' AND period = 'quarter'").collectAsList())
        .extracting(r -> r.getString(0) + " " + r.getDouble(1)).containsExactly("missed_target 30.0");

    // no customer_features for another run date: input missing (4), naming the command to run first
    CliRunner.Result missing = cpm("kpis", "2025-03-30");
    assertThat(missing.exitCode()).isEqualTo(ExitCode.INPUT_MISSING);
    assertThat(missing.err()).contains(CUSTOMER_FEATURES.table()).contains("cpm features --run-date 2025-03-30");
  }

  @Test
  void unknownCurrencyFailsTheFeaturesStageWithExit3() {
    // with USD as the base, the EUR orders and invoices have no rate
    CliRunner.Result result = cpm("features", "2025-03-31", "--set", "features.currency.base=USD");
    assertThat(result.exitCode()).isEqualTo(ExitCode.DATA_QUALITY);
    assertThat(result.err()).contains("Unknown currency EUR").contains("features.currency.rates");
  }
}
