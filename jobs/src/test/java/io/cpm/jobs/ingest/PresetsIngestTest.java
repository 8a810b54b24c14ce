package io.cpm.jobs.ingest;

import io.cpm.metrics.schema.GoldTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.testing.TestSpark;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Each layout preset under conf/presets/ ingests its hand-written example export (written in the exporting
 * system's documented layout) and the features stage runs on the result: expressions, row filters, one file
 * feeding several entities with declared de-duplication, several patterns per column and JSON objects.
 */
class PresetsIngestTest {
  private static final String D = "2025-03-29";
  private static final SparkSession spark = TestSpark.session();

  private static Landing landing(String name, String... includes) {
    Landing landing = new Landing("preset-" + name);
    for (String include : includes) {
      landing.config("include file(\"" + RepoFiles.path(include) + "\")");
    }
    return landing.copyFrom(RepoFiles.path("conf/presets/examples/" + name + "/landing"));
  }

  private static List<Row> sql(Landing landing, String query) {
    return spark.sql(query.replace("cpm.", landing.database + ".")).collectAsList();
  }

  private static void ingestAndFeatures(Landing landing, long customers) {
    CliRunner.Result ingest = landing.ingest(D);
    assertThat(ingest.exitCode()).as(ingest.out() + ingest.err()).isEqualTo(ExitCode.OK);
    assertThat(ingest.err()).doesNotContain("Exception");
    CliRunner.Result features = landing.run("features", D);
    assertThat(features.exitCode()).as(features.out() + features.err()).isEqualTo(ExitCode.OK);
    assertThat(sql(landing, "SELECT count(*) FROM cpm." + GoldTable.CUSTOMER_FEATURES.table() + " WHERE run_date = DATE'" + D + "'")
        .get(0).getLong(0)).isEqualTo(customers);
  }

  @Test
  void shopifyOrderExportFeedsCustomersOrdersAndLinesFromOneFile() {
    Landing landing = landing("shopify", "conf/presets/shopify-orders.conf");
    ingestAndFeatures(landing, 3);
    assertThat(sql(landing, "SELECT customer_id, created_at FROM cpm.customers ORDER BY 1").toString())
        .isEqualTo("[[ann@example.com,2025-01-05], [bob@example.com,2025-01-20], [cy@example.com,2025-03-01]]");
    Map<String, String> status = sql(landing, "SELECT order_id, status FROM cpm.orders").stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    assertThat(status).containsOnly(Map.entry("#1001", "completed"), Map.entry("#1002", "completed"),
        Map.entry("#1003", "returned"), Map.entry("#1005", "cancelled"), Map.entry("#1006", "completed"));
    assertThat(sql(landing, "SELECT customer_id, order_date FROM cpm.orders WHERE order_id = '#1003'").toString())
        .as("the e-mail is lower-cased, the +0100 time converted to UTC").isEqualTo("[[ann@example.com,2025-02-02]]");
    assertThat(sql(landing, "SELECT count(*), sum(quantity) FROM cpm.order_lines").toString())
        .as("7 lines (2+1+1+1+2+2+1), one quantity written 1.0").isEqualTo("[[7,10]]");
    assertThat(sql(landing, "SELECT entity, rows_read, rows_accepted, rows_quarantined, status,"
        + " quarantined_by_reason['FILTERED'], quarantined_by_reason['DEDUPLICATED'] FROM cpm." + GoldTable.INGEST_RUNS.table() + " ORDER BY 1")
        .toString()).as("one file counted per mapping; dropped rows do not fail the gate").isEqualTo(
            "[[accounts,8,3,5,loaded,1,4], [order_lines,8,7,1,loaded,1,null], [orders,8,5,3,loaded,1,2]]");
    assertThat(sql(landing, "SELECT count(*) FROM cpm." + GoldTable.QUARANTINE.table() + " WHERE reason_code = 'DEDUPLICATED'"
        + " AND message LIKE 'same order_id as the row kept%line 2'").get(0).getLong(0)).isEqualTo(1);
  }

  @Test
  void salesforceExportsDeriveWonAndClosedFromStageFlags() {
    Landing landing = landing("salesforce", "conf/presets/salesforce-crm.conf");
    ingestAndFeatures(landing, 3);
    assertThat(sql(landing, "SELECT opportunity_id, won, closed_at FROM cpm.opportunities ORDER BY 1").toString())
        .isEqualTo("[[0065g00000B1aaAAA,true,2025-01-31], [0065g00000B1abAAA,false,2025-02-15],"
            + " [0065g00000B1acAAA,null,null], [0065g00000B1adAAA,true,2025-03-20]]");
    assertThat(sql(landing, "SELECT customer_id, created_at, size FROM cpm.customers ORDER BY 1").toString())
        .as("an ISO time with offset is converted to UTC before its date is taken").isEqualTo(
            "[[0015g00000A1aaAAA,2023-05-02,large], [0015g00000A1abAAA,2024-11-20,small],"
                + " [0015g00000A1acAAA,2024-02-29,null]]");
    assertThat(sql(landing, "SELECT activity_id, type, CAST(occurred_at AS STRING) FROM cpm.activities ORDER BY 1")
        .toString()).as("a multi-line quoted Description is one record").isEqualTo(
            "[[00T5g00000C1aaAAA,call,2025-01-20 00:00:00], [00T5g00000C1abAAA,task,2025-03-03 00:00:00],"
                + " [00T5g00000C1acAAA,email,2025-03-02 08:15:00]]");
  }

  @Test
  void zendeskTicketsMapNestedSatisfactionAndFilterTicketsWithoutOrganization() {
    Landing landing = landing("zendesk", "conf/presets/examples/zendesk.conf");
    ingestAndFeatures(landing, 2);
    assertThat(sql(landing, "SELECT ticket_id, customer_id, satisfaction, CAST(resolved_at AS STRING), type"
        + " FROM cpm.tickets ORDER BY 1").toString()).isEqualTo(
            "[[35436,509974,5,2025-03-03 08:00:00,incident], [35437,509974,null,null,question],"
                + " [35438,509975,1,2025-03-14 11:00:00,problem]]");
    assertThat(sql(landing, "SELECT row_number, reason_code FROM cpm." + GoldTable.QUARANTINE.table()).toString())
        .isEqualTo("[[4,FILTERED]]");
  }

  @Test
  void invoiceLineExportNumbersLinesWithinEachInvoiceByAWindowFunction() {
    String day = "2024-12-31";
    Landing landing = landing("online-retail", "conf/presets/examples/online-retail.conf");
    CliRunner.Result ingest = landing.ingest(day);
    assertThat(ingest.exitCode()).as(ingest.out() + ingest.err()).isEqualTo(ExitCode.OK);
    assertThat(sql(landing, "SELECT order_id, line_no, product_id, quantity FROM cpm.order_lines ORDER BY 1, 2")
        .toString()).as("numbered per invoice in file order; the unreadable price (line 4) and the line without a"
            + " customer take no number; a cancellation's quantity is positive").isEqualTo(
            "[[536365,1,85123A,6], [536365,2,71053,6], [536365,3,22752,2], [536366,1,22633,6],"
                + " [536367,1,84879,32], [536367,2,22745,6], [C536379,1,D,1]]");
    assertThat(sql(landing, "SELECT order_id, customer_id, status, currency FROM cpm.orders ORDER BY 1").toString())
        .isEqualTo("[[536365,17850,completed,GBP], [536366,17850,completed,GBP], [536367,13047,completed,GBP],"
            + " [C536379,14527,returned,GBP]]");
    assertThat(sql(landing, "SELECT customer_id, region, created_at FROM cpm.customers ORDER BY 1").toString())
        .isEqualTo("[[13047,United Kingdom,2024-12-01], [14527,United Kingdom,2024-12-01],"
            + " [17850,United Kingdom,2024-12-01]]");
    assertThat(sql(landing, "SELECT entity, rows_read, rows_accepted, rows_quarantined,"
        + " quarantined_by_reason['BAD_NUMBER'], quarantined_by_reason['FILTERED'] FROM cpm."
        + GoldTable.INGEST_RUNS.table() + " WHERE entity = 'order_lines'").toString())
        .isEqualTo("[[order_lines,9,7,2,1,1]]");
    String lines = sql(landing, "SELECT order_id, line_no, product_id FROM cpm.order_lines ORDER BY 1, 2").toString();
    CliRunner.Result again = landing.ingest(day);
    assertThat(again.exitCode()).as(again.out() + again.err()).isEqualTo(ExitCode.OK);
    assertThat(sql(landing, "SELECT order_id, line_no, product_id FROM cpm.order_lines ORDER BY 1, 2").toString())
        .as("a rerun numbers the same lines the same").isEqualTo(lines);
  }
}
