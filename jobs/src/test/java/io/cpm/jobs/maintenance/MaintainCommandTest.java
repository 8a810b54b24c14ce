package io.cpm.jobs.maintenance;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SCORES;
import static io.cpm.metrics.schema.GoldTable.PIPELINE_RUNS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.testing.TestSpark;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** cpm maintain on small tables written as many small files: fewer files afterwards, same rows. */
class MaintainCommandTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void compactsZOrdersAndVacuumsWithoutChangingData() throws IOException {
    Path warehouse = TestSpark.newDirectory("maintain-wh");
    String customers = warehouse.resolve("customers").toUri().toString();
    String scores = warehouse.resolve(CUSTOMER_SCORES.table()).toUri().toString();
    Dataset<Row> customerRows = spark.range(0, 400).selectExpr(
        "format_string('C%05d', id) AS customer_id", "CAST(id % 7 AS INT) AS region_id", "id * 1.5 AS revenue");
    customerRows.repartition(6).write().format("delta").save(customers);
    // A per-run table: two run dates, each written as several files; only the run date's one is compacted.
    for (String date : List.of("2025-03-30", "2025-03-31")) {
      customerRows.withColumn("run_date", functions.lit(java.sql.Date.valueOf(date))).repartition(4)
          .write().format("delta").mode("append").partitionBy("run_date").save(scores);
    }
    List<Row> customersBefore = sorted(spark.read().format("delta").load(customers));
    List<Row> scoresBefore = sorted(spark.read().format("delta").load(scores));
    assertThat(activeFiles(customers)).isEqualTo(6);
    long physicalBefore = parquetFiles(warehouse.resolve("customers"));

    CliRunner.Result result = CliRunner.run("maintain", "--run-date", "2025-03-31",
        "--config", RepoFiles.path("conf/local.conf").toString(),
        "--set", "paths.warehouse=" + warehouse,
        "--set", "catalog.database=maintain_test",
        "--set", "maintenance.vacuum-retention-hours=0",
        "--set", "maintenance.zorder-min-bytes=0");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    assertThat(activeFiles(customers)).isEqualTo(1);
    assertThat(parquetFiles(warehouse.resolve("customers"))).isLessThan(physicalBefore).isEqualTo(1);
    // 2025-03-31 compacted to one file, 2025-03-30 left as it was (4 files).
    assertThat(activeFilesIn(scores, "2025-03-31")).isEqualTo(1);
    assertThat(activeFilesIn(scores, "2025-03-30")).isEqualTo(4);
    assertThat(sorted(spark.read().format("delta").load(customers))).isEqualTo(customersBefore);
    assertThat(sorted(spark.read().format("delta").load(scores))).isEqualTo(scoresBefore);
    assertThat(result.out())
        .contains("customers (whole table): optimize 6 files -> 1 (z-order customer_id); vacuum deleted 6 files")
        .contains("customer_scores (run_date 2025-03-31): optimize 4 files -> 1 (z-order customer_id);"
            + " vacuum deleted 4 files");
  }

  @Test
  void smallTablesAreOnlyCompactedAndExcludedTablesUntouched() {
    Path warehouse = TestSpark.newDirectory("maintain-small");
    String orders = warehouse.resolve("orders").toUri().toString();
    String audit = warehouse.resolve(PIPELINE_RUNS.table()).toUri().toString();
    spark.range(0, 50).selectExpr("CAST(id AS STRING) AS customer_id").repartition(3)
        .write().format("delta").save(orders);
    spark.range(0, 10).repartition(2).write().format("delta").save(audit);

    CliRunner.Result result = CliRunner.run("maintain", "--run-date", "2025-03-31",
        "--config", RepoFiles.path("conf/local.conf").toString(),
        "--set", "paths.warehouse=" + warehouse,
        "--set", "catalog.database=maintain_small",
        "--set", "maintenance.exclude-tables=[pipeline_runs]");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    assertThat(result.out()).contains("orders (whole table): optimize 3 files -> 1; vacuum deleted 0 files older than 168 h")
        .doesNotContain("pipeline_runs (");
    assertThat(activeFiles(orders)).isEqualTo(1);
    assertThat(activeFiles(audit)).isEqualTo(2);
  }

  @Test
  void dryRunStartsNothingAndNegativeRetentionIsAUsageError() {
    CliRunner.Result dry = CliRunner.run("maintain", "--run-date", "2025-03-31", "--dry-run",
        "--config", RepoFiles.path("conf/local.conf").toString());
    assertThat(dry.exitCode()).as(dry.err()).isEqualTo(ExitCode.OK);
    assertThat(dry.out()).contains("stages = [maintain]");

    CliRunner.Result bad = CliRunner.run("maintain", "--run-date", "2025-03-31", "--dry-run",
        "--config", RepoFiles.path("conf/local.conf").toString(),
        "--set", "maintenance.vacuum-retention-hours=-1");
    assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err()).contains("maintenance.vacuum-retention-hours");
  }

  private long activeFiles(String location) {
    return DeltaTable.forPath(spark, location).detail().first().<Long>getAs("numFiles");
  }

  private long activeFilesIn(String location, String runDate) {
    return spark.read().format("delta").load(location).where("run_date = DATE'" + runDate + "'")
        .select(functions.input_file_name()).distinct().count();
  }

  private static long parquetFiles(Path table) throws IOException {
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")
          && !p.toString().contains("_delta_log")).count();
    }
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.orderBy(rows.columns()[0], rows.columns()).collectAsList();
  }
}
