package io.cpm.jobs.publish;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_360;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_FEATURES;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SCORES;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SEGMENTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.CliRunner;
import io.cpm.jobs.OutputsWarehouse;
import io.cpm.jobs.common.CellFormat;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.testing.TestSpark;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class PublishStageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Strict reader: RFC 4180, header required and unique, every record as long as the header. */
  private static final CSVFormat STRICT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
      .setAllowDuplicateHeaderNames(false).setAllowMissingColumnNames(false).setIgnoreSurroundingSpaces(false)
      .setIgnoreEmptyLines(false).build();

  private final Tables tables = OutputsWarehouse.tables();

  @Test
  void fullExportMatchesTheTablesCellForCell() throws Exception {
    Path dir = TestSpark.newDirectory("publish-full");
    CliRunner.Result result = CliRunner.run(OutputsWarehouse.cliArgs(dir, "publish", "--run-date", "2025-03-31"));
    assertThat(result.exitCode()).as(result.err() + result.out()).isZero();

    Path drop = dir.resolve("exports/crm/2025-03-31");
    assertThat(drop.resolve("_SUCCESS")).exists();
    assertThat(drop.resolve("manifest.json")).exists();
    try (var listing = Files.list(dir.resolve("exports/crm"))) {
      assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactly("2025-03-31");
    }
    byte[] bytes = Files.readAllBytes(drop.resolve("customer_scores.csv"));
    // Valid UTF-8 (a decoder that reports errors), CRLF record separators, no BOM.
    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes));
    assertThat(bytes[0]).isEqualTo((byte) 'E');
    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\r\n").doesNotContain("E-").doesNotContain("E7");

    JsonNode manifest = JSON.readTree(drop.resolve("manifest.json").toFile());
    assertThat(manifest.get("sha256").asText())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(manifest.get("mode").asText()).isEqualTo("full");
    assertThat(manifest.get("run_date").asText()).isEqualTo("2025-03-31");
    assertThat(manifest.get("tool_version").asText()).isNotBlank();

    List<CSVRecord> records;
    List<String> header;
    try (Reader reader = Files.newBufferedReader(drop.resolve("customer_scores.csv"), StandardCharsets.UTF_8);
         CSVParser parser = CSVParser.parse(reader, STRICT)) {
      header = parser.getHeaderNames();
      records = parser.getRecords();
    }
    assertThat(manifest.get("row_count").asLong()).isEqualTo(records.size()).isEqualTo(6);
    List<String> manifestColumns = new ArrayList<>();
    manifest.get("columns").forEach(c -> manifestColumns.add(c.asText()));
    assertThat(header).isEqualTo(manifestColumns);
    assertThat(header.subList(0, 2)).containsExactly("External_Id__c", "Score_Date__c");
    assertThat(header).contains("churn_probability", "rfm_segment", "revenue_12m", "last_order_date")
        .doesNotContain("name", "email", "phone");
    records.forEach(r -> assertThat(r.isConsistent()).as("record %s has %s cells", r.getRecordNumber(), r.size())
        .isTrue());

    Map<String, Row> expected = new LinkedHashMap<>();
    for (Row row : tables.spark().sql("SELECT * FROM " + tables.qualifiedName(CUSTOMER_SCORES.table()) + " s"
        + " JOIN (SELECT customer_id, rfm_segment, value_tier, activity_tier, lifecycle_stage, cluster_label,"
        + " playbook_action FROM " + tables.qualifiedName(CUSTOMER_SEGMENTS.table())
        + " WHERE run_date = DATE'2025-03-31') USING (customer_id)"
        + " JOIN (SELECT customer_id, revenue_12m, last_order_date, owner_id FROM "
        + tables.qualifiedName(CUSTOMER_FEATURES.table()) + " WHERE run_date = DATE'2025-03-31') USING (customer_id)"
        + " WHERE s.run_date = DATE'2025-03-31'").collectAsList()) {
      expected.put(row.getAs("customer_id"), row);
    }
    assertThat(records).extracting(r -> r.get("External_Id__c")).containsExactlyElementsOf(
        expected.keySet().stream().sorted().toList());
    for (CSVRecord record : records) {
      Row row = expected.get(record.get("External_Id__c"));
      assertThat(record.get("Score_Date__c")).isEqualTo("2025-03-31");
      for (String column : header.subList(2, header.size())) {
        Object value = row.getAs(column);
        String cell = record.get(column);
        String where = record.get("External_Id__c") + "." + column;
        if (value == null) {
          assertThat(cell).as(where).isEmpty();
        } else if (value instanceof Double d) {
          assertThat(cell).as(where).matches("-?\\d+(\\.\\d+)?");
          assertThat(Double.parseDouble(cell)).as(where).isCloseTo(d, org.assertj.core.data.Offset.offset(5e-7));
        } else if (value instanceof java.sql.Date date) {
          assertThat(cell).as(where).isEqualTo(date.toLocalDate().toString());
        } else if (value instanceof String text) {
          assertThat(cell).as(where).isEqualTo(CellFormat.looksLikeFormula(text) ? "'" + text : text);
        } else {
          assertThat(cell).as(where).isEqualTo(value.toString());
        }
      }
    }
    // Planted cases, spelled out.
    CSVRecord c002 = records.stream().filter(r -> r.get(0).equals("C002")).findFirst().orElseThrow();
    assertThat(c002.get("churn_driver_1")).isEqualTo("'=HYPERLINK(\"http://x\")");
    assertThat(c002.get("churn_driver_2")).isEqualTo("'+1 calls");
    assertThat(c002.get("health_change")).isEqualTo("-5");
    CSVRecord c001 = records.stream().filter(r -> r.get(0).equals("C001")).findFirst().orElseThrow();
    assertThat(c001.get("revenue_12m")).isEqualTo("12345678.9");
    assertThat(c001.get("playbook_action")).isEqualTo("Call \"today\", then\nsend offer");
    CSVRecord c003 = records.stream().filter(r -> r.get(0).equals("C003")).findFirst().orElseThrow();
    assertThat(c003.get("churn_driver_1")).isEqualTo("'-recency");
    assertThat(c003.get("clv_12m")).isEqualTo("0.000015");
    assertThat(c003.get("health_change")).isEqualTo("-20");
    assertThat(records.stream().filter(r -> r.get(0).equals("C005")).findFirst().orElseThrow()
        .get("playbook_action")).isEqualTo("'@reactivate");

    // The catalog refresh ran: comments on gold columns and the customer_360 view.
    assertThat(tables.spark().table(tables.qualifiedName(CUSTOMER_SCORES.table())).schema().apply("churn_probability")
        .getComment().isDefined()).isTrue();
    assertThat(tables.spark().sql("SELECT count(*) FROM "
        + tables.qualifiedName(CUSTOMER_360.table())).first().getLong(0))
        .isEqualTo(6);

    // A rerun replaces the drop: still one file set, same checksum.
    CliRunner.Result rerun = CliRunner.run(OutputsWarehouse.cliArgs(dir, "publish", "--run-date", "2025-03-31"));
    assertThat(rerun.exitCode()).as(rerun.err()).isZero();
    assertThat(JSON.readTree(drop.resolve("manifest.json").toFile()).get("sha256").asText())
        .isEqualTo(manifest.get("sha256").asText());
    try (var listing = Files.list(drop)) {
      assertThat(listing.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("_SUCCESS", "customer_scores.csv", "manifest.json");
    }
  }

  @Test
  void personalDataOnlyWhenAllowListed() throws IOException {
    Path dir = TestSpark.newDirectory("publish-pii");
    String columns = "publish.crm.columns=[churn_probability, name, email, phone]";
    CliRunner.Result blocked = CliRunner.run(OutputsWarehouse.cliArgs(dir, "publish", "--run-date", "2025-03-31",
        "--set", columns));
    assertThat(blocked.exitCode()).as(blocked.err()).isZero();
    Path csv = dir.resolve("exports/crm/2025-03-31/customer_scores.csv");
    assertThat(header(csv)).containsExactly("External_Id__c", "Score_Date__c", "churn_probability");
    String text = Files.readString(csv);
    assertThat(text).doesNotContain("acme.example").doesNotContain("Acme").doesNotContain("+49");
    assertThat(Files.readString(csv.resolveSibling("manifest.json"))).contains("\"excluded_pii_columns\" : [ \"name\", \"email\", \"phone\" ]");

    CliRunner.Result allowed = CliRunner.run(OutputsWarehouse.cliArgs(dir, "publish", "--run-date", "2025-03-31",
        "--set", columns, "--set", "publish.crm.pii-allow-list=[email, name]",
        "--set", "publish.crm.column-names={email = Email__c}"));
    assertThat(allowed.exitCode()).as(allowed.err()).isZero();
    assertThat(header(csv)).containsExactly("External_Id__c", "Score_Date__c", "churn_probability", "name", "Email__c");
    Map<String, CSVRecord> byId = records(csv);
    assertThat(byId.get("C001").get("Email__c")).isEqualTo("ceo@acme.example");
    assertThat(byId.get("C002").get("name")).isEqualTo("Beta, \"Best\" Ltd");
    assertThat(byId.get("C003").get("name")).isEqualTo("'=cmd|calc");
  }

  @Test
  void incrementalExportsOnlyChangedAndNewCustomers() throws IOException {
    Path dir = TestSpark.newDirectory("publish-incremental");
    // Only this test publishes 2025-03-30 into the shared fixture, so it is the run 2025-03-31 compares with.
    assertThat(CliRunner.run(OutputsWarehouse.cliArgs(dir, "publish", "--run-date", "2025-03-30", "--full"))
        .exitCode()).isZero();
    CliRunner.Result incremental = CliRunner.run(OutputsWarehouse.cliArgs(dir, "publish", "--run-date",
        "2025-03-31", "--incremental"));
    assertThat(incremental.exitCode()).as(incremental.err()).isZero();
    Path drop = dir.resolve("exports/crm/2025-03-31");
    // C002 and C004 changed scores between the dates, C006 is new; C001, C003, C005 are unchanged.
    assertThat(records(drop.resolve("customer_scores.csv")).keySet()).containsExactly("C002", "C004", "C006");
    JsonNode manifest = JSON.readTree(drop.resolve("manifest.json").toFile());
    assertThat(manifest.get("mode").asText()).isEqualTo("incremental");
    assertThat(manifest.get("previous_run_date").asText()).isEqualTo("2025-03-30");
    assertThat(manifest.get("row_count").asInt()).isEqualTo(3);
  }

  @Test
  void missingScoresTableIsInputMissing() {
    Path dir = TestSpark.newDirectory("publish-missing");
    CliRunner.Result result = CliRunner.run("publish", "--run-date", "2025-03-31",
        "--config", io.cpm.jobs.RepoFiles.path("conf/local.conf").toString(),
        "--set", "paths.warehouse=" + dir.resolve("empty-warehouse"), "--set", "catalog.database=publish_missing",
        "--set", "paths.exports=" + dir.resolve("exports"));
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.err()).contains(CUSTOMER_SCORES.table()).contains("cpm score --run-date 2025-03-31");
    assertThat(dir.resolve("exports")).doesNotExist();
  }

  @Test
  void unknownExportColumnIsAUsageErrorNamingTheKey() {
    Path dir = TestSpark.newDirectory("publish-unknown");
    CliRunner.Result result = CliRunner.run(OutputsWarehouse.cliArgs(dir, "publish", "--run-date", "2025-03-31",
        "--set", "publish.crm.columns=[churn_probability, no_such_column]"));
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("publish.crm.columns").contains("no_such_column");
  }

  private static List<String> header(Path csv) throws IOException {
    try (CSVParser parser = CSVParser.parse(csv, StandardCharsets.UTF_8, STRICT)) {
      return parser.getHeaderNames();
    }
  }

  private static Map<String, CSVRecord> records(Path csv) throws IOException {
    Map<String, CSVRecord> byId = new LinkedHashMap<>();
    try (CSVParser parser = CSVParser.parse(csv, StandardCharsets.UTF_8, STRICT)) {
      parser.forEach(r -> byId.put(r.get(0), r));
    }
    return byId;
  }
}
