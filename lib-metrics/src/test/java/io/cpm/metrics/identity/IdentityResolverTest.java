package io.cpm.metrics.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.col;

import io.cpm.metrics.identity.IdentityResolver.Kind;
import io.cpm.metrics.identity.IdentityResolver.Parameters;
import io.cpm.metrics.identity.IdentityResolver.Result;
import io.cpm.metrics.identity.IdentityResolver.Rule;
import io.cpm.metrics.testing.TestSpark;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Three systems, three ids: CRM accounts (Salesforce-style ids), ERP orders (numeric customer numbers kept on the
 * account as a crosswalk column) and help-desk tickets (requester e-mails with case and plus-address variants, a
 * free-mail address and one e-mail that two accounts share).
 */
class IdentityResolverTest {
  private static final SparkSession SPARK = TestSpark.session();
  private static final LocalDate NIGHT_1 = LocalDate.parse("2025-03-29");
  private static final LocalDate NIGHT_2 = NIGHT_1.plusDays(1);
  private static final LocalDate NIGHT_3 = NIGHT_1.plusDays(2);

  private static final StructType ACCOUNT = new StructType()
      .add("customer_id", DataTypes.StringType)
      .add("name", DataTypes.StringType)
      .add("email", DataTypes.StringType)
      .add("phone", DataTypes.StringType)
      .add("postcode", DataTypes.StringType)
      .add("erp_customer_no", DataTypes.StringType);
  private static final StructType REFERENCE = new StructType()
      .add("source", DataTypes.StringType)
      .add("entity", DataTypes.StringType)
      .add("source_id", DataTypes.StringType)
      .add("name", DataTypes.StringType)
      .add("postcode", DataTypes.StringType);

  private static final List<Rule> ERP_RULES = List.of(
      new Rule("erp_number", Kind.CROSSWALK, List.of("source_id"), List.of("erp_customer_no")));
  private static final List<Rule> TICKET_RULES = List.of(
      new Rule("email", Kind.EMAIL, List.of("source_id"), List.of("email")),
      new Rule("email_domain", Kind.EMAIL_DOMAIN, List.of("source_id"), List.of("email")));
  private static final List<Rule> SHOP_RULES = List.of(
      new Rule("phone", Kind.PHONE, List.of("source_id"), List.of("phone")),
      new Rule("name_postcode", Kind.NAME_POSTCODE, List.of("name", "postcode"), List.of("name", "postcode")));
  private static final Parameters GB = new Parameters(MatchKeys.DEFAULT_FREE_MAIL_DOMAINS, "GB", false);

