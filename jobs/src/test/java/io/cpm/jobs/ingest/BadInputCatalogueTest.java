package io.cpm.jobs.ingest;

import io.cpm.metrics.schema.GoldTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input catalogue of docs/ingestion.md: every kind of bad (or merely unusual) input with its outcome.
 * Row-level kinds share one ingest of tiny CSV and JSON Lines files (each row names its kind); each file-level
 * kind is its own run date in one landing folder and must fail with its exit code and a message naming the file
 * (and line or field where there is one). Rows read = accepted + quarantined is checked per file.
 */
class BadInputCatalogueTest {
  private static final String D = "2025-03-29";
  private static final SparkSession spark = TestSpark.session();
  private static final String ACCOUNTS_HEADER =
      "customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone";
  private static Landing landing;
  private static CliRunner.Result result;
  /** reason code by "entity:line" ("accepted" for a row in silver). */
  private static final Map<String, String> outcomes = new HashMap<>();

  /** Row-level kinds: kind, entity:line, expected reason code (or "accepted"). */
  static Stream<Arguments> rowKinds() {
    return Stream.of(
        // CSV
        Arguments.of("CSV: UTF-8 byte order mark before the header", "accounts:2", "accepted"),
        Arguments.of("CSV: header column no mapping knows (kept in bronze _unmapped)", "accounts:2", "accepted"),
        Arguments.of("CSV: text starting with a formula character (neutralized on export)", "accounts:3", "accepted"),
        Arguments.of("CSV: Latin-1 byte in a UTF-8 file", "accounts:4", "INVALID_UTF8"),
        Arguments.of("CSV: empty business key", "accounts:5", "MISSING_KEY"),
        Arguments.of("CSV: empty required column", "accounts:6", "MISSING_REQUIRED"),
        Arguments.of("CSV: day that does not exist (2025-02-30)", "accounts:7", "BAD_DATE"),
        Arguments.of("CSV: date in another pattern (03/01/2025)", "accounts:8", "BAD_DATE"),
        Arguments.of("CSV: business date after the run date", "accounts:9", "FUTURE_DATE"),
        Arguments.of("CSV: key repeated in the file", "accounts:10", "DUPLICATE_KEY"),
        Arguments.of("CSV: quoted field never closed", "accounts:11", "MALFORMED_LINE"),
        Arguments.of("CSV: text after a closing quote", "accounts:12", "MALFORMED_LINE"),
        Arguments.of("CSV: more fields than the header", "accounts:13", "WRONG_FIELD_COUNT"),
        Arguments.of("CSV: fewer fields than the header", "accounts:14", "WRONG_FIELD_COUNT"),
        Arguments.of("CSV: quoted field spanning two lines", "accounts:15", "accepted"),
        Arguments.of("CSV: CRLF line ending", "accounts:18", "accepted"),
        Arguments.of("CSV: spaces around values (trimmed)", "accounts:19", "accepted"),
        Arguments.of("CSV: integer that is not a number", "nps_responses:2", "BAD_NUMBER"),
        Arguments.of("CSV: integer beyond int range", "nps_responses:3", "BAD_NUMBER"),
        Arguments.of("CSV: decimal in an integer column", "nps_responses:4", "BAD_NUMBER"),
        Arguments.of("CSV: value outside ingest.ranges", "nps_responses:5", "OUT_OF_RANGE"),
        Arguments.of("CSV: customer_id nobody knows", "nps_responses:6", "UNKNOWN_CUSTOMER"),
        Arguments.of("CSV: boolean that is not true/false/yes/no/1/0", "opportunities:2", "BAD_VALUE"),
        Arguments.of("CSV: negative money in ingest.non-negative", "marketing_spend:2", "NEGATIVE_AMOUNT"),
        Arguments.of("CSV: currency without a rate (XXX)", "orders:3", "UNKNOWN_CURRENCY"),
        Arguments.of("CSV: known currency in lower case", "orders:4", "accepted"),
        Arguments.of("CSV: money beyond decimal(18,2)", "invoices:2", "BAD_NUMBER"),
        Arguments.of("CSV: money in scientific notation within range", "invoices:3", "accepted"),
        Arguments.of("CSV: gzipped file", "order_lines:2", "accepted"),
        // JSON Lines
        Arguments.of("JSON: a line that is not JSON", "tickets:2", "MALFORMED_LINE"),
        Arguments.of("JSON: an array instead of an object", "tickets:3", "MALFORMED_LINE"),
        Arguments.of("JSON: a bare string instead of an object", "tickets:4", "MALFORMED_LINE"),
        Arguments.of("JSON: number beyond double range (1e400)", "tickets:5", "BAD_NUMBER"),
        Arguments.of("JSON: negative number beyond double range (-1e400)", "tickets:6", "BAD_NUMBER"),
        Arguments.of("JSON: text in an integer field", "tickets:7", "BAD_NUMBER"),
        Arguments.of("JSON: integer beyond int range", "tickets:8", "BAD_NUMBER"),
        Arguments.of("JSON: timestamp that does not exist", "tickets:9", "BAD_DATE"),
        Arguments.of("JSON: key field missing", "tickets:10", "MISSING_KEY"),
        Arguments.of("JSON: invalid UTF-8 bytes", "tickets:11", "INVALID_UTF8"),
        Arguments.of("JSON: key repeated in the file", "tickets:12", "DUPLICATE_KEY"),
        Arguments.of("JSON: customer_id nobody knows", "tickets:13", "UNKNOWN_CUSTOMER"),
        Arguments.of("JSON: value outside ingest.ranges", "tickets:14", "OUT_OF_RANGE"),
        Arguments.of("JSON: negative money", "tickets:15", "NEGATIVE_AMOUNT"),
        Arguments.of("JSON: business date after the run date", "tickets:16", "FUTURE_DATE"),
        Arguments.of("JSON: unknown field and a nested object (kept as text)", "tickets:17", "accepted"),
        Arguments.of("JSON: nulls and money given as a string", "tickets:18", "accepted"),
        Arguments.of("JSON: the first good row", "tickets:1", "accepted"));
  }

