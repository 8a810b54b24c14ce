package io.cpm.jobs.ingest.identity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.identity.IdentityResolver.Kind;
import io.cpm.metrics.identity.IdentityResolver.Parameters;
import io.cpm.metrics.identity.IdentityResolver.Rule;
import io.cpm.metrics.identity.MatchKeys;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import io.cpm.metrics.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest identity step on tiny frames: help-desk tickets that know the customer only by requester e-mail
 * (case and plus-address variants, a free-mail address, one e-mail two accounts share), three nights against
 * one customer_identity table, and an ERP-only company whose orders create the customers.
 */
class IdentityStepTest {
  private static final SparkSession SPARK = TestSpark.session();
  private static final LocalDate NIGHT_1 = LocalDate.parse("2025-03-29");
  private static final LocalDate NIGHT_2 = NIGHT_1.plusDays(1);
  private static final LocalDate NIGHT_3 = NIGHT_1.plusDays(2);

  private static final StructType TICKETS = new StructType()
      .add(Entity.SOURCE_FILE, DataTypes.StringType)
      .add(Entity.ROW_NUMBER, DataTypes.LongType)
      .add("ticket_id", DataTypes.StringType)
      .add("customer_id", DataTypes.StringType)
      .add("created_at", DataTypes.TimestampType);
  private static final StructType ORDERS = new StructType()
      .add(Entity.SOURCE_FILE, DataTypes.StringType)
      .add(Entity.ROW_NUMBER, DataTypes.LongType)
      .add("order_id", DataTypes.StringType)
      .add("customer_id", DataTypes.StringType)
      .add("order_date", DataTypes.DateType);

  private static final IdentitySettings TICKET_RULES = new IdentitySettings(Map.of(Entity.TICKETS, List.of(
      new Rule("email", Kind.EMAIL, List.of("customer_id"), List.of("email")),
      new Rule("domain", Kind.EMAIL_DOMAIN, List.of("customer_id"), List.of("email")))),
      new Parameters(MatchKeys.DEFAULT_FREE_MAIL_DOMAINS, "US", false));

  @TempDir
  Path dir;

