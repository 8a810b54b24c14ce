package io.cpm.jobs.ingest;

import static io.cpm.metrics.schema.GoldTable.INGEST_RUNS;
import static io.cpm.metrics.schema.GoldTable.QUARANTINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.testing.TestSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Above ingest.max-quarantine-rate the run exits 3: quarantine and ingest_runs are written, silver is not. */
class IngestGateTest {
  private static final String HEADER =
      "customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone";

  @Test
  void quarantineRateAboveTheLimitFailsWithExit3AndLeavesSilverUnchanged() {
    SparkSession spark = TestSpark.session();
    Landing landing = new Landing("gate");
    landing.file("2025-03-29", "crm", "accounts.csv", HEADER, "C1,Acme,retail,north,small,U1,2025-01-01,,a@x,1");
    assertThat(landing.ingest("2025-03-29").exitCode()).isEqualTo(ExitCode.OK);

    landing.file("2025-03-30", "crm", "accounts.csv", HEADER, "C1,Renamed,retail,north,small,U1,2025-01-01,,a@x,1",
        "C2,Bad,retail,north,small,U1,someday,,b@x,2");
    CliRunner.Result result = landing.ingest("2025-03-30", "--source", "crm");
    assertThat(result.exitCode()).isEqualTo(ExitCode.DATA_QUALITY);
    assertThat(result.err()).contains("ingest.max-quarantine-rate = 0.05", "1 of 2 rows", "silver tables were left");
    assertThat(result.out()).contains("rejected");

    String db = landing.database;
    assertThat(spark.sql("SELECT name FROM " + db + ".customers").collectAsList()).extracting(r -> r.getString(0))
        .containsExactly("Acme");
    Row quarantined = spark.sql("SELECT reason_code, row_number FROM " + db + "." + QUARANTINE.table()
        + " WHERE run_date = "
        + "DATE'2025-03-30'").first();
    assertThat(quarantined.getString(0)).isEqualTo("BAD_DATE");
    assertThat(quarantined.getLong(1)).isEqualTo(3);
    Row run = spark.sql("SELECT status, rows_read, rows_quarantined FROM " + db + "." + INGEST_RUNS.table()
        + " WHERE run_date = "
        + "DATE'2025-03-30' AND entity = 'accounts'").first();
    assertThat(run.getString(0)).isEqualTo("rejected");
    assertThat(run.getLong(1)).isEqualTo(2);
    assertThat(run.getLong(2)).isEqualTo(1);
  }
}