  @BeforeAll
  static void ingest() throws IOException {
    landing = new Landing("catalogue").config("ingest.max-quarantine-rate = 1.0");
    ByteArrayOutputStream accounts = new ByteArrayOutputStream();
    accounts.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    accounts.writeBytes(lines(ACCOUNTS_HEADER + ",legacy_code",
        "C1,Acme,retail,north,small,U1,2025-01-01,,a@x,1,L1",
        "C2,=cmd|' /C calc'!A0,retail,north,small,U1,2025-01-01,,b@x,2,L2"));
    accounts.writeBytes("C3,Caf".getBytes(StandardCharsets.UTF_8));
    accounts.writeBytes(new byte[] {(byte) 0xE9});
    accounts.writeBytes(lines(",retail,north,small,U1,2025-01-01,,c@x,3,L3",
        ",Nokey,retail,north,small,U1,2025-01-01,,d@x,4,L4",
        "C4,Nocreated,retail,north,small,U1,,,e@x,5,L5",
        "C5,Baddate,retail,north,small,U1,2025-02-30,,f@x,6,L6",
        "C6,Otherpattern,retail,north,small,U1,03/01/2025,,g@x,7,L7",
        "C7,Future,retail,north,small,U1,2025-04-01,,h@x,8,L8",
        "C1,Again,retail,north,small,U1,2025-01-01,,i@x,9,L9",
        "C8,\"Open,retail,north,small,U1,2025-01-01,,j@x,10,L10",
        "C9,\"Nine\"x,retail,north,small,U1,2025-01-01,,k@x,11,L11",
        "C10,Many,retail,north,small,U1,2025-01-01,,l@x,12,L12,extra",
        "C11,Few,retail,north,small,U1,2025-01-01",
        "C12,\"Multi",
        "Line\",retail,north,small,U1,2025-01-01,,m@x,13,L13",
        "",
        "C13,Crlf,retail,north,small,U1,2025-01-01,,n@x,14,L14\r",
        " C14 , Spaces ,retail,north,small,U1, 2025-01-01 ,,o@x,15,L15"));
    landing.bytes(D, "crm", "accounts.csv", accounts.toByteArray());
    landing.file(D, "crm", "nps_responses.csv", "response_id,customer_id,responded_at,score",
        "R1,C1,2025-03-01,x",
        "R2,C1,2025-03-01,99999999999",
        "R3,C1,2025-03-01,9.5",
        "R4,C1,2025-03-01,11",
        "R5,C99,2025-03-01,5");
    landing.file(D, "crm", "opportunities.csv",
        "opportunity_id,customer_id,created_at,stage,stage_changed_at,amount,product_line,topic,closed_at,won,"
            + "lost_reason,owner_id",
        "OP1,C1,2025-03-01,won,,100.00,hardware,,2025-03-10,maybe,,U1");
    landing.file(D, "crm", "marketing_spend.csv", "month,channel,amount", "2025-03-01,web,-5.00");
    landing.file(D, "erp", "orders.csv", "order_id,customer_id,order_date,status,currency",
        "O1,C1,2025-03-01,open,EUR",
        "O2,C1,2025-03-01,open,XXX",
        "O3,C1,2025-03-01,open,usd");
    landing.file(D, "erp", "invoices.csv", "invoice_id,customer_id,order_id,issued_at,due_at,paid_at,amount,currency",
        "I1,C1,O1,2025-03-01,,,1e30,EUR",
        "I2,C1,O1,2025-03-01,,,1.5E2,EUR");
    landing.gzip(D, "erp", "order_lines.csv.gz",
        "order_id,line_no,order_date,product_id,product_line,quantity,unit_price,list_price,unit_cost",
        "O1,1,2025-03-01,P1,hardware,2,10.00,12.00,5.00");
    String ok = "\"customer_id\":\"C1\",\"created_at\":\"2025-03-02 10:00:00\"";
    ByteArrayOutputStream tickets = new ByteArrayOutputStream();
    tickets.writeBytes(lines("{\"ticket_id\":\"T1\"," + ok + ",\"satisfaction\":4,\"parts_cost\":1.5}",
        "{broken",
        "[1,2]",
        "\"text\"",
        "{\"ticket_id\":\"T2\"," + ok + ",\"labor_cost\":1e400}",
        "{\"ticket_id\":\"T3\"," + ok + ",\"labor_cost\":-1e400}",
        "{\"ticket_id\":\"T4\"," + ok + ",\"satisfaction\":\"abc\"}",
        "{\"ticket_id\":\"T5\"," + ok + ",\"satisfaction\":1e30}",
        "{\"ticket_id\":\"T6\",\"customer_id\":\"C1\",\"created_at\":\"2025-02-30 10:00:00\"}",
        "{" + ok + "}"));
    tickets.writeBytes(("{\"ticket_id\":\"T7\"," + ok + ",\"topic\":\"caf").getBytes(StandardCharsets.UTF_8));
    tickets.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
    tickets.writeBytes(lines("\"}",
        "{\"ticket_id\":\"T1\"," + ok + "}",
        "{\"ticket_id\":\"T8\",\"customer_id\":\"C99\",\"created_at\":\"2025-03-02 10:00:00\"}",
        "{\"ticket_id\":\"T9\"," + ok + ",\"satisfaction\":9}",
        "{\"ticket_id\":\"T10\"," + ok + ",\"parts_cost\":-1}",
        "{\"ticket_id\":\"T11\",\"customer_id\":\"C1\",\"created_at\":\"2025-04-02 10:00:00\"}",
        "{\"ticket_id\":\"T12\"," + ok + ",\"foo\":1,\"topic\":{\"a\":1}}",
        "{\"ticket_id\":\"T13\"," + ok + ",\"status\":null,\"labor_cost\":\"12.50\"}"));
    landing.bytes(D, "tickets", "tickets.jsonl", tickets.toByteArray());
    result = landing.ingest(D);
    for (Row row : spark.sql("SELECT entity, row_number, reason_code FROM " + landing.database + "." + GoldTable.QUARANTINE.table()
        + " WHERE run_date = DATE'" + D + "'").collectAsList()) {
      outcomes.put(row.getString(0) + ":" + row.getLong(1), row.getString(2));
    }
    for (String entity : List.of("accounts:customers", "nps_responses:nps_responses", "opportunities:opportunities",
        "marketing_spend:marketing_spend", "orders:orders", "invoices:invoices", "order_lines:order_lines",
        "tickets:tickets")) {
      String[] names = entity.split(":");
      for (Row row : spark.sql("SELECT _row_number FROM " + landing.database + "." + names[1]).collectAsList()) {
        outcomes.put(names[0] + ":" + row.getLong(0), "accepted");
      }
    }
  }

