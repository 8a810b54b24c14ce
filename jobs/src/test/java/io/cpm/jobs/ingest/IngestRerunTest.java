package io.cpm.jobs.ingest;

import static io.cpm.metrics.schema.GoldTable.INGEST_RUNS;
import static io.cpm.metrics.schema.GoldTable.QUARANTINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Rerun semantics: the same date twice changes nothing, dates ingested out of order give the silver of the
 * in-order run, and the same data in another export layout (mapping config) gives identical silver.
 */
class IngestRerunTest {
  private static final SparkSession spark = TestSpark.session();
  private static final List<Entity> RERUN = List.of(Entity.ACCOUNTS, Entity.ORDERS);
  private static final List<Entity> LAYOUT = List.of(Entity.ACCOUNTS, Entity.ORDERS, Entity.ORDER_LINES,
      Entity.TICKETS);
  private static final String D1 = "2025-03-29";
  private static final String D2 = "2025-03-30";

  /** Accounts and orders over two days, with updates of D1's keys on D2 (kept small: every MERGE costs seconds). */
  private static Landing twoDays(String name) {
    Landing l = new Landing(name);
    String accounts = "customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone";
    l.file(D1, "crm", "accounts.csv", accounts,
        "C1,Acme,retail,north,small,U1,2025-01-01,,a@x.com,1",
        "C2,Beta,retail,south,large,U2,2025-02-01,2025-01-15,b@x.com,2");
    l.file(D2, "crm", "accounts.csv", accounts,
        "C3,Gamma,energy,west,mid,U1,2025-03-30,,c@x.com,3",
        "C1,Acme Renamed,retail,north,mid,U2,2025-01-01,,a@x.com,1");
    String orders = "order_id,customer_id,order_date,status,currency";
    l.file(D1, "erp", "orders.csv", orders, "O1,C1,2025-03-01,open,EUR", "O2,C2,2025-03-02,open,USD");
    l.file(D2, "erp", "orders.csv", orders, "O3,C3,2025-03-30,open,EUR", "O1,C1,2025-03-01,shipped,EUR");
    return l;
  }

  /** The first day of {@link #twoDays} plus gzipped order lines and JSON Lines tickets, in the standard layout. */
  private static Landing standardLayout(String name) {
    Landing l = twoDays(name);
    l.gzip(D1, "erp", "order_lines.csv.gz",
        "order_id,line_no,order_date,product_id,product_line,quantity,unit_price,list_price,unit_cost",
        "O1,1,2025-03-01,P1,hardware,2,10.00,12.00,5.00", "O1,2,2025-03-01,P2,service,1,99.90,,50.00");
    l.file(D1, "tickets", "tickets.jsonl",
        "{\"ticket_id\":\"T1\",\"customer_id\":\"C1\",\"created_at\":\"2025-03-02 10:00:00\",\"status\":\"open\"}");
    return l;
  }

  @Test
  void sameDateTwiceChangesNothingAndDatesOutOfOrderGiveTheSameSilver() {
    Landing inOrder = twoDays("inorder");
    ingest(inOrder, D1);
    ingest(inOrder, D2);
    Map<String, List<String>> silver = silver(inOrder, RERUN);
    Map<String, Long> audit = auditCounts(inOrder);
    assertThat(silver.get("customers")).hasSize(3).anyMatch(r -> r.startsWith("C1|Acme Renamed|retail|north|mid|U2|"));
    assertThat(silver.get("orders")).hasSize(3).anyMatch(r -> r.startsWith("O1|C1|2025-03-01|shipped|EUR|"));

    ingest(inOrder, D2);
    assertThat(silver(inOrder, RERUN)).isEqualTo(silver);
    assertThat(auditCounts(inOrder)).isEqualTo(audit);

    Landing outOfOrder = twoDays("outoforder");
    ingest(outOfOrder, D2);
    ingest(outOfOrder, D1);
    assertThat(silver(outOfOrder, RERUN)).isEqualTo(silver);
  }

  @Test
  void aHeaderOnlyExportSkipsTheMergeAndLeavesItsSilverTableAsItWas() {
    Landing landing = twoDays("headeronly");
    ingest(landing, D1);
    String d3 = "2025-03-31";
    landing.file(d3, "crm", "accounts.csv",
        "customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone");
    landing.file(d3, "erp", "orders.csv", "order_id,customer_id,order_date,status,currency",
        "O9,C2,2025-03-31,open,EUR");
    long customersVersions = versions(landing, "customers");
    long ordersVersions = versions(landing, "orders");
    Map<String, List<String>> before = silver(landing, RERUN);
    CliRunner.Result result = landing.ingest(d3);
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    assertThat(result.out() + result.err()).contains("customers unchanged (accounts: no accepted rows)")
        .doesNotContain("orders unchanged");
    assertThat(versions(landing, "customers")).isEqualTo(customersVersions);
    assertThat(versions(landing, "orders")).isEqualTo(ordersVersions + 1);
    assertThat(silver(landing, RERUN).get("customers")).isEqualTo(before.get("customers"));
    assertThat(spark.sql("SELECT rows_read FROM " + landing.database + "." + INGEST_RUNS.table()
        + " WHERE entity = 'accounts' AND run_date = DATE'" + d3 + "'").first().getLong(0)).isZero();
  }