  private static Dataset<Row> accounts(Object[]... rows) {
    return SPARK.createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), ACCOUNT);
  }

  private static final Object[][] CRM = {
      {"0015g00000AcmeA", "Acme Ltd", "jane@acme.com", "+44 20 7946 0958", "SW1A 1AA", "100234"},
      {"0015g00000GlobB", "Globex", "bob@globex.com", null, "EC1A 1BB", "100300"},
      {"0015g00000InitC", "Initech", "peter@initech.com", "020 7946 0000", "W1A 0AX", null},
      {"0015g00000SoloD", "Solo Consulting", "solo@gmail.com", null, null, null},
      {"0015g00000UmbrE", "Umbrella", "info@umbrella.com", null, "M1 1AE", null},
      {"0015g00000UmbrF", "Umbrella Retail", "INFO@umbrella.com", null, "M1 1AF", null}};

  private static Dataset<Row> references(String source, String entity, String... ids) {
    return SPARK.createDataFrame(Arrays.stream(ids).map(id -> RowFactory.create(source, entity, id, null, null))
        .toList(), REFERENCE);
  }

  private static Map<String, String> assignment(Dataset<Row> identities) {
    return identities.collectAsList().stream().collect(Collectors.toMap(
        r -> r.getAs("source_id"), r -> r.getAs("customer_id") + " by " + r.getAs("rule"), (a, b) -> a,
        TreeMap::new));
  }

  private static Map<String, Long> perRule(Dataset<Row> identities) {
    return identities.groupBy("rule").count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1), Long::sum, TreeMap::new));
  }

  @Test
  void erpNumbersResolveThroughTheCrosswalkColumnAndUnknownNumbersStayUnmatched() {
    Result result = IdentityResolver.resolve(references("erp", "orders", "100234", "100300", " 100234", "999999"),
        ERP_RULES, accounts(CRM), null, GB, NIGHT_1);

    assertThat(assignment(result.newIdentities())).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "100234", "0015g00000AcmeA by erp_number",
        " 100234", "0015g00000AcmeA by erp_number",
        "100300", "0015g00000GlobB by erp_number")));
    assertThat(result.unmatched().collectAsList()).extracting(r -> r.getString(2)).containsExactly("999999");
    assertThat(result.conflicts().count()).isZero();
  }

  @Test
  void ticketEmailsMatchByNormalizedEmailThenByCompanyDomainButNeverByAFreeMailDomain() {
    Result result = IdentityResolver.resolve(references("tickets", "tickets",
            "Jane+support@ACME.com ", "PETER@initech.com", "someone@initech.com", "friend@gmail.com",
            "solo@gmail.com", "info@umbrella.com", "x@unknown.org", "not an address"),
        TICKET_RULES, accounts(CRM), null, GB, NIGHT_1);

    assertThat(assignment(result.newIdentities())).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "Jane+support@ACME.com ", "0015g00000AcmeA by email",
        "PETER@initech.com", "0015g00000InitC by email",
        "solo@gmail.com", "0015g00000SoloD by email",
        "someone@initech.com", "0015g00000InitC by email_domain")));
    assertThat(perRule(result.newIdentities())).containsExactlyEntriesOf(
        new TreeMap<>(Map.of("email", 3L, "email_domain", 1L)));
    List<Row> conflicts = result.conflicts().collectAsList();
    assertThat(conflicts).hasSize(1);
    assertThat(conflicts.get(0).<String>getAs("source_id")).isEqualTo("info@umbrella.com");
    assertThat(conflicts.get(0).<String>getAs("rule")).isEqualTo("email");
    assertThat(conflicts.get(0).getList(conflicts.get(0).fieldIndex("candidates")))
        .containsExactly("0015g00000UmbrE", "0015g00000UmbrF");
    // friend@gmail.com shares only a free-mail domain with Solo Consulting: no match.
    assertThat(result.unmatched().collectAsList()).extracting(r -> r.getString(2))
        .containsExactlyInAnyOrder("friend@gmail.com", "x@unknown.org", "not an address");
  }

  @Test
  void shopRecordsMatchByE164PhoneOrByNameAndPostcode() {
    Dataset<Row> refs = SPARK.createDataFrame(List.of(
        RowFactory.create("shop", "orders", "020 7946 0958", null, null),
        RowFactory.create("shop", "orders", "+1 202-555-0101", "ACME  Ltd.", "sw1a1aa"),
        RowFactory.create("shop", "orders", "12", "Globex", "EC1A-1BB"),
        RowFactory.create("shop", "orders", "13", "Globex", null)), REFERENCE);

    Result result = IdentityResolver.resolve(refs, SHOP_RULES, accounts(CRM), null, GB, NIGHT_1);

    assertThat(assignment(result.newIdentities())).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "020 7946 0958", "0015g00000AcmeA by phone",
        "+1 202-555-0101", "0015g00000AcmeA by name_postcode",
        "12", "0015g00000GlobB by name_postcode")));
    assertThat(result.unmatched().collectAsList()).extracting(r -> r.getString(2)).containsExactly("13");
  }

  @Test
  void assignedIdsNeverMoveAndARerunOfADateGivesTheSameAssignment() {
    Dataset<Row> night1Refs = references("tickets", "tickets", "someone@initech.com", "jane@acme.com");
    Result night1 = IdentityResolver.resolve(night1Refs, TICKET_RULES, accounts(CRM), null, GB, NIGHT_1);
    Dataset<Row> table = night1.newIdentities();

    // Night 2: a second Initech account appears, so the domain initech.com now points at two customers.
    Object[][] crm2 = Arrays.copyOf(CRM, CRM.length + 1);
    crm2[CRM.length] = new Object[] {"0015g00000InitG", "Initech EU", "hans@initech.com", null, null, null};
    Dataset<Row> night2Refs = references("tickets", "tickets", "someone@initech.com", "new@initech.com",
        "JANE@acme.com");
    Result night2 = IdentityResolver.resolve(night2Refs, TICKET_RULES, accounts(crm2), table, GB, NIGHT_2);
    assertThat(assignment(night2.newIdentities())).containsExactlyEntriesOf(
        Map.of("JANE@acme.com", "0015g00000AcmeA by email"));
    assertThat(night2.conflicts().collectAsList()).extracting(r -> r.getString(2))
        .containsExactly("new@initech.com");
    table = table.unionByName(night2.newIdentities());

    // Night 3, run twice: the same new rows each time, and someone@initech.com still belongs to Initech C.
    Dataset<Row> night3Refs = references("tickets", "tickets", "someone@initech.com", "hans@initech.com");
    Result first = IdentityResolver.resolve(night3Refs, TICKET_RULES, accounts(crm2), table, GB, NIGHT_3);
    Result rerun = IdentityResolver.resolve(night3Refs, TICKET_RULES, accounts(crm2), table, GB, NIGHT_3);
    assertThat(first.newIdentities().collectAsList()).containsExactlyInAnyOrderElementsOf(
        rerun.newIdentities().collectAsList());
    assertThat(assignment(first.newIdentities())).containsExactlyEntriesOf(
        Map.of("hans@initech.com", "0015g00000InitG by email"));
    table = table.unionByName(first.newIdentities());
    assertThat(assignment(table.where(col("source_id").equalTo("someone@initech.com"))))
        .containsExactlyEntriesOf(Map.of("someone@initech.com", "0015g00000InitC by email_domain"));
    assertThat(table.where(col("source_id").equalTo("someone@initech.com")).first().<java.sql.Date>getAs(
        "first_seen").toLocalDate()).isEqualTo(NIGHT_1);
  }

  @Test
  void withCreateUnmatchedAnUnknownReferenceBecomesACustomerOfItsOwn() {
    Parameters create = new Parameters(MatchKeys.DEFAULT_FREE_MAIL_DOMAINS, "GB", true);
    Result result = IdentityResolver.resolve(references("erp", "orders", "100234", "555"), ERP_RULES,
        accounts(CRM), null, create, NIGHT_1);

    assertThat(assignment(result.newIdentities())).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "100234", "0015g00000AcmeA by erp_number", "555", "erp:555 by created")));
    assertThat(result.unmatched().count()).isZero();
  }

  @Test
  void theDefaultRuleKeepsSharedIdsAsTheyAre() {
    Result result = IdentityResolver.resolve(references("erp", "orders", "0015g00000GlobB", "C-404"),
        List.of(Rule.customerId()), accounts(CRM), null, Parameters.defaults(), NIGHT_1);

    assertThat(assignment(result.newIdentities())).containsExactlyEntriesOf(
        Map.of("0015g00000GlobB", "0015g00000GlobB by customer_id"));
    assertThat(result.unmatched().collectAsList()).extracting(r -> r.getString(2)).containsExactly("C-404");
  }

  @Test
  void keysNormalizeAsDocumented() {
    assertThat(MatchKeys.toE164("020 7946 0958", "GB")).isEqualTo("+442079460958");
    assertThat(MatchKeys.toE164("(650) 253-0000", "US")).isEqualTo("+16502530000");
    assertThat(MatchKeys.toE164("12", "GB")).isNull();
    Row keys = SPARK.createDataFrame(List.of(RowFactory.create("x", "y", " Jane.Doe+crm@Acme.COM ", "ACME  Ltd.",
            "sw1a 1aa")), REFERENCE)
        .select(MatchKeys.email(col("source_id")), MatchKeys.emailDomain(col("source_id"), java.util.Set.of()),
            MatchKeys.namePostcode(col("name"), col("postcode")))
        .first();
    assertThat(keys.getString(0)).isEqualTo("jane.doe@acme.com");
    assertThat(keys.getString(1)).isEqualTo("acme.com");
    assertThat(keys.getString(2)).isEqualTo("acme ltd|SW1A1AA");
    assertThatThrownBy(() -> new Rule("np", Kind.NAME_POSTCODE, List.of("name"), List.of("name")))
        .hasMessageContaining("needs 2");
  }
}
