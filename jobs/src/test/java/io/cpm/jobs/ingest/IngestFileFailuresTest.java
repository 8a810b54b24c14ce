package io.cpm.jobs.ingest;

import static io.cpm.metrics.schema.GoldTable.INGEST_RUNS;
import static io.cpm.metrics.schema.GoldTable.QUARANTINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whole-file problems fail the run (exit 3, or 4 for an export not arrived) with a message naming the file
 * and what to fix, and leave every table exactly as it was, even when other files of the run are fine.
 */
class IngestFileFailuresTest {
  private static final String ACCOUNTS_HEADER =
      "customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone";
  private static final String GOOD_ACCOUNT = "C1,Acme,retail,north,small,U1,2025-01-01,,a@x.com,1";
  private static final String LINES_HEADER =
      "order_id,line_no,order_date,product_id,product_line,quantity,unit_price,list_price,unit_cost";
  private static Landing landing;
  private static Map<String, Long> before;

  @BeforeAll
  static void baseline() {
    landing = new Landing("filefail");
    landing.file("2025-03-01", "crm", "accounts.csv", ACCOUNTS_HEADER, GOOD_ACCOUNT);
    landing.gzip("2025-03-01", "erp", "order_lines.csv.gz", LINES_HEADER,
        "O1,1,2025-03-01,P1,hardware,2,10.00,12.00,5.00");
    assertThat(landing.ingest("2025-03-01").exitCode()).isEqualTo(ExitCode.OK);
    before = commits(landing.warehouse);
    assertThat(before).containsKeys("customers", "order_lines", Entity.ACCOUNTS.bronzeTable(), QUARANTINE.table(),
        INGEST_RUNS.table());
  }

  /** Each failing date also carries a good accounts file, which must not be written either. */
  private static void goodAccounts(String date) {
    landing.file(date, "crm", "accounts.csv", ACCOUNTS_HEADER, "C2,Beta,retail,north,small,U1,2025-01-01,,b@x,2");
  }

  @Test
  void headerWithoutARequiredColumn() {
    landing.file("2025-03-02", "crm", "accounts.csv",
        "customer_id,name,industry,region,size,owner_id,first_contact_at,email,phone",
        "C2,Beta,retail,north,small,U1,,b@x,2");
    assertFails("2025-03-02", ExitCode.DATA_QUALITY, "2025-03-02/crm/accounts.csv", "header lacks required",
        "'created_at'", "sources.crm.accounts.columns");
  }

  @Test
  void truncatedGzip() {
    goodAccounts("2025-03-03");
    StringBuilder text = new StringBuilder(LINES_HEADER + "\n");
    for (int i = 1; i <= 2000; i++) {
      text.append("O").append(i).append(",1,2025-03-01,P").append(i).append(",hardware,1,10.00,12.00,5.00\n");
    }
    byte[] gz = Landing.gzipped(text.toString().getBytes(StandardCharsets.UTF_8));
    landing.bytes("2025-03-03", "erp", "order_lines.csv.gz", Arrays.copyOf(gz, gz.length / 2));
    assertFails("2025-03-03", ExitCode.DATA_QUALITY, "2025-03-03/erp/order_lines.csv.gz", "truncated or corrupt gzip");
  }

  @Test
  void fileThatIsNotGzip() {
    goodAccounts("2025-03-04");
    landing.file("2025-03-04", "erp", "order_lines.csv.gz", LINES_HEADER);
    assertFails("2025-03-04", ExitCode.DATA_QUALITY, "2025-03-04/erp/order_lines.csv.gz", "not a readable gzip");
  }

  @Test
  void undecodableHeader() {
    goodAccounts("2025-03-05");
    byte[] header = (LINES_HEADER + "\n").getBytes(StandardCharsets.UTF_8);
    header[3] = (byte) 0xFF;
    landing.bytes("2025-03-05", "erp", "order_lines.csv.gz", Landing.gzipped(header));
    assertFails("2025-03-05", ExitCode.DATA_QUALITY, "2025-03-05/erp/order_lines.csv.gz", "not valid UTF-8",
        "encoding");
  }

  @Test
  void emptyRequiredFile() {
    goodAccounts("2025-03-06");
    landing.bytes("2025-03-06", "erp", "orders.csv", new byte[0]);
    assertFails("2025-03-06", ExitCode.DATA_QUALITY, "2025-03-06/erp/orders.csv", "file is empty");
  }

  @Test
  void missingRequiredFileIsAnExportNotFullyArrived() {
    goodAccounts("2025-03-07");
    assertFails("2025-03-07", ExitCode.INPUT_MISSING, "orders.csv", "export incomplete, required file not arrived",
        "--set", "sources.erp.orders.required=true");
  }

  @Test
  void exportFolderNotArrived() throws IOException {
    goodAccounts("2025-03-08");
    Path tickets = landing.landing.resolve("2025-03-08").resolve("tickets");
    Files.delete(tickets);
    assertFails("2025-03-08", ExitCode.INPUT_MISSING, "export not arrived: ", tickets.toString());
  }

  @Test
  void aColumnAnExpressionUsesIsCheckedInEveryHeaderBeforeAnyFileIsParsed() {
    goodAccounts("2025-03-10");
    landing.file("2025-03-10", "erp", "orders.csv", "order_id,customer_id,order_date,status,currency",
        "O1,C2,2025-03-01,open,EUR");
    assertFails("2025-03-10", ExitCode.DATA_QUALITY, "2025-03-10/erp/orders.csv", "header lacks column(s) 'state'",
        "sources.erp.orders.derive.status", "No file was parsed", "--set", "sources.erp.orders.derive.status=lower(state)");
  }

  @Test
  void everyFileProblemOfTheRunIsReportedTogether() {
    landing.file("2025-03-09", "crm", "accounts.csv", "customer_id,name");
    landing.bytes("2025-03-09", "erp", "orders.csv", new byte[0]);
    assertFails("2025-03-09", ExitCode.DATA_QUALITY, "2025-03-09/crm/accounts.csv", "2025-03-09/erp/orders.csv");
  }

  private static void assertFails(String date, int exitCode, String... messageParts) {
    int options = 0;
    while (options < messageParts.length && !messageParts[options].equals("--set")) {
      options++;
    }
    String[] expected = Arrays.copyOf(messageParts, options);
    String[] extra = Arrays.copyOfRange(messageParts, options, messageParts.length);
    CliRunner.Result result = landing.ingest(date, extra);
    assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
    assertThat(result.err()).contains(expected);
    assertThat(commits(landing.warehouse)).as("Delta commits per table after " + date).isEqualTo(before);
  }

  /** Number of commit files per table: any write adds one. */
  private static Map<String, Long> commits(Path warehouse) {
    Map<String, Long> result = new TreeMap<>();
    try (Stream<Path> tables = Files.list(warehouse)) {
      for (Path table : tables.toList()) {
        Path log = table.resolve("_delta_log");
        if (Files.isDirectory(log)) {
          try (Stream<Path> files = Files.list(log)) {
            result.put(table.getFileName().toString(),
                files.filter(f -> f.getFileName().toString().endsWith(".json")).count());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return result;
  }
}
