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
import java.util.stream.Stream;
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
    CliRunner.Result result = CliRunner.run(OutputsWarehouse.cliArgs(dir, "report", "--run-date", "2025-03-31",
        "--set", "kpis.targets.churn_rate.max=8"));
    assertThat(result.exitCode()).as(result.err() + result.out()).isZero();
    report = dir.resolve("reports/2025-03-31/index.html");
    html = Files.readString(report, StandardCharsets.UTF_8);
  }

  @Test
  void everySectionIsPresentWithItsContent() {
    List<String> ids = List.of("headline", "segments", "churn-model", "clv", "lifecycle", "data-quality", "pipeline",
        "kpis");
    for (String id : ids) {
      assertThat(html).contains("<section id=\"" + id + "\">").contains("href=\"#" + id + "\"");
    }
    assertThat(ids.stream().map(id -> html.indexOf("<section id=\"" + id + "\">")).toList()).as("section order")
        .isSorted();
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">");
    // Transition matrix 2025-03-30 -> 2025-03-31, the new customer arriving from "(none)".
    assertThat(html).contains("rfm_segment transitions 2025-03-30 → 2025-03-31").contains("<th>(none)</th>");
    // CLV histogram, funnel, data-quality totals, stage timings.
    assertThat(html).contains("aria-label=\"CLV distribution\"").contains("aria-label=\"lifecycle funnel\"")
        .contains("aria-label=\"quarantine by reason\"").contains("aria-label=\"seconds per stage\"");
    assertThat(html).contains("<td>total</td><td></td><td></td><td class=\"num\">16</td>"
        + "<td class=\"num\">13</td><td class=\"num\">3</td><td>reconciled</td>");
    assertThat(html).contains("unknown_customer").contains("<td>score</td><td>succeeded</td>");
  }

  @Test
  void mainKpisAreCardsWithValueTargetChangeAndTrend() {
    String cards = section("headline");
    // ltv 105 -> 125.5 at trailing_90_days (the month row is another period), four runs of trend.
    assertThat(cards).contains("<div class=\"card-name\">ltv</div><div class=\"card-value\">125.50 <span"
        + " class=\"unit\">EUR</span>").contains("▲ +20.50 (+19.5 %) vs 2025-03-30")
        .contains("aria-label=\"trend of ltv over 4 runs\"");
    // churn_rate: target from kpis.targets, alert from kpi_alerts (company row only).
    assertThat(cards).contains("<div class=\"card card-alert\"><div class=\"card-name\">churn rate</div>")
        .contains("target ≤ 8.00").contains("missed target; moved against (+2.00)")
        .doesNotContain("segment &lt;only");
    // Cards without a value for the run date are named in the note, not drawn.
    assertThat(cards).contains("Not in kpi_values for 2025-03-31: avg_order_value, nps, avg_health_score,"
        + " ltv_to_cac.");
  }

  @Test
  void fullKpiTableIsGroupedByLifecycleStageAndCollapsible() {
    String all = section("kpis");
    assertThat(all).contains("<details><summary>conversion · 1 values</summary>")
        .contains("<details><summary>retention · 3 values · <span class=\"alert\">1 alerts</span></summary>");
    assertThat(all.indexOf("conversion")).isLessThan(all.indexOf("retention"));
    assertThat(all).contains("<td>win_rate</td><td>quarter</td>").contains("<td>ltv</td><td>month</td>")
        .doesNotContain("champions");
  }

  @Test
  void churnSectionShowsTheChosenModelOfTheNewestTrainingWithCurvesAndCandidates() {
    String churn = section("churn-model");
    assertThat(churn).contains("Chosen: <strong>churn_gbt</strong> (v20250331, trained on 2025-03-31");
    // Both candidates of that training, chosen first, with validation and test metrics.
    assertThat(churn).contains("<td>churn_gbt</td><td>chosen</td><td class=\"num\">0.82</td>"
        + "<td class=\"num\">0.81</td>")
        .contains("<td>churn_logistic</td><td></td><td class=\"num\">0.78</td><td class=\"num\">0.80</td>")
        .doesNotContain("v20250330");
    assertThat(churn).contains("aria-label=\"ROC curve\"").contains("aria-label=\"calibration\"")
        .contains("aria-label=\"lift by decile\"").doesNotContain("not plotted");
  }

  private static String section(String id) {
    int start = html.indexOf("<section id=\"" + id + "\">");
    assertThat(start).as("section " + id).isNotNegative();
    return html.substring(start, html.indexOf("</section>", start));
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

  /**
   * The report as its reader first sees it: headless Chromium at 1280×800. A copy of the page with a measuring
   * script (the report itself has none) records the layout; the main KPI cards must all lie within the first
   * screen, and neither the page nor any card or section may be wider than its box. Also writes the PNG.
   */
  @Test
  void firstScreenHoldsTheKpiCardsWithoutOverflow() throws Exception {
    String browser = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser").filter(b -> Files.isExecutable(
        Path.of(b))).findFirst().orElse(null);
    Assumptions.assumeTrue(browser != null, "chromium is missing (apt-get install -y chromium; .ci/run installs it)");
    Path measured = dir.resolve("measured.html");
    Files.writeString(measured, html.replace("</body>", "<pre id=\"layout\"></pre><script>"
        + "const cards=[...document.querySelectorAll('.card')];"
        + "const wide=e=>e.scrollWidth>e.clientWidth+1;"
        + "document.getElementById('layout').textContent=JSON.stringify({cards:cards.length,"
        + "cardsBottom:Math.max(...cards.map(c=>c.getBoundingClientRect().bottom)),"
        + "viewportWidth:window.innerWidth,viewportHeight:window.innerHeight,"
        + "pageWidth:document.documentElement.scrollWidth,"
        + "overflowing:[...document.querySelectorAll('.card,section')].filter(wide).map(e=>e.id||e.textContent.slice(0,40))"
        + "});</script></body>"));
    Path profile = Files.createTempDirectory(dir, "chromium");
    Process process = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--user-data-dir=" + profile, "--window-size=1280,800", "--dump-dom",
        measured.toUri().toString()).redirectError(dir.resolve("chromium.log").toFile()).start();
    String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished within 90 s").isTrue();
    Matcher layout = Pattern.compile("<pre id=\"layout\">(.*?)</pre>").matcher(dom);
    assertThat(layout.find()).as("layout measured; chromium log in " + dir).isTrue();
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(layout.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"));
    assertThat(json.get("viewportWidth").asInt()).isEqualTo(1280);
    assertThat(json.get("cards").asInt()).as("KPI cards drawn").isEqualTo(2);
    assertThat(json.get("cardsBottom").asDouble()).as("bottom of the last KPI card, in px: " + json)
        .isLessThanOrEqualTo(json.get("viewportHeight").asDouble());
    assertThat(json.get("pageWidth").asInt()).as("page width: " + json).isLessThanOrEqualTo(1280);
    assertThat(json.get("overflowing")).as("cards and sections wider than their box: " + json).isEmpty();

    Path png = dir.resolve("first-screen.png");
    ProcessBuilder render = new ProcessBuilder(RepoFiles.path("scripts/render-report.sh").toString(), report.toString(),
        png.toString()).redirectErrorStream(true);
    render.environment().put("REPORT_WINDOW_SIZE", "1280,800");
    Process started = render.start();
    String output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(started.waitFor(90, TimeUnit.SECONDS)).as("chromium finished within 90 s").isTrue();
    assertThat(started.exitValue()).as(output).isZero();
    byte[] bytes = Files.readAllBytes(png);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }
}
