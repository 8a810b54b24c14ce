package io.cpm.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.CliRunner;
import io.cpm.metrics.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code cpm churn evaluate} on a generated labelled CSV with a planted signal and missing cells. */
class ChurnEvaluateCommandTest {
  private static Path csv;

  @BeforeAll
  static void writeCsv() throws IOException {
    csv = TestSpark.newDirectory("churn-eval").resolve("customers.csv");
    Random random = new Random(3);
    List<String> lines = new ArrayList<>(List.of("account,days_idle,tickets,plan,score,status"));
    String[] plans = {"basic", "pro", "enterprise"};
    for (int i = 0; i < 600; i++) {
      boolean churned = random.nextDouble() < 0.3;
      double idle = churned ? 60 + random.nextGaussian() * 25 : 25 + random.nextGaussian() * 20;
      int tickets = (int) Math.max(0, (churned ? 4 : 1) + random.nextGaussian() * 1.5);
      String idleCell = random.nextDouble() < 0.1 ? "" : String.format(Locale.ROOT, "%.1f", idle);
      // The account id encodes the label: a model that used it would score perfectly.
      lines.add(String.format(Locale.ROOT, "%s-%d,%s,%d,%s,%.3f,%s", churned ? "X" : "A", i, idleCell, tickets,
          plans[random.nextInt(3)], random.nextDouble(), churned ? "left" : "stayed"));
    }
    lines.add("A-999,10,1,basic,0.5,");
    Files.write(csv, lines);
  }

  @Test
  void printsOneJsonObjectAndFindsThePlantedSignal() throws IOException {
    CliRunner.Result result = CliRunner.run("churn", "evaluate", "--input", csv.toString(), "--id-col", "account",
        "--label-col", "status", "--positive-label", "left", "--seed", "7", "--json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out().trim());
    assertThat(json.get("model").asText()).isIn("logistic", "gbt");
    assertThat(json.get("rocAuc").asDouble()).isGreaterThan(0.8).isLessThan(0.999);
    assertThat(json.get("prAuc").asDouble()).isGreaterThan(json.get("positiveRate").asDouble());
    assertThat(json.get("trainRows").asLong() + json.get("testRows").asLong()).isEqualTo(600);
    assertThat(json.get("testRows").asLong()).isBetween(115L, 125L);
    assertThat(json.get("badRows").asLong()).isEqualTo(1);
    assertThat(json.get("numericColumns").toString()).contains("days_idle", "tickets", "score");
    assertThat(json.get("categoricalColumns").toString()).contains("plan").doesNotContain("account");
    assertThat(json.get("validationRocAuc").has("logistic")).isTrue();
  }

  @Test
  void missingLabelColumnExitsTwo() {
    CliRunner.Result result = CliRunner.run("churn", "evaluate", "--input", csv.toString(), "--id-col", "account",
        "--label-col", "churned", "--positive-label", "left");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'churned'").contains("--label-col");
  }
}
