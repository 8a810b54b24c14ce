package io.cpm.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.CliRunner;
import io.cpm.metrics.testing.TestSpark;
import io.cpm.segmentation.clv.BgNbdModel;
import io.cpm.segmentation.clv.BtydSimulation;
import io.cpm.segmentation.clv.GammaGammaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code cpm clv fit} on a generated transaction CSV with a few bad rows. */
class ClvFitCommandTest {
  private static Path dir;
  private static Path csv;

  @BeforeAll
  static void writeCsv() throws IOException {
    dir = TestSpark.newDirectory("clv-fit");
    csv = dir.resolve("tx.csv");
    BtydSimulation simulation = new BtydSimulation(new Well19937c(17));
    BgNbdModel truth = new BgNbdModel(0.9, 5.0, 0.8, 3.0);
    GammaGammaModel spend = new GammaGammaModel(6, 4, 15);
    LocalDate start = LocalDate.of(2024, 1, 1);
    List<String> lines = new ArrayList<>(List.of("cust;day;value"));
    for (int i = 0; i < 1500; i++) {
      LocalDate first = start.plusDays(i % 120);
      double rate = simulation.spendRate(spend);
      lines.add(line("k" + i, first, simulation.spend(spend, rate)));
      for (double weeks : simulation.bgNbdPurchaseTimes(truth, 80)) {
        lines.add(line("k" + i, first.plusDays((long) (weeks * 7)), simulation.spend(spend, rate)));
      }
    }
    lines.add("k1;not-a-date;10.0");
    lines.add("k2;02/03/2024;abc");
    lines.add(";02/03/2024;5");
    Files.write(csv, lines);
  }

  private static String line(String customer, LocalDate date, double amount) {
    return String.format(Locale.ROOT, "%s;%02d/%02d/%d;%.2f", customer, date.getDayOfMonth(), date.getMonthValue(),
        date.getYear(), amount);
  }

  @Test
  void fitsAndReportsOneJsonObjectWithHoldoutAndPredictions() throws IOException {
    Path out = dir.resolve("predictions");
    CliRunner.Result result = CliRunner.run("clv", "fit", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "value", "--date-format", "dd/MM/yyyy", "--delimiter", ";",
        "--calibration-end", "2024-09-30", "--holdout-end", "2025-03-31", "--time-unit", "week", "--json",
        "--out", out.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out().trim());
    assertThat(json.get("model").asText()).isEqualTo("bgnbd");
    assertThat(json.get("customers").asLong()).isEqualTo(1500);
    assertThat(json.get("badRows").asLong()).isEqualTo(3);
    assertThat(json.get("params").get("r").asDouble()).isBetween(0.5, 1.4);
    assertThat(json.get("params").has("alpha")).isTrue();
    assertThat(json.get("logLikelihood").asDouble()).isNegative();
    assertThat(json.get("converged").asBoolean()).isTrue();
    assertThat(json.get("gammaGamma").get("params").get("p").asDouble()).isPositive();
    assertThat(json.get("gammaGamma").get("customers").asLong()).isPositive();
    JsonNode holdout = json.get("holdout");
    assertThat(holdout.get("totalPredicted").asDouble())
        .isBetween(0.8 * holdout.get("totalActual").asDouble(), 1.2 * holdout.get("totalActual").asDouble());
    assertThat(holdout.get("byFrequency")).isNotEmpty();
    try (Stream<Path> files = Files.list(out)) {
      Path part = files.filter(p -> p.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
      List<String> rows = Files.readAllLines(part);
      assertThat(rows.get(0)).contains("customer_id", "expected_purchases", "p_alive", "clv");
      assertThat(rows).hasSize(1501);
    }
  }

  @Test
  void paretoNbdReportsItsParameterNames() throws IOException {
    CliRunner.Result result = CliRunner.run("clv", "fit", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "day", "--amount-col", "value", "--date-format", "dd/MM/yyyy", "--delimiter", ";",
        "--calibration-end", "2024-09-30", "--model", "paretonbd", "--json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode params = new ObjectMapper().readTree(result.out().trim()).get("params");
    assertThat(params.fieldNames()).toIterable().containsExactly("r", "alpha", "s", "beta");
  }

  @Test
  void missingColumnExitsTwoNamingIt() {
    CliRunner.Result result = CliRunner.run("clv", "fit", "--transactions", csv.toString(), "--customer-col", "cust",
        "--date-col", "date", "--amount-col", "value", "--delimiter", ";", "--calibration-end", "2024-09-30");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'date'").contains("--date-col");
  }
}
