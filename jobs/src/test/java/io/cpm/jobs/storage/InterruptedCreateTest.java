package io.cpm.jobs.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A process killed during a table's first write leaves {@code <table>/_delta_log/_commits} and no commit. That
 * folder must not wedge later commands: it counts as an absent table and the next write creates the table.
 */
class InterruptedCreateTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void aLogWithoutCommitIsAnAbsentTableAndTheNextWriteCreatesIt() throws Exception {
    Path warehouse = TestSpark.newDirectory("interrupted-create");
    Files.createDirectories(warehouse.resolve("t/_delta_log/_commits"));
    Tables tables = new Tables(spark, warehouse.toString(), "interrupted_create");

    assertThat(tables.exists("t")).isFalse();
    assertThat(tables.registerAll()).doesNotContain("t");

    LocalDate d = LocalDate.parse("2025-01-01");
    tables.replaceRunDate(spark.sql("SELECT 'a' AS k"), "t", d);
    assertThat(tables.exists("t")).isTrue();
    assertThat(spark.sql("SELECT count(*) FROM interrupted_create.t").first().getLong(0)).isEqualTo(1);
  }

  @Test
  void sqlRunsOnAWarehouseWithAnInterruptedFirstWrite() throws Exception {
    Path warehouse = TestSpark.newDirectory("interrupted-sql");
    Files.createDirectories(warehouse.resolve("x/_delta_log/_commits"));

    CliRunner.Result result = CliRunner.run("sql", "SELECT 1 AS one", "--config",
        io.cpm.jobs.RepoFiles.path("conf/local.conf").toString(), "--set", "paths.warehouse=" + warehouse,
        "--set", "catalog.database=interrupted_sql");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    assertThat(result.out()).contains("one");
  }
}