  private static byte[] lines(String... lines) {
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("rowKinds")
  void rowLevelKind(String kind, String row, String expected) {
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    assertThat(outcomes.get(row)).as(kind + " (" + row + ")").isEqualTo(expected);
  }

  @Test
  void everyFileReconciles() {
    List<Row> runs = spark.sql("SELECT file, rows_read, rows_accepted, rows_quarantined FROM " + landing.database
        + "." + GoldTable.INGEST_RUNS.table() + " WHERE run_date = DATE'" + D + "' AND status <> 'missing'").collectAsList();
    assertThat(runs).hasSize(8);
    for (Row r : runs) {
      assertThat(r.getLong(1)).as(r.getString(0)).isEqualTo(r.getLong(2) + r.getLong(3));
    }
    long read = runs.stream().mapToLong(r -> r.getLong(1)).sum();
    assertThat(read).as("one row per record: blank lines are no rows, the two-line record is one").isEqualTo(
        outcomes.size());
    assertThat(result.out()).contains("rows read");
  }

  /** File-level kinds: kind, run date, files (name=content, "gz:" for gzip), extra args, exit code, message parts. */
  static Stream<Arguments> fileKinds() {
    return Stream.of(
        Arguments.of("CSV: empty file", "2025-04-01", "crm/accounts.csv=", "", ExitCode.DATA_QUALITY,
            "2025-04-01/crm/accounts.csv|file is empty"),
        Arguments.of("CSV: header lacks a required column", "2025-04-02", "crm/accounts.csv=customer_id,name\nC1,A",
            "", ExitCode.DATA_QUALITY, "2025-04-02/crm/accounts.csv|header lacks required|created_at"),
        Arguments.of("CSV: header names a column twice", "2025-04-03",
            "crm/accounts.csv=" + ACCOUNTS_HEADER + ",name\n", "", ExitCode.DATA_QUALITY,
            "2025-04-03/crm/accounts.csv|twice|name"),
        Arguments.of("CSV: header with unbalanced quotes", "2025-04-04", "crm/accounts.csv=\"customer_id,name\n", "",
            ExitCode.DATA_QUALITY, "2025-04-04/crm/accounts.csv|header line is malformed"),
        Arguments.of("gzip: truncated", "2025-04-05", "gz-truncated:order_lines.csv.gz", "", ExitCode.DATA_QUALITY,
            "2025-04-05/erp/order_lines.csv.gz|truncated or corrupt gzip"),
        Arguments.of("gzip: .gz file that is not gzip", "2025-04-06", "erp/order_lines.csv.gz=order_id\n", "",
            ExitCode.DATA_QUALITY, "2025-04-06/erp/order_lines.csv.gz|not a readable gzip"),
        Arguments.of("JSON: empty file", "2025-04-07", "tickets/tickets.jsonl=", "", ExitCode.DATA_QUALITY,
            "2025-04-07/tickets/tickets.jsonl|file is empty"),
        Arguments.of("CSV: one line longer than ingest.max-line-bytes", "2025-04-08", "long:accounts.csv",
            "ingest.max-line-bytes=4k", ExitCode.DATA_QUALITY,
            "2025-04-08/crm/accounts.csv|line 2 is longer than ingest.max-line-bytes"),
        Arguments.of("JSON: a record longer than ingest.max-line-bytes", "2025-04-09", "long:tickets.jsonl",
            "ingest.max-line-bytes=4k", ExitCode.DATA_QUALITY,
            "2025-04-09/tickets/tickets.jsonl|line 2 is longer than ingest.max-line-bytes"),
        Arguments.of("export folder not arrived", "2025-04-10", "no-folder:tickets", "", ExitCode.INPUT_MISSING,
            "export not arrived|2025-04-10/tickets"),
        Arguments.of("required file not arrived yet (folder exists)", "2025-04-11",
            "crm/accounts.csv=" + ACCOUNTS_HEADER, "sources.erp.orders.required=true", ExitCode.INPUT_MISSING,
            "export incomplete|2025-04-11/erp/orders.csv|sources.erp.orders.required"),
        Arguments.of("completion marker configured but missing", "2025-04-12", "crm/accounts.csv=" + ACCOUNTS_HEADER,
            "ingest.completion-marker=_SUCCESS", ExitCode.INPUT_MISSING,
            "export not arrived|2025-04-12/crm/_SUCCESS|ingest.completion-marker"),
        Arguments.of("quarantine rate above the gate", "2025-04-13",
            "crm/accounts.csv=" + ACCOUNTS_HEADER + "\n,x,retail,north,small,U1,2025-01-01,,a,1",
            "ingest.max-quarantine-rate=0.5", ExitCode.DATA_QUALITY, "2025-04-13|silver tables were left unchanged"),
        Arguments.of("completion marker present, stray file listed", "2025-04-14",
            "crm/accounts.csv=" + ACCOUNTS_HEADER + "\nC20,A,retail,north,small,U1,2025-01-01,,a,1\n;"
                + "crm/_SUCCESS=;erp/_SUCCESS=;tickets/_SUCCESS=;crm/orders (2).csv=x",
            "ingest.completion-marker=_SUCCESS", ExitCode.OK,
            "2025-04-14/crm/orders (2).csv|matches no mapping"),
        Arguments.of("CSV: header only (a day without rows)", "2025-04-15", "crm/accounts.csv=" + ACCOUNTS_HEADER,
            "", ExitCode.OK, "2025-04-15/crm/accounts.csv"));
  }

  @ParameterizedTest(name = "{0} -> exit {4}")
  @MethodSource("fileKinds")
  void fileLevelKind(String kind, String date, String files, String setting, int exitCode, String message)
      throws IOException {
    for (String file : files.split(";")) {
      deliver(date, file);
    }
    String[] extra = setting.isEmpty() ? new String[0] : new String[] {"--set", setting};
    CliRunner.Result run = landing.ingest(date, extra);
    assertThat(run.exitCode()).as(kind + ": " + run.err() + run.out()).isEqualTo(exitCode);
    String shown = run.err() + run.out();
    assertThat(shown).as(kind).contains(message.split("\\|")).doesNotContain("\tat ");
    if (exitCode != ExitCode.OK) {
      assertThat(run.err().strip().lines().count()).as(kind + ": one line").isEqualTo(1);
    }
  }

  private static void deliver(String date, String file) throws IOException {
    if (file.startsWith("no-folder:")) {
      landing.file(date, "crm", "accounts.csv", ACCOUNTS_HEADER);
      Files.delete(landing.landing.resolve(date).resolve(file.substring("no-folder:".length())));
    } else if (file.startsWith("gz-truncated:")) {
      StringBuilder text = new StringBuilder(
          "order_id,line_no,order_date,product_id,product_line,quantity,unit_price,list_price,unit_cost\n");
      for (int i = 0; i < 2000; i++) {
        text.append("O").append(i).append(",1,2025-03-01,P").append(i).append(",hardware,2,10.00,12.00,5.00\n");
      }
      byte[] gz = Landing.gzipped(text.toString().getBytes(StandardCharsets.UTF_8));
      landing.bytes(date, "erp", file.substring("gz-truncated:".length()), Arrays.copyOf(gz, gz.length / 2));
    } else if (file.startsWith("long:")) {
      String name = file.substring("long:".length());
      String first = name.endsWith(".csv") ? ACCOUNTS_HEADER : "{\"ticket_id\":\"T1\"}";
      landing.file(date, name.endsWith(".csv") ? "crm" : "tickets", name, first, "x".repeat(10_000));
    } else {
      String path = file.substring(0, file.indexOf('='));
      String content = file.substring(file.indexOf('=') + 1);
      landing.bytes(date, path.substring(0, path.indexOf('/')), path.substring(path.indexOf('/') + 1),
          content.isEmpty() ? new byte[0]
              : (content.endsWith("\n") ? content : content + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
