package io.cpm.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import io.cpm.metrics.testing.TestSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code cpm ingest} with ingest.identity: CRM accounts keyed by account id, ERP orders by customer number and
 * help-desk tickets by requester e-mail (case and plus-address variants, a free-mail address, one e-mail two
 * accounts share). Kept to a few tiny files: every ingest costs seconds.
 */
class IdentityIngestTest {
  private static final SparkSession SPARK = TestSpark.session();
  private static final String D1 = "2025-03-29";
  private static final String D2 = "2025-03-30";
  private static final String D3 = "2025-03-31";
  private static final String ACCOUNTS =
      "customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone";

  private static String ticket(String id, String requester) {
    return "{\"ticket_id\":\"" + id + "\",\"customer_id\":\"" + requester
        + "\",\"created_at\":\"2025-03-02 10:00:00\",\"status\":\"open\"}";
  }

  @Test
  void helpDeskEmailsResolveToCrmAccountsConflictsAreQuarantinedAndIdsStayOverThreeNights() {
    Landing l = new Landing("identity-b2b").config("""
        ingest.max-quarantine-rate = 0.9
        ingest.identity.rules.tickets.tickets = [email, { kind = email-domain, name = company_domain }]
        """);
    l.file(D1, "crm", "accounts.csv", ACCOUNTS,
        "0015A,Acme,retail,north,small,U1,2025-01-01,,jane@acme.com,",
        "0015B,Umbrella,retail,south,large,U2,2025-01-01,,info@umbrella.com,",
        "0015C,Umbrella GmbH,retail,south,large,U2,2025-01-01,,INFO@umbrella.com,",
        "0015D,Bob,retail,west,small,U1,2025-01-01,,bob@gmail.com,");
    l.file(D1, "tickets", "tickets.jsonl", ticket("T1", "Jane+support@ACME.com"), ticket("T2", "tom@acme.com"),
        ticket("T3", "info@umbrella.com"), ticket("T4", "someone@gmail.com"), ticket("T5", "jane@acme.com"));
    ok(l.ingest(D1));
    assertThat(silverTickets(l)).containsExactly("T1=0015A", "T2=0015A", "T5=0015A");
    assertThat(quarantine(l, D1)).containsExactly(
        "tickets.jsonl:3 IDENTITY_CONFLICT customer_id = 'info@umbrella.com' matches several customers under"
            + " identity rule email (ingest.identity.rules.tickets.tickets): 0015B, 0015C; give each customer its"
            + " own value or put a more specific rule first",
        "tickets.jsonl:4 UNKNOWN_CUSTOMER customer_id = 'someone@gmail.com' is neither in customers nor among"
            + " this run's accepted accounts");
    assertThat(identityReferences(l, D1, Entity.TICKETS)).isEqualTo(
        "{company_domain=1, conflict=1, email=2, unmatched=1}");

    // Night 2: a new account takes ann@acme.com; tom stays with Acme (ids never move), ann joins the new one.
    l.file(D2, "crm", "accounts.csv", ACCOUNTS, "0015E,Acme Labs,retail,north,small,U1,2025-03-30,,ann@acme.com,");
    l.file(D2, "tickets", "tickets.jsonl", ticket("T6", "tom@acme.com"), ticket("T7", "Ann@acme.com"));
    ok(l.ingest(D2));
    // Night 3: known references keep their customer, a new spelling of Jane's address joins Acme. (A rerun of a
    // date inserting nothing is checked by IdentityStepTest, without the cost of another ingest.)
    l.file(D3, "tickets", "tickets.jsonl", ticket("T8", "tom@acme.com"), ticket("T9", "jane+billing@acme.com"));
    ok(l.ingest(D3));
    assertThat(identity(l)).containsExactly(
        "tickets|tickets|Ann@acme.com|0015E|email|2025-03-30",
        "tickets|tickets|Jane+support@ACME.com|0015A|email|2025-03-29",
        "tickets|tickets|jane+billing@acme.com|0015A|email|2025-03-31",
        "tickets|tickets|jane@acme.com|0015A|email|2025-03-29",
        "tickets|tickets|tom@acme.com|0015A|company_domain|2025-03-29");
    assertThat(silverTickets(l)).containsExactly("T1=0015A", "T2=0015A", "T5=0015A", "T6=0015A", "T7=0015E",
        "T8=0015A", "T9=0015A");
  }

  @Test
  void anErpOnlyCompanyNeedsNoAccountsFileWithCreateUnmatched() {
    Landing l = new Landing("identity-erp-only").config("""
        ingest.sources = ["erp"]
        ingest.identity.create-unmatched = true
        """);
    String orders = "order_id,customer_id,order_date,status,currency";
    l.file(D1, "erp", "orders.csv", orders, "O1,100234,2025-03-10,completed,EUR",
        "O2,100234,2025-03-02,completed,EUR", "O3,100777,2025-03-15,completed,EUR");
    ok(l.ingest(D1));
    l.file(D2, "erp", "orders.csv", orders, "O4,100777,2025-03-30,completed,EUR", "O5,100900,2025-03-30,completed,EUR");
    ok(l.ingest(D2));
    assertThat(rows(l, Entity.ACCOUNTS.table(), "customer_id, created_at")).containsExactly(
        "erp:100234|2025-03-02", "erp:100777|2025-03-15", "erp:100900|2025-03-30");
    assertThat(rows(l, Entity.ORDERS.table(), "order_id, customer_id")).containsExactly(
        "O1|erp:100234", "O2|erp:100234", "O3|erp:100777", "O4|erp:100777", "O5|erp:100900");
    assertThat(identityReferences(l, D2, Entity.ORDERS)).isEqualTo("{created=1, known=1}");
    assertThat(quarantine(l, D1)).isEmpty();
  }

  private static void ok(CliRunner.Result result) {
    assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(ExitCode.OK);
  }

  private static List<String> silverTickets(Landing l) {
    return rows(l, Entity.TICKETS.table(), "ticket_id, customer_id").stream().map(r -> r.replace('|', '='))
        .toList();
  }

  private static List<String> identity(Landing l) {
    return rows(l, GoldTable.CUSTOMER_IDENTITY.table(), "*");
  }

  private static List<String> quarantine(Landing l, String date) {
    return SPARK.sql("SELECT file, row_number, reason_code, message FROM " + l.database + "."
            + GoldTable.QUARANTINE.table() + " WHERE run_date = DATE'" + date + "'").collectAsList().stream()
        .map(r -> r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1) + ":" + r.getLong(1) + " "
            + r.getString(2) + " " + r.getString(3))
        .sorted().toList();
  }

  /** ingest_runs.identity_references of an entity's file, sorted by outcome. */
  private static String identityReferences(Landing l, String date, Entity entity) {
    Row row = SPARK.sql("SELECT identity_references FROM " + l.database + "." + GoldTable.INGEST_RUNS.table()
        + " WHERE run_date = DATE'" + date + "' AND entity = '" + entity.entityName() + "'").first();
    return new java.util.TreeMap<>(row.<String, Long>getJavaMap(0)).toString();
  }

  private static List<String> rows(Landing l, String table, String columns) {
    return SPARK.sql("SELECT " + columns + " FROM " + l.database + "." + table).collectAsList().stream()
        .map(r -> r.mkString("|")).sorted().toList();
  }
}
