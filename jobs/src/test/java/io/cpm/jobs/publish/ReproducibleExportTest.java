package io.cpm.jobs.publish;

import io.cpm.metrics.schema.GoldTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Re-publishing a past run date takes personal data as of that date, not from today's silver customers. */
class ReproducibleExportTest {
  private static final LocalDate D1 = LocalDate.parse("2025-03-29");
  private static final LocalDate D2 = LocalDate.parse("2025-03-30");

  @Test
  void aPastRunDateIsExportedWithTheCustomerDataOfThatDate() throws Exception {
    SparkSession spark = TestSpark.session();
    Path dir = TestSpark.newDirectory("reproducible-export");
    Tables tables = new Tables(spark, dir.resolve("warehouse").toString(), "reproducible_export");
    String merge = "s._run_date >= t._run_date";
    tables.merge(customers(spark, "('C1', 'Old Name', DATE'2025-03-29'), ('C2', 'Two', DATE'2025-03-29')"),
        "customers", List.of("customer_id"), merge);
    tables.replaceRunDate(spark.sql("SELECT * FROM VALUES ('C1', 0.5D), ('C2', 0.25D) AS t(customer_id,"
        + " churn_probability)"), GoldTable.CUSTOMER_SCORES.table(), D1);
    // The next night renames C1 (MERGE replaces the row) and adds C3.
    tables.merge(customers(spark, "('C1', 'New Name', DATE'2025-03-30'), ('C3', 'Three', DATE'2025-03-30')"),
        "customers", List.of("customer_id"), merge);

    Path conf = dir.resolve("pii.conf");
    Files.writeString(conf, "publish.crm.columns = [churn_probability, name]\n"
        + "publish.crm.pii-allow-list = [name]\n");
    PublishSettings settings = PublishSettings.from(CpmConfig.load(conf, List.of()).section("publish"));

    List<String> names = ScoreExport.prepare(tables, D1, settings).rows().orderBy("customer_id").collectAsList()
        .stream().map(ReproducibleExportTest::cells).toList();
    assertThat(names).hasSize(2);
    assertThat(names.get(0)).contains("Old Name").doesNotContain("New Name");
    assertThat(names.get(1)).contains("Two");

    tables.replaceRunDate(spark.sql("SELECT * FROM VALUES ('C1', 0.5D) AS t(customer_id, churn_probability)"),
        GoldTable.CUSTOMER_SCORES.table(), D2);
    assertThat(cells(ScoreExport.prepare(tables, D2, settings).rows().first())).contains("New Name");
  }

  private static org.apache.spark.sql.Dataset<Row> customers(SparkSession spark, String values) {
    return spark.sql("SELECT * FROM VALUES " + values + " AS t(customer_id, name, _run_date)");
  }

  private static String cells(Row row) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < row.length(); i++) {
      text.append(row.get(i)).append('|');
    }
    return text.toString();
  }
}
