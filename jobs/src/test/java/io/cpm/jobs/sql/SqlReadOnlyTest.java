package io.cpm.jobs.sql;

import io.cpm.metrics.schema.GoldTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Analyst SQL is read-only by default: {@code cpm sql} and the JDBC server refuse writes, DDL and SET key=value
 * (exit 2 with the reason); {@code --allow-writes} runs them. The JDBC server's password and read-only checks are in
 * {@link SqlServerTest} (one HiveServer2 per test JVM).
 */
class SqlReadOnlyTest {
  private static final String DATABASE = "sql_read_only";
  private static final SparkSession spark = TestSpark.session();
  private static Tables tables;
  private static Path warehouse;

  @BeforeAll
  static void warehouse() {
    warehouse = TestSpark.newDirectory("sql-read-only");
    tables = new Tables(spark, warehouse.toString(), DATABASE);
    tables.overwrite(spark.sql("SELECT * FROM VALUES ('Q1', 'BAD_DATE'), ('Q2', 'BAD_NUMBER') AS t(id, reason_code)"),
        GoldTable.QUARANTINE.table());
  }

  private static CliRunner.Result sql(String... args) {
    List<String> all = new ArrayList<>(List.of("sql", "--config", RepoFiles.path("conf/local.conf").toString(),
        "--set", "paths.warehouse=" + warehouse, "--set", "catalog.database=" + DATABASE));
    all.addAll(List.of(args));
    return CliRunner.run(all.toArray(String[]::new));
  }

  private static long rows() {
    return tables.read(GoldTable.QUARANTINE.table()).count();
  }

  @Test
  void writesDdlAndSettingChangesAreRefusedWithExit2() {
    for (String statement : List.of(
        "DELETE FROM " + DATABASE + "." + GoldTable.QUARANTINE.table() + " WHERE id = 'Q1'",
        "delete /* hidden */ from quarantine",
        "UPDATE quarantine SET reason_code = 'x'",
        "INSERT INTO quarantine VALUES ('Q3', 'X')",
        "WITH q AS (SELECT 'Q9' AS id, 'X' AS reason_code) INSERT INTO quarantine SELECT * FROM q",
        "MERGE INTO quarantine t USING quarantine s ON t.id = s.id WHEN MATCHED THEN DELETE",
        "DROP TABLE quarantine",
        "TRUNCATE TABLE quarantine",
        "CREATE TABLE copy AS SELECT * FROM " + GoldTable.QUARANTINE.table(),
        "ALTER TABLE quarantine ADD COLUMNS (extra STRING)",
        "VACUUM quarantine",
        "SET spark.sql.shuffle.partitions=7",
        "SELECT reflect('java.lang.System', 'setProperty', 'cpm.test.reflect', 'x')",
        "WITH q AS (SELECT java_method('java.lang.System', 'setProperty', 'cpm.test.reflect', 'x') AS v)"
            + " SELECT * FROM q",
        "SELECT * FROM " + GoldTable.QUARANTINE.table() + " WHERE id IN (SELECT reflect('java.lang.System', 'getProperty', 'user.home'))")) {
      CliRunner.Result result = sql(statement);
      assertThat(result.exitCode()).as(statement + ": " + result.err()).isEqualTo(ExitCode.USAGE);
      assertThat(result.err()).as(statement).contains("refused").contains("read-only").contains("--allow-writes")
          .doesNotContain("\tat ");
    }
    assertThat(rows()).isEqualTo(2);
    assertThat(System.getProperty("cpm.test.reflect")).isNull();
    assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isNotEqualTo("7");
    assertThat(tables.read(GoldTable.QUARANTINE.table()).columns()).doesNotContain("extra");
  }

  @Test
  void queriesAndMetadataCommandsRun() {
    for (String statement : List.of("SELECT count(*) AS n FROM " + GoldTable.QUARANTINE.table(), "SHOW TABLES",
        "DESCRIBE quarantine", "EXPLAIN SELECT * FROM " + GoldTable.QUARANTINE.table(), "SET spark.sql.shuffle.partitions")) {
      CliRunner.Result result = sql(statement);
      assertThat(result.exitCode()).as(statement + ": " + result.err()).isEqualTo(ExitCode.OK);
    }
  }

  @Test
  void allowWritesRunsAWriteAndSaysSo() {
    tables.overwrite(spark.sql("SELECT * FROM VALUES ('M1'), ('M2') AS t(id)"), "maintenance");
    CliRunner.Result result = sql("--allow-writes", "DELETE FROM maintenance WHERE id = 'M1'");
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    assertThat(result.err()).contains("--allow-writes");
    assertThat(tables.read("maintenance").count()).isEqualTo(1);
  }
}
