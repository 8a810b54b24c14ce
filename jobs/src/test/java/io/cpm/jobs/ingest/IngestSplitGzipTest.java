package io.cpm.jobs.ingest;

import static io.cpm.metrics.schema.GoldTable.QUARANTINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gzipped CSV file parsed by several tasks ({@code ingest.split-gzip-bytes}) gives exactly what one task gives:
 * the same quarantine rows (with their line numbers and messages), the same silver and bronze rows, and duplicate
 * keys found however far apart they are in the file.
 */
class IngestSplitGzipTest {
  private static final String D = "2025-03-29";
  private static final String HEADER =
      "order_id,line_no,order_date,product_id,product_line,quantity,unit_price,list_price,unit_cost";
  private static CliRunner.Result split;
  private static CliRunner.Result whole;
  private static Landing splitLanding;
  private static Landing wholeLanding;

  @BeforeAll
  static void ingestTwice() {
    byte[] orderLines = Landing.gzipped(orderLines());
    splitLanding = new Landing("split-gzip").config("ingest.max-quarantine-rate = 1.0")
        .config("ingest.split-gzip-bytes = 1");
    wholeLanding = new Landing("whole-gzip").config("ingest.max-quarantine-rate = 1.0");
    split = splitLanding.bytes(D, "erp", "order_lines.csv.gz", orderLines).ingest(D);
    whole = wholeLanding.bytes(D, "erp", "order_lines.csv.gz", orderLines).ingest(D);
  }

  /** 401 order lines with every record-level problem, duplicates far apart, and a record over two lines. */
  private static byte[] orderLines() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    for (int n = 1; n <= 400; n++) {
      String line = switch (n) {
        case 37 -> "O1,1,2025-03-01,P9,hardware,1,9.00,9.00,4.00";
        case 350 -> "O4,1,2025-03-02,P9,hardware,1,9.00,9.00,4.00";
        case 50 -> "O50,1,2025-03-01,\"P1,hardware,1,9.00,9.00,4.00";
        case 60 -> "O60,1,2025-03-01,\"P-multi\nline\",hardware,1,9.00,9.00,4.00";
        case 80 -> "O80,1,2025-03-01,P1,hardware,1,9.00";
        case 90 -> ",1,2025-03-01,P1,hardware,1,9.00,9.00,4.00";
        case 100 -> "O100,x,2025-03-01,P1,hardware,1,9.00,9.00,4.00";
        case 110 -> "O110,1,2025-03-01,P1,hardware,1,-9.00,9.00,4.00";
        default -> "O" + n + ",1,2025-03-0" + (1 + n % 9) + ",P" + n % 7 + ",software," + (n % 5 - 1) + ",1"
            + n % 10 + ".50,20.00,5.25";
      };
      text.append(line).append('\n');
      if (n == 120) {
        out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'O', '1', '2', '0', 'b', ',', '1', ',', (byte) 0xC3, (byte) 0x28, '\n'});
        text.setLength(0);
      }
    }
    out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void theFileIsParsedByTwoTasksOnlyWhenAskedTo() {
    assertThat(split.exitCode()).as(split.err()).isEqualTo(ExitCode.OK);
    assertThat(whole.exitCode()).as(whole.err()).isEqualTo(ExitCode.OK);
    assertThat(split.out()).contains("order_lines.csv.gz: 401 rows read, 6 rejected by row checks (parsed by 2 tasks)");
    assertThat(whole.out()).contains("order_lines.csv.gz: 401 rows read, 6 rejected by row checks")
        .doesNotContain("parsed by");
  }

  @Test
  void quarantineIsTheSameRowForRow() {
    Map<Long, String> rows = quarantine(splitLanding);
    assertThat(rows).isEqualTo(quarantine(wholeLanding));
    assertThat(rows.values().stream().map(r -> r.substring(0, r.indexOf('|'))).collect(Collectors.toList()))
        .containsExactlyInAnyOrder("DUPLICATE_KEY", "DUPLICATE_KEY", "MALFORMED_LINE", "WRONG_FIELD_COUNT",
            "MISSING_KEY", "BAD_NUMBER", "NEGATIVE_AMOUNT", "INVALID_UTF8");
    assertThat(rows.get(38L)).contains("duplicate key order_id=O1, line_no=1: first at line 2 (kept)");
    assertThat(rows.values()).anyMatch(r -> r.contains("duplicate key order_id=O4, line_no=1: first at line 5 (kept)"));
  }

  @Test
  void silverAndBronzeHoldTheSameRows() {
    for (String table : List.of("order_lines", Entity.ORDER_LINES.bronzeTable())) {
      assertThat(rows(splitLanding, table)).as(table).isEqualTo(rows(wholeLanding, table)).isNotEmpty();
    }
    assertThat(rows(splitLanding, "order_lines")).hasSize(401 - 8);
  }

  private static Map<Long, String> quarantine(Landing landing) {
    Map<Long, String> rows = new TreeMap<>();
    for (Row row : TestSpark.session().sql("SELECT row_number, reason_code, message, raw_record FROM "
        + landing.database + "." + QUARANTINE.table()).collectAsList()) {
      rows.put(row.getLong(0), row.getString(1) + "|" + row.getString(2) + "|" + row.getString(3));
    }
    return rows;
  }

  private static List<String> rows(Landing landing, String table) {
    return TestSpark.session().sql("SELECT * FROM " + landing.database + "." + table).drop("_run_date")
        .collectAsList().stream().map(Row::toString).sorted().toList();
  }
}
