package io.cpm.jobs.ingest;

import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.testing.TestSpark;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Two ingests of the same date into one warehouse at the same time (two commands sharing the test's Spark
 * session; Delta's optimistic concurrency is the same as between processes on a local file system): both finish
 * and the tables equal one clean ingest, or one fails with the conflict message and exit 4; no table is corrupt.
 */
class ConcurrentIngestTest {
  private static final String D = "2025-03-29";
  private static final String ACCOUNTS_HEADER =
      "customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone";

  @Test
  void twoIngestsOfOneDateAtOnceLeaveTheTablesOfOneIngest() throws Exception {
    SparkSession spark = TestSpark.session();
    Landing landing = new Landing("concurrent-ingest").config("ingest.max-quarantine-rate = 1.0");
    landing.file(D, "crm", "accounts.csv", ACCOUNTS_HEADER, "C1,Acme,retail,north,small,U1,2025-01-01,,a@x,1",
        "C2,Beta,retail,north,small,U1,2025-01-01,,b@x,2", ",Nokey,retail,north,small,U1,2025-01-01,,c@x,3");
    landing.file(D, "erp", "orders.csv", "order_id,customer_id,order_date,status,currency",
        "O1,C1,2025-03-01,open,EUR", "O2,C2,2025-03-01,open,XXX");

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      assertThat(landing.ingest(D, "--dry-run").exitCode()).isEqualTo(ExitCode.OK);
      String[] args = {"ingest", "--run-date", D, "--config", landing.root.resolve("test.conf").toString(),
          "--set", "paths.landing=" + landing.landing, "--set", "paths.warehouse=" + landing.warehouse,
          "--set", "catalog.database=" + landing.database};
      Callable<CliRunner.Result> ingest = () -> CliRunner.run(args);
      List<Future<CliRunner.Result>> runs = pool.invokeAll(List.of(ingest, ingest));
      for (Future<CliRunner.Result> run : runs) {
        CliRunner.Result result = run.get();
        if (result.exitCode() != ExitCode.OK) {
          assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.INPUT_MISSING);
          assertThat(result.err()).contains("concurrent write conflict").contains("retry");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    String db = landing.database;
    assertThat(rows(spark, "SELECT customer_id FROM " + db + ".customers ORDER BY 1")).containsExactly("C1", "C2");
    assertThat(rows(spark, "SELECT order_id FROM " + db + ".orders ORDER BY 1")).containsExactly("O1");
    assertThat(rows(spark, "SELECT reason_code FROM " + db + "." + GoldTable.QUARANTINE.table() + " ORDER BY 1"))
        .containsExactly("MISSING_KEY", "UNKNOWN_CURRENCY");
    assertThat(rows(spark, "SELECT concat(file, ' ', rows_read, ' ', rows_accepted, ' ', rows_quarantined) FROM "
        + db + "." + GoldTable.INGEST_RUNS.table() + " WHERE status <> 'missing' ORDER BY 1"))
        .containsExactly(D + "/crm/accounts.csv 3 2 1", D + "/erp/orders.csv 2 1 1");
    assertThat(rows(spark, "SELECT count(*) FROM " + db + "." + Entity.ACCOUNTS.bronzeTable())).containsExactly("3");
  }

  private static List<String> rows(SparkSession spark, String sql) {
    return spark.sql(sql).collectAsList().stream().map(r -> String.valueOf(r.get(0))).toList();
  }
}
