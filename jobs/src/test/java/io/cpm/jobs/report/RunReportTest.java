package io.cpm.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.OutputsWarehouse;
import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.testing.TestSpark;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class RunReportTest {
  private static Path dir;
  private static Path report;
  private static String html;

  @BeforeAll
  static void writeReport() throws Exception {
    dir = TestSpark.newDirectory("report");
    CliRunner.Result result = CliRunner.run(OutputsWarehouse.cliArgs(dir, "report", "--run-date", "2025-03-31"));
    assertThat(result.exitCode()).as(result.err() + result.out()).isZero();
    report = dir.resolve("reports/2025-03-31/index.html");
    html = Files.readString(report, StandardCharsets.UTF_8);
  }

  @Test
  void everySectionIsPresentWithItsContent() {
    for (String id : List.of("kpis", "segments", "churn-model", "clv", "lifecycle", "data-quality", "pipeline")) {
      assertThat(html).contains("<section id=\"" + id + "\">").contains("href=\"#" + id + "\"");
    }
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">");
    // KPI table: company scope only, value, unit, target from kpi_alerts, alert message.
    assertThat(html).contains("<td>revenue</td>").contains("125.50").contains("<td>EUR</td>")
        .contains("<td class=\"num\">8.00</td>")
        .contains("<span class=\"alert\">missed target; moved against (+2.00)</span>");
    assertThat(html).as("segment-scope alerts stay out of the company table").doesNotContain("segment &lt;only");
    assertThat(html).doesNotContain("champions</td><td>12m");
    // Transition matrix 2025-03-30 -> 2025-03-31, the new customer arriving from "(none)".
    assertThat(html).contains("rfm_segment transitions 2025-03-30 → 2025-03-31").contains("<th>(none)</th>");
    // Churn curves from model_runs, CLV histogram, funnel, data-quality totals, stage timings.
    assertThat(html).contains("aria-label=\"ROC curve\"").contains("aria-label=\"calibration\"")
        .contains("aria-label=\"CLV distribution\"").contains("aria-label=\"lifecycle funnel\"")
        .contains("aria-label=\"quarantine by reason\"").contains("aria-label=\"seconds per stage\"");
    assertThat(html).contains("<td>total</td><td></td><td></td><td class=\"num\">16</td>"
        + "<td class=\"num\">13</td><td class=\"num\">3</td><td>reconciled</td>");
    assertThat(html).contains("unknown_customer").contains("<td>score</td><td>succeeded</td>");
  }

  @Test
  void pageIsSelfContained() {
    assertThat(html).doesNotContainIgnoringCase("http:").doesNotContainIgnoringCase("https:")
        .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
        .doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("src=")
        .doesNotContainIgnoringCase("url(").doesNotContainIgnoringCase("@import")
        .doesNotContainIgnoringCase("@font-face");
    Matcher hrefs = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
    while (hrefs.find()) {
      assertThat(hrefs.group(1)).startsWith("#");
    }
  }

  @Test
  void dataIsEscaped() {
    assertThat(html).contains("big &amp; &lt;b&gt;bold&lt;/b&gt;").doesNotContain("<b>bold</b>");
  }

  @Test
  void everySvgIsWellFormedXml() throws Exception {
    Matcher svgs = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
    List<String> names = new ArrayList<>();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    while (svgs.find()) {
      Document svg = factory.newDocumentBuilder().parse(new ByteArrayInputStream(
          svgs.group().getBytes(StandardCharsets.UTF_8)));
      assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
      assertThat(svg.getDocumentElement().getAttribute("viewBox")).matches("0 0 \\d+ \\d+");
      names.add(svg.getElementsByTagName("title").item(0).getTextContent());
    }
    assertThat(names).hasSizeGreaterThanOrEqualTo(10).contains("ROC curve", "calibration", "CLV distribution");
  }

  @Test
  void missingUpstreamTablesBecomeNotesNotFailures() throws Exception {
    Path empty = TestSpark.newDirectory("report-empty");
    CliRunner.Result result = CliRunner.run("report", "--run-date", "2025-03-31",
        "--config", RepoFiles.path("conf/local.conf").toString(),
        "--set", "paths.warehouse=" + empty.resolve("warehouse"), "--set", "catalog.database=report_empty",
        "--set", "paths.reports=" + empty.resolve("reports"));
    assertThat(result.exitCode()).as(result.err()).isZero();
    String page = Files.readString(empty.resolve("reports/2025-03-31/index.html"));
    assertThat(page).contains("kpi_values has not been written yet").contains("model_runs has not been written yet")
        .contains("ingest_runs has not been written yet").contains("pipeline_runs has no rows yet");
  }

  @Test
  void rendersToPngWhenChromiumIsInstalled() throws Exception {
    boolean chromium = Files.isExecutable(Path.of("/usr/bin/chromium"))
        || Files.isExecutable(Path.of("/usr/bin/chromium-browser"));
    Assumptions.assumeTrue(chromium, "chromium is missing (apt-get install -y chromium): PNG rendering not checked");
    Path png = dir.resolve("report.png");
    Process process = new ProcessBuilder(RepoFiles.path("scripts/render-report.sh").toString(), report.toString(),
        png.toString()).redirectErrorStream(true).start();
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished within 90 s").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(20_000);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }
}