  private static long versions(Landing landing, String table) {
    return spark.sql("DESCRIBE HISTORY " + landing.database + "." + table).count();
  }

  @Test
  void anotherExportLayoutMappedByConfigGivesIdenticalSilver() {
    Landing standard = standardLayout("layout-standard");
    ingest(standard, D1);

    Landing other = new Landing("layout-other").config("""
        sources.crm.accounts {
          delimiter = ";"
          encoding = "ISO-8859-1"
          date-format = "dd.MM.yyyy"
          columns { "Account ID" = customer_id, "Account Name" = name, "Branche" = industry, "Gebiet" = region,
                    "Groesse" = size, "Owner" = owner_id, "Angelegt" = created_at, "Erstkontakt" = first_contact_at,
                    "E-Mail" = email, "Telefon" = phone }
        }
        sources.erp.orders { file = "orders_*.txt", delimiter = "|", date-format = "MM/dd/yyyy",
          columns { "ORDER_NO" = order_id, "CUST" = customer_id, "DATE" = order_date } }
        sources.erp.order_lines { file = "lines.csv", compression = "none", header = false,
          columns { "1" = order_id, "2" = line_no, "3" = order_date, "4" = product_id, "5" = product_line,
                    "6" = quantity, "7" = unit_price, "8" = list_price, "9" = unit_cost } }
        sources.tickets.tickets { timestamp-format = "yyyy-MM-dd'T'HH:mm:ss",
          columns { id = ticket_id, customer = customer_id, opened = created_at } }
        """);
    other.file(D1, "crm", "accounts.csv", StandardCharsets.ISO_8859_1,
        "Telefon;E-Mail;Erstkontakt;Angelegt;Owner;Groesse;Gebiet;Branche;Account Name;Account ID;Notiz",
        "1;a@x.com;;01.01.2025;U1;small;north;retail;Acme;C1;Kunde seit Jänner",
        "2;b@x.com;15.01.2025;01.02.2025;U2;large;south;retail;Beta;C2;");
    other.file(D1, "erp", "orders_1.txt", "CUST|ORDER_NO|DATE|status|currency", "C1|O1|03/01/2025|open|EUR");
    other.file(D1, "erp", "orders_2.txt", "CUST|ORDER_NO|DATE|status|currency", "C2|O2|03/02/2025|open|USD");
    other.file(D1, "erp", "lines.csv", "O1,1,2025-03-01,P1,hardware,2,10.00,12.00,5.00",
        "O1,2,2025-03-01,P2,service,1,99.90,,50.00");
    other.file(D1, "tickets", "tickets.jsonl",
        "{\"id\":\"T1\",\"customer\":\"C1\",\"opened\":\"2025-03-02T10:00:00\",\"status\":\"open\"}");
    ingest(other, D1);

    Map<String, List<String>> expected = silver(standard, LAYOUT);
    Map<String, List<String>> actual = silver(other, LAYOUT);
    for (Entity entity : LAYOUT) {
      assertThat(withoutLineage(actual.get(entity.table()))).as(entity.table())
          .isEqualTo(withoutLineage(expected.get(entity.table())));
    }
    assertThat(spark.sql("SELECT _unmapped['Notiz'] FROM " + other.database + "." + Entity.ACCOUNTS.bronzeTable()
        + " WHERE customer_id = 'C1'").first().getString(0)).isEqualTo("Kunde seit Jänner");
  }

  private static void ingest(Landing landing, String date) {
    CliRunner.Result result = landing.ingest(date);
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
  }

  /** Each silver table as sorted "a|b|c" lines over all columns (lineage included). */
  private static Map<String, List<String>> silver(Landing landing, List<Entity> entities) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (Entity entity : entities) {
      List<Row> rows = spark.sql("SELECT * FROM " + landing.database + "." + entity.table()).collectAsList();
      result.put(entity.table(), rows.stream()
          .map(r -> Arrays.stream(entity.silverSchema().fieldNames()).map(f -> String.valueOf((Object) r.getAs(f)))
              .collect(Collectors.joining("|")))
          .sorted().toList());
    }
    return result;
  }

  /** Drops _source_file and _row_number (file names and header lines differ between layouts). */
  private static List<String> withoutLineage(List<String> rows) {
    return rows.stream().map(r -> {
      String[] parts = r.split("\\|", -1);
      return String.join("|", Arrays.copyOf(parts, parts.length - 3)) + "|" + parts[parts.length - 1];
    }).sorted().toList();
  }

  private static Map<String, Long> auditCounts(Landing landing) {
    Map<String, Long> result = new LinkedHashMap<>();
    for (String table : List.of(Entity.ACCOUNTS.bronzeTable(), Entity.ORDERS.bronzeTable(), QUARANTINE.table(),
        INGEST_RUNS.table())) {
      result.put(table, spark.sql("SELECT count(*) FROM " + landing.database + "." + table).first().getLong(0));
    }
    return result;
  }
}