  /** CRM accounts: ids, e-mails; ACME and its duplicate Umbrella accounts share info@umbrella.com. */
  private static Dataset<Row> accounts(String... idEmail) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < idEmail.length; i += 2) {
      Object[] values = new Object[Entity.ACCOUNTS.schema().size()];
      values[0] = idEmail[i];
      values[Entity.ACCOUNTS.schema().fieldIndex("created_at")] = Date.valueOf("2024-01-01");
      values[Entity.ACCOUNTS.schema().fieldIndex("email")] = idEmail[i + 1];
      rows.add(RowFactory.create(values));
    }
    return SPARK.createDataFrame(rows, Entity.ACCOUNTS.schema());
  }

  private static final Dataset<Row> CRM = accounts(
      "0015A", "jane@acme.com",
      "0015B", "info@umbrella.com",
      "0015C", "INFO@umbrella.com",
      "0015D", "bob@gmail.com");

  private static Dataset<Row> tickets(String file, String... emails) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < emails.length; i++) {
      rows.add(RowFactory.create(file, i + 2L, file + "-" + i, emails[i], Timestamp.valueOf("2025-03-20 10:00:00")));
    }
    return SPARK.createDataFrame(rows, TICKETS);
  }

  @Test
  void ticketsResolveByEmailThenDomainConflictsAreQuarantinedAndIdsStayOverThreeNights() {
    Tables tables = new Tables(SPARK, dir.resolve("warehouse").toString(), "identity_step");
    String table = GoldTable.CUSTOMER_IDENTITY.table();

    Dataset<Row> night1 = tickets("t1.jsonl", "Jane+support@ACME.com", " jane@acme.com ", "tom@acme.com",
        "info@umbrella.com", "someone@gmail.com", "nobody@initech.com");
    IdentityStep.Outcome first = IdentityStep.resolve(Entity.TICKETS, night1, CRM, null, TICKET_RULES, NIGHT_1);
    // Distinct references per outcome: the two Jane spellings by e-mail, tom by the acme.com domain; the
    // shared Umbrella address and the initech / gmail addresses (no domain match on free mail) are not assigned.
    assertThat(first.counts()).isEqualTo(Map.of("email", 2L, "domain", 1L, IdentityStep.CONFLICT, 1L,
        IdentityStep.UNMATCHED, 2L));
    assertThat(first.conflicts()).singleElement().satisfies(r -> {
      assertThat(r.getString(0)).isEqualTo("t1.jsonl");
      assertThat(r.getLong(1)).isEqualTo(5L);
      assertThat(r.getString(2)).isEqualTo("IDENTITY_CONFLICT");
      assertThat(r.getString(3)).contains("info@umbrella.com", "rule email", "0015B, 0015C",
          "ingest.identity.rules.tickets.tickets");
    });
    Dataset<Row> nested = night1.select(col(Entity.SOURCE_FILE), col(Entity.ROW_NUMBER),
        org.apache.spark.sql.functions.struct(col("ticket_id"), col("customer_id")).as("typed"));
    assertThat(ids(IdentityStep.rewrite(nested, "typed", first.assignments()), "ticket_id")).containsExactly(
        "t1.jsonl-0=0015A", "t1.jsonl-1=0015A", "t1.jsonl-2=0015A", "t1.jsonl-3=info@umbrella.com",
        "t1.jsonl-4=someone@gmail.com", "t1.jsonl-5=nobody@initech.com");
    IdentityStep.writeIdentities(tables, first.newIdentities());
    assertThat(tables.read(table).count()).isEqualTo(3);

    // Rerun of night 1: everything resolved is known, nothing new, the table is unchanged.
    IdentityStep.Outcome rerun = IdentityStep.resolve(Entity.TICKETS, night1, CRM, tables.read(table),
        TICKET_RULES, NIGHT_1);
    assertThat(rerun.counts()).isEqualTo(Map.of(IdentityStep.KNOWN, 3L, IdentityStep.CONFLICT, 1L,
        IdentityStep.UNMATCHED, 2L));
    IdentityStep.writeIdentities(tables, rerun.newIdentities());
    assertThat(tables.read(table).count()).isEqualTo(3);

    // Night 2: a new CRM account 0015E (ann@acme.com) makes acme.com ambiguous, yet tom keeps 0015A (ids never
    // move); ann joins 0015E by e-mail and a new spelling of Jane's address joins 0015A.
    Dataset<Row> crm2 = CRM.unionByName(accounts("0015E", "ann@acme.com"));
    Dataset<Row> night2 = tickets("t2.jsonl", "tom@acme.com", "ann@acme.com", "jane+billing@acme.com");
    IdentityStep.Outcome second = IdentityStep.resolve(Entity.TICKETS, night2, crm2, tables.read(table),
        TICKET_RULES, NIGHT_2);
    assertThat(second.counts()).isEqualTo(Map.of(IdentityStep.KNOWN, 1L, "email", 2L));
    IdentityStep.writeIdentities(tables, second.newIdentities());

    // Night 3: nothing new; every assignment is as first made, with the night it was first seen.
    Dataset<Row> night3 = tickets("t3.jsonl", "tom@acme.com", "ann@acme.com", "jane+billing@acme.com");
    IdentityStep.Outcome third = IdentityStep.resolve(Entity.TICKETS, night3, crm2, tables.read(table),
        TICKET_RULES, NIGHT_3);
    assertThat(third.counts()).isEqualTo(Map.of(IdentityStep.KNOWN, 3L));
    IdentityStep.writeIdentities(tables, third.newIdentities());
    assertThat(tables.read(table).collectAsList().stream().map(r -> r.mkString("|")).sorted().toList())
        .containsExactly(
            "tickets|tickets| jane@acme.com |0015A|email|2025-03-29",
            "tickets|tickets|Jane+support@ACME.com|0015A|email|2025-03-29",
            "tickets|tickets|ann@acme.com|0015E|email|2025-03-30",
            "tickets|tickets|jane+billing@acme.com|0015A|email|2025-03-30",
            "tickets|tickets|tom@acme.com|0015A|domain|2025-03-29");
  }

  @Test
  void anErpOnlyCompanyGetsItsCustomersFromTheOrders() {
    IdentitySettings settings = new IdentitySettings(Map.of(), new Parameters(java.util.Set.of(), "US", true));
    List<Row> rows = List.of(
        RowFactory.create("orders.csv", 2L, "O1", "100234", Date.valueOf("2025-03-10")),
        RowFactory.create("orders.csv", 3L, "O2", "100234", Date.valueOf("2025-03-02")),
        RowFactory.create("orders.csv", 4L, "O3", "100777", Date.valueOf("2025-03-15")));
    Dataset<Row> orders = SPARK.createDataFrame(rows, ORDERS);
    IdentityStep.Outcome outcome = IdentityStep.resolve(Entity.ORDERS, orders, accounts(), null, settings, NIGHT_1);
    assertThat(outcome.counts()).isEqualTo(Map.of("created", 2L));
    assertThat(outcome.conflicts()).isEmpty();
    assertThat(outcome.createdCustomers().columns()).startsWith(Entity.ACCOUNTS.schema().fieldNames());
    assertThat(outcome.createdCustomers().select("customer_id", "created_at", Entity.SOURCE_FILE, Entity.ROW_NUMBER)
        .collectAsList().stream().map(Row::toString).sorted().toList()).containsExactly(
        "[erp:100234,2025-03-02,orders.csv,2]", "[erp:100777,2025-03-15,orders.csv,4]");
    Dataset<Row> nested = orders.select(col(Entity.SOURCE_FILE), col(Entity.ROW_NUMBER),
        org.apache.spark.sql.functions.struct(col("order_id"), col("customer_id")).as("typed"));
    assertThat(ids(IdentityStep.rewrite(nested, "typed", outcome.assignments()), "order_id"))
        .containsExactly("O1=erp:100234", "O2=erp:100234", "O3=erp:100777");
  }

  /** {@code <record id>=<customer_id>} of rewritten rows, sorted. */
  private static List<String> ids(Dataset<Row> rewritten, String idField) {
    return rewritten.select(col("typed." + idField), col("typed.customer_id")).collectAsList().stream()
        .map(r -> r.getString(0) + "=" + r.getString(1)).sorted().toList();
  }
}
