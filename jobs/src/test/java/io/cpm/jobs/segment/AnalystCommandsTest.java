package io.cpm.jobs.segment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.Main;
import io.cpm.jobs.cli.TransactionOptions;
import io.cpm.metrics.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cpm rfm}, {@code cpm kmeans} (and the transaction options they share) on a transaction CSV with bad rows. */
class AnalystCommandsTest {
  private static Path csv;

  @BeforeAll
  static void writeTransactions() throws IOException {
    Path dir = TestSpark.newDirectory("transactions");
    StringBuilder text = new StringBuilder("cust,invoice,day,total\n");
    Random random = new Random(3);
    for (int c = 0; c < 60; c++) {
      boolean big = c % 3 == 0;
      int orders = big ? 12 : 2;
      for (int o = 0; o < orders; o++) {
        int day = 1 + (big ? random.nextInt(20) : 60 + random.nextInt(200));
        text.append("K").append(c).append(",INV").append(c).append('-').append(o).append(',')
            .append(java.time.LocalDate.of(2024, 12, 31).minusDays(day)).append(',')
            .append(String.format(java.util.Locale.ROOT, "%.2f", big ? 900 + random.nextDouble() * 100 : 50.0))
            .append('\n');
      }
    }
    text.append(",INV-X,2024-12-01,10.00\n");          // missing customer
    text.append("K1,INV-Y,31/12/2024,10.00\n");        // unparseable date
    text.append("K2,INV-Z,2024-12-02,ten\n");          // unparseable amount
    csv = dir.resolve("tx.csv");
    Files.writeString(csv, text);
  }

  @Test
  void rfmReportsBadRowsAndWritesScores() throws IOException {
    Path out = TestSpark.newDirectory("rfm-out").resolve("scores");
    CliRunner.Result result = CliRunner.run("rfm", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "total", "--invoice-col", "invoice", "--out", out.toString(), "--json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    long good = json.get("rows_used").asLong();
    assertThat(json.get("rows_skipped").asLong()).isEqualTo(3);
    assertThat(json.get("rows_read").asLong()).isEqualTo(good + 3);
    assertThat(json.get("skipped_by_reason").get("missing_customer").asLong()).isEqualTo(1);
    assertThat(json.get("skipped_by_reason").get("unparseable_date").asLong()).isEqualTo(1);
    assertThat(json.get("skipped_by_reason").get("unparseable_amount").asLong()).isEqualTo(1);
    assertThat(json.get("first_skipped_rows").toString()).isEqualTo("[" + (good + 2) + "," + (good + 3) + ","
        + (good + 4) + "]");
    assertThat(json.get("customers").asLong()).isEqualTo(60);
    assertThat(json.get("as_of").asText()).isEqualTo("2024-12-30");
    try (Stream<Path> files = Files.list(out)) {
      Path part = files.filter(p -> p.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
      assertThat(Files.readAllLines(part).get(0)).startsWith("customer_id,recency_days,frequency,monetary");
      assertThat(Files.readAllLines(part)).hasSize(61);
    }
    CliRunner.Result text = CliRunner.run("rfm", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "total", "--as-of", "2025-01-31");
    assertThat(text.out()).contains("3 skipped").contains("as of 2025-01-31").contains("60 customers");
  }

  @Test
  void missingColumnExitsTwoNamingColumnAndHeader() {
    CliRunner.Result result = CliRunner.run("rfm", "--transactions", csv.toString(), "--customer-col", "customer",
        "--date-col", "day", "--amount-col", "total");
    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("'customer'").contains("--customer-col").contains("[cust, invoice, day, total]");
  }

  @Test
  void everyTransactionCommandTakesTheSameTransactionOptions() {
    CommandLine cpm = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    Set<String> shared = new CommandLine(new TransactionOptions()).getCommandSpec().optionsMap().keySet();
    assertThat(shared).contains("--transactions", "--invoice-col", "--date-format");
    for (CommandLine command : List.of(cpm.getSubcommands().get("rfm"), cpm.getSubcommands().get("kmeans"),
        cpm.getSubcommands().get("clv").getSubcommands().get("fit"))) {
      assertThat(command.getCommandSpec().optionsMap().keySet()).as(command.getCommandName())
          .containsAll(shared).contains("--delimiter", "--json");
    }
    assertThat(cpm.getSubcommands().get("churn").getSubcommands().get("evaluate").getCommandSpec().optionsMap()
        .keySet()).contains("--delimiter", "--json");
  }

  @Test
  void kmeansAndClvFitTakeTheInvoiceColumnLikeRfm() throws IOException {
    CliRunner.Result kmeans = CliRunner.run("kmeans", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "total", "--invoice-col", "invoice", "--k", "2", "--json");
    assertThat(kmeans.exitCode()).as(kmeans.err()).isZero();
    assertThat(new ObjectMapper().readTree(kmeans.out()).get("rows_skipped").asLong()).isEqualTo(3);
    CliRunner.Result clv = CliRunner.run("clv", "fit", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "total", "--invoice-col", "order", "--calibration-end", "2024-09-30");
    assertThat(clv.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(clv.err()).contains("'order' (--invoice-col)").contains("[cust, invoice, day, total]");
  }

  @Test
  void kmeansPrintsEveryK() throws IOException {
    CliRunner.Result result = CliRunner.run("kmeans", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "total", "--k-range", "2-4", "--seed", "7", "--json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.get("runs")).hasSize(3);
    for (JsonNode run : json.get("runs")) {
      assertThat(run.get("silhouette").asDouble()).isBetween(-1.0, 1.0);
      long total = 0;
      for (JsonNode size : run.get("cluster_sizes")) {
        total += size.asLong();
      }
      assertThat(total).isEqualTo(60);
    }
    assertThat(json.get("chosen_k").asInt()).isEqualTo(2);
    assertThat(json.get("rows_skipped").asLong()).isEqualTo(3);
    CliRunner.Result text = CliRunner.run("kmeans", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "total", "--k", "2");
    assertThat(text.out()).contains("<- chosen").contains("silhouette");
    CliRunner.Result both = CliRunner.run("kmeans", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "total", "--k", "2", "--k-range", "2-3");
    assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
  }
}
