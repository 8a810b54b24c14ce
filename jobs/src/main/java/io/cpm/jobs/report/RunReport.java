package io.cpm.jobs.report;

import io.cpm.metrics.schema.GoldTable;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.report.Html.Raw;
import io.cpm.jobs.report.Svg.Bar;
import io.cpm.jobs.storage.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The run report of one run date as a single self-contained HTML page: inline CSS and SVG, no script, no
 * external resource. Each section reads its warehouse table; a section whose table has not been written yet
 * says so instead of failing the run. Every data value is HTML-escaped.
 */
public final class RunReport {
  /** One section of the page; {@code id} is the anchor, {@code html} already escaped. */
  public record Section(String id, String title, String html) {}

  static final List<String> LIFECYCLE_ORDER = List.of("prospect", "new", "growing", "mature", "at_risk",
      "churned", "reactivated");

  private final Tables tables;
  private final LocalDate runDate;
  private final ReportSettings settings;
  private final Map<String, String> targets;
  private Map<List<String>, KpiSeries> kpiSeries;

  /** {@code targets}: KPI targets from the config ({@code kpis.targets}) by KPI name, as text; may be empty. */
  public RunReport(Tables tables, LocalDate runDate, ReportSettings settings, Map<String, String> targets) {
    this.tables = tables;
    this.runDate = runDate;
    this.settings = settings;
    this.targets = Map.copyOf(targets);
  }

  /** The sections in page order. */
  public List<Section> sections() {
    return List.of(headline(), segments(), churnModel(), clv(), lifecycle(), dataQuality(),
        NotComputedSection.section(tables, runDate), pipeline(), kpis());
  }

  /** The whole page. */
  public String html(String toolVersion) {
    List<Section> sections = sections();
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(Html.escape(settings.title() + " " + runDate)).append("</title><style>")
        .append(CSS).append("</style></head><body><header><h1>").append(Html.escape(settings.title()))
        .append("</h1><p class=\"meta\">Run date <strong>").append(Html.escape(runDate)).append("</strong> · cpm ")
        .append(Html.escape(toolVersion)).append(" · warehouse ").append(Html.escape(tables.warehouse()))
        .append("</p><nav>");
    sections.forEach(s -> sb.append("<a href=\"#").append(s.id()).append("\">").append(Html.escape(s.title()))
        .append("</a>"));
    sb.append("</nav></header><main>");
    sections.forEach(s -> sb.append("<section id=\"").append(s.id()).append("\"><h2>").append(Html.escape(s.title()))
        .append("</h2>").append(s.html()).append("</section>"));
    return sb.append("</main></body></html>\n").toString();
  }

  private static final String CSS = String.join("",
      "body{font-family:'DejaVu Sans','Liberation Sans',Arial,Helvetica,sans-serif;margin:0;color:#111827;",
      "background:#f3f4f6;font-size:14px}",
      "header{background:#1e3a8a;color:#fff;padding:18px 32px}h1{margin:0 0 4px;font-size:24px}",
      ".meta{margin:0 0 10px;opacity:.9}nav a{color:#bfdbfe;margin-right:14px;text-decoration:none}",
      "main{padding:16px 32px;display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,640px),1fr));",
      "gap:16px;align-items:start}",
      // A wide table scrolls inside its card instead of spilling over the next one; the KPI table has a row of
      // its own so its columns (target, trend, alert) keep their width.
      "section{background:#fff;border-radius:8px;padding:12px 18px;box-shadow:0 1px 2px rgba(0,0,0,.08);",
      "min-width:0;overflow-x:auto}section#headline,section#kpis{grid-column:1/-1}",
      // The main KPIs as cards, as many per row as fit (six on a 1280 px screen), so the first screen holds them.
      ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px}",
      ".card{border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px;min-width:0;overflow:hidden}",
      ".card-alert{border-color:#fca5a5;background:#fef2f2}.card-name{font-size:12px;color:#6b7280;",
      "text-transform:uppercase;letter-spacing:.03em}.card-value{font-size:22px;font-weight:bold;margin:2px 0;",
      "white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.unit{font-size:13px;font-weight:normal;",
      "color:#6b7280}.card-meta{font-size:12px;color:#374151;margin:1px 0}",
      "details{margin:4px 0}summary{cursor:pointer;font-weight:bold;padding:4px 0;color:#374151}",
      "h2{font-size:18px;margin:4px 0 10px;color:#1e3a8a}h3{font-size:14px;margin:12px 0 6px;color:#374151}",
      "table{border-collapse:collapse;margin:4px 0 10px;font-size:13px}",
      "th,td{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:middle}",
      "th{background:#f9fafb;color:#374151}td.num{text-align:right;font-variant-numeric:tabular-nums}",
      ".note{color:#6b7280;font-style:italic}.muted{color:#9ca3af}.alert{color:#b91c1c;font-weight:bold}",
      ".ok{color:#15803d}.charts{display:flex;flex-wrap:wrap;gap:18px}",
      "table.matrix td{text-align:right;min-width:30px}table.matrix th{font-size:11px;max-width:76px;",
      "overflow-wrap:break-word;padding:3px 4px}table.matrix tbody th{max-width:none;white-space:nowrap}");

  // ---- Main KPIs (cards) ----------------------------------------------------------------------------------

  /** One company-scope KPI of the run date and its values over the trend run dates (oldest first). */
  private record KpiSeries(String kpi, String period, String unit, String stage, Double value, Double previous,
      LocalDate previousDate, List<Double> trend) {}

  /**
   * The company-scope KPI values of the last {@code trend-run-dates + 1} run dates up to the run date, by
   * (kpi, period) in name order; empty if kpi_values has no rows for the run date. Read once: the headline cards
   * and the full KPI table show the same series.
   */
  private Map<List<String>, KpiSeries> kpiSeries() {
    if (kpiSeries == null) {
      kpiSeries = readKpiSeries();
    }
    return kpiSeries;
  }

  private Map<List<String>, KpiSeries> readKpiSeries() {
    Dataset<Row> values = tables.read(GoldTable.KPI_VALUES.table()).where(col("scope_type").equalTo(lit("company"))
        .and(col(Tables.RUN_DATE).leq(lit(Date.valueOf(runDate)))));
    List<Date> dates = values.select(Tables.RUN_DATE).distinct().orderBy(col(Tables.RUN_DATE).desc())
        .limit(settings.trendRunDates() + 1).as(org.apache.spark.sql.Encoders.DATE()).collectAsList();
    Map<List<String>, KpiSeries> series = new TreeMap<>((x, y) -> String.join("|", x).compareTo(String.join("|", y)));
    if (!dates.contains(Date.valueOf(runDate))) {
      return series;
    }
    Map<List<String>, List<Row>> rows = new LinkedHashMap<>();
    for (Row row : values.where(col(Tables.RUN_DATE).isin(dates.toArray()))
        .select("kpi", "period", Tables.RUN_DATE, "value", "unit", "lifecycle_stage").orderBy(Tables.RUN_DATE)
        .collectAsList()) {
      rows.computeIfAbsent(List.of(row.getString(0), row.getString(1)), k -> new ArrayList<>()).add(row);
    }
    rows.forEach((key, list) -> {
      Row last = list.get(list.size() - 1);
      if (!last.getDate(2).toLocalDate().equals(runDate)) {
        return;
      }
      Row before = null;
      for (Row r : list.subList(0, list.size() - 1)) {
        if (!r.isNullAt(3)) {
          before = r;
        }
      }
      series.put(key, new KpiSeries(key.get(0), key.get(1), last.getString(4), last.getString(5),
          toDouble(last.get(3)), before == null ? null : before.getDouble(3),
          before == null ? null : before.getDate(2).toLocalDate(), list.stream().map(r -> toDouble(r.get(3))).toList()));
    });
    return series;
  }

  /**
   * The first screen: the main KPIs ({@code report.headline-kpis} at {@code report.headline-period}) as cards with
   * value, unit, target, change against the previous run and a sparkline over the last runs.
   */
  private Section headline() {
    String id = "headline";
    String title = "Main KPIs";
    if (!tables.exists(GoldTable.KPI_VALUES.table())) {
      return new Section(id, title, Html.note("kpi_values has not been written yet (run cpm kpis)."));
    }
    Map<List<String>, KpiSeries> series = kpiSeries();
    if (series.isEmpty()) {
      return new Section(id, title, Html.note("kpi_values has no rows for run date " + runDate + "."));
    }
    Map<String, String> alerts = alerts();
    StringBuilder html = new StringBuilder("<div class=\"cards\">");
    List<String> missing = new ArrayList<>();
    for (String kpi : settings.headlineKpis()) {
      KpiSeries s = series.get(List.of(kpi, settings.headlinePeriod()));
      if (s == null) {
        missing.add(kpi);
        continue;
      }
      String alert = alerts.get(alertKey(kpi, s.period()));
      html.append("<div class=\"card").append(alert == null ? "" : " card-alert").append("\"><div class=\"card-name\">")
          .append(Html.escape(kpi.replace('_', ' '))).append("</div><div class=\"card-value\">")
          .append(Html.escape(Html.number(s.value(), 2))).append(" <span class=\"unit\">")
          .append(Html.escape(s.unit())).append("</span></div><div class=\"card-meta\">target ")
          .append(Html.escape(targets.getOrDefault(kpi, "none"))).append("</div><div class=\"card-meta\">")
          .append(change(s)).append("</div>")
          .append(Svg.sparkline(s.trend(), "trend of " + kpi + " over " + s.trend().size() + " runs"));
      if (alert != null) {
        html.append("<div class=\"alert card-meta\">").append(Html.escape(alert)).append("</div>");
      }
      html.append("</div>");
    }
    html.append("</div>");
    html.append(Html.note("Company scope, period " + settings.headlinePeriod() + " (report.headline-kpis,"
        + " report.headline-period); targets from kpis.targets; every KPI is in the table below."
        + (missing.isEmpty() ? "" : " Not in kpi_values for " + runDate + ": " + String.join(", ", missing) + ".")));
    return new Section(id, title, html.toString());
  }

  /** "+2.00 (+20.0 %) vs 2025-03-30", or why there is no change. */
  private static String change(KpiSeries s) {
    if (s.value() == null) {
      return "<span class=\"muted\">not computable for this run</span>";
    }
    if (s.previous() == null) {
      return "<span class=\"muted\">no earlier run to compare</span>";
    }
    double delta = s.value() - s.previous();
    String arrow = delta > 0 ? "▲" : delta < 0 ? "▼" : "=";
    String relative = s.previous() == 0 ? "" : String.format(java.util.Locale.ROOT, " (%+.1f %%)",
        100 * delta / Math.abs(s.previous()));
    return Html.escape(arrow + " " + String.format(java.util.Locale.ROOT, "%+,.2f", delta) + relative + " vs "
        + s.previousDate());
  }

  // ---- All KPIs (table) -----------------------------------------------------------------------------------

  /** Every company-scope KPI and period, grouped by lifecycle stage, each group collapsible. */
  private Section kpis() {
    String id = "kpis";
    String title = "All KPIs";
    if (!tables.exists(GoldTable.KPI_VALUES.table())) {
      return new Section(id, title, Html.note("kpi_values has not been written yet (run cpm kpis)."));
    }
    Map<List<String>, KpiSeries> series = kpiSeries();
    if (series.isEmpty()) {
      return new Section(id, title, Html.note("kpi_values has no rows for run date " + runDate + "."));
    }
    Map<String, String> alerts = alerts();
    Map<String, List<List<Object>>> byStage = new TreeMap<>(java.util.Comparator.comparingInt(
        (String stage) -> KPI_STAGE_ORDER.contains(stage) ? KPI_STAGE_ORDER.indexOf(stage) : KPI_STAGE_ORDER.size())
        .thenComparing(java.util.Comparator.naturalOrder()));
    for (KpiSeries s : series.values()) {
      String alert = alerts.get(alertKey(s.kpi(), s.period()));
      byStage.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(Arrays.asList(s.kpi(), s.period(), s.value(),
          s.unit(), targets.get(s.kpi()), s.previous(), new Raw(Svg.sparkline(s.trend(), "trend of " + s.kpi() + " "
              + s.period())), new Raw(alert == null ? "<span class=\"ok\">ok</span>"
              : "<span class=\"alert\">" + Html.escape(alert) + "</span>")));
    }
    StringBuilder html = new StringBuilder();
    byStage.forEach((stage, rows) -> {
      long alerted = rows.stream().filter(r -> ((Raw) r.get(7)).html().contains("class=\"alert\"")).count();
      html.append("<details><summary>").append(Html.escape(stage)).append(" · ").append(rows.size())
          .append(" values").append(alerted == 0 ? "" : " · <span class=\"alert\">" + alerted + " alerts</span>")
          .append("</summary>").append(Html.table(List.of("kpi", "period", "value", "unit", "target",
              "previous run", "trend", "alert"), rows)).append("</details>");
    });
    html.append(Html.note("Company scope, grouped by the lifecycle stage each KPI steers; click a stage to open"
        + " it. Trend over the last " + (settings.trendRunDates() + 1) + " run dates at most."));
    return new Section(id, title, html.toString());
  }

  /** Lifecycle stages of the KPI library in customer order. */
  static final List<String> KPI_STAGE_ORDER = List.of("acquisition", "conversion", "service", "deepening",
      "retention");

  /**
   * Company-scope kpi_alerts of the run date by "kpi|period", each with its distinct reasons (sorted) and the
   * change against the previous period where it has one.
   */
  private Map<String, String> alerts() {
    Map<String, java.util.Set<String>> reasons = new TreeMap<>();
    if (!tables.exists(GoldTable.KPI_ALERTS.table())) {
      return new TreeMap<>();
    }
    for (Row row : tables.readRunDate(GoldTable.KPI_ALERTS.table(), runDate).where(col("scope_type").equalTo("company"))
        .select("kpi", "period", "reason", "change").collectAsList()) {
      String text = row.getString(2).replace('_', ' ');
      if (!row.isNullAt(3) && text.startsWith("moved")) {
        text += String.format(java.util.Locale.ROOT, " (%+.2f)", row.getDouble(3));
      }
      reasons.computeIfAbsent(alertKey(row.getString(0), row.getString(1)), k -> new java.util.TreeSet<>()).add(text);
    }
    Map<String, String> alerts = new TreeMap<>();
    reasons.forEach((key, texts) -> alerts.put(key, String.join("; ", texts)));
    return alerts;
  }

  private static String alertKey(String kpi, String period) {
    return kpi + "|" + period;
  }

  // ---- Segments -----------------------------------------------------------------------------------------

  private Section segments() {
    String id = "segments";
    String title = "Segments";
    if (!tables.exists(GoldTable.CUSTOMER_SEGMENTS.table())) {
      return new Section(id, title, Html.note("customer_segments has not been written yet (run cpm segment)."));
    }
    Dataset<Row> all = tables.read(GoldTable.CUSTOMER_SEGMENTS.table());
    Dataset<Row> today = all.where(Tables.isRunDate(runDate));
    List<String> columns = Arrays.asList(all.columns());
    StringBuilder html = new StringBuilder("<div class=\"charts\">");
    for (String dimension : List.of("rfm_segment", "value_activity_tag", "cluster_label")) {
      if (columns.contains(dimension)) {
        html.append("<div><h3>").append(Html.escape(dimension)).append("</h3>")
            .append(Svg.bars(counts(today, dimension), "customers by " + dimension, 0)).append("</div>");
      }
    }
    html.append("</div>");
    html.append(transitions(all, "rfm_segment"));
    return new Section(id, title, html.toString());
  }

  /** Segment of each customer at the previous run date (rows) against the run date (columns). */
  private String transitions(Dataset<Row> all, String dimension) {
    Row previousRow = all.where(col(Tables.RUN_DATE).lt(lit(Date.valueOf(runDate))))
        .agg(functions.max(Tables.RUN_DATE)).first();
    if (previousRow.isNullAt(0) || !Arrays.asList(all.columns()).contains(dimension)) {
      return "<h3>Transitions</h3>" + Html.note("No earlier run date in customer_segments: no transition matrix.");
    }
    LocalDate previous = previousRow.getDate(0).toLocalDate();
    Dataset<Row> before = all.where(Tables.isRunDate(previous)).select(col("customer_id"), col(dimension).as("from"));
    Dataset<Row> after = all.where(Tables.isRunDate(runDate)).select(col("customer_id"), col(dimension).as("to"));
    List<Row> cells = before.join(after, "customer_id", "full_outer")
        .groupBy(functions.coalesce(col("from"), lit("(none)")).as("from"),
            functions.coalesce(col("to"), lit("(none)")).as("to"))
        .agg(count(lit(1)).as("n")).collectAsList();
    TreeSet<String> labels = new TreeSet<>();
    Map<String, Long> matrix = new TreeMap<>();
    long max = 1;
    for (Row r : cells) {
      labels.add(r.getString(0));
      labels.add(r.getString(1));
      matrix.put(r.getString(0) + "\u0000" + r.getString(1), r.getLong(2));
      max = Math.max(max, r.getLong(2));
    }
    StringBuilder sb = new StringBuilder("<h3>").append(Html.escape(dimension)).append(" transitions ")
        .append(Html.escape(previous)).append(" → ").append(Html.escape(runDate))
        .append(" (rows: from, columns: to)</h3><table class=\"matrix\"><thead><tr><th></th>");
    // Long segment names break after underscores so the matrix fits its card.
    labels.forEach(l -> sb.append("<th>").append(Html.escape(l).replace("_", "_<wbr>")).append("</th>"));
    sb.append("</tr></thead><tbody>");
    for (String from : labels) {
      sb.append("<tr><th>").append(Html.escape(from)).append("</th>");
      for (String to : labels) {
        long n = matrix.getOrDefault(from + "\u0000" + to, 0L);
        double shade = n == 0 ? 0 : 0.12 + 0.78 * n / max;
        sb.append("<td style=\"background:rgba(37,99,235,").append(String.format(java.util.Locale.ROOT, "%.2f", shade))
            .append(");color:").append(shade > 0.55 ? "#fff" : "#111827").append("\">")
            .append(n == 0 ? "" : Html.number(n, 0)).append("</td>");
      }
      sb.append("</tr>");
    }
    return sb.append("</tbody></table>").toString();
  }

  // ---- Churn model --------------------------------------------------------------------------------------

  /**
   * The chosen churn model of the newest training on or before the run date (a model is retrained only when
   * stale, so it may be older than the run date), its held-out curves, and every candidate of that training.
   */
  private Section churnModel() {
    String id = "churn-model";
    String title = "Churn model";
    if (!tables.exists(GoldTable.MODEL_RUNS.table())) {
      return new Section(id, title, Html.note("model_runs has not been written yet (run cpm score)."));
    }
    Dataset<Row> churn = tables.read(GoldTable.MODEL_RUNS.table()).where(col("model").startsWith("churn_")
        .and(col(Tables.RUN_DATE).leq(lit(Date.valueOf(runDate)))));
    Row trained = churn.where(col("chosen")).agg(functions.max(Tables.RUN_DATE)).first();
    if (trained.isNullAt(0)) {
      return new Section(id, title, Html.note("model_runs has no chosen churn model on or before " + runDate + "."));
    }
    LocalDate trainedOn = trained.getDate(0).toLocalDate();
    List<Row> candidates = churn.where(Tables.isRunDate(trainedOn))
        .select("model", "chosen", "version", "validation_roc_auc", "roc_auc", "pr_auc", "brier", "rows", "roc",
            "calibration", "lift")
        .orderBy(col("chosen").desc(), col("model")).collectAsList();
    Row chosen = candidates.get(0);
    StringBuilder html = new StringBuilder("<p>Chosen: <strong>").append(Html.escape(chosen.getString(0)))
        .append("</strong> (").append(Html.escape(chosen.getString(2))).append(", trained on ")
        .append(Html.escape(trainedOn)).append(", highest validation ROC-AUC; test metrics on the held-out set)</p>");
    List<List<Object>> rows = new ArrayList<>();
    for (Row c : candidates) {
      rows.add(Arrays.asList(c.getString(0), c.getBoolean(1) ? "chosen" : "", c.get(3), c.get(4), c.get(5), c.get(6),
          c.get(7)));
    }
    html.append(Html.table(List.of("candidate", "", "validation ROC-AUC", "test ROC-AUC", "test PR-AUC",
        "test Brier", "fit rows"), rows)).append("<div class=\"charts\">");
    List<Svg.Point> roc = CurvePoints.parse(chosen.getString(8), List.of("fpr"), List.of("tpr"));
    List<Svg.Point> calibration = CurvePoints.parse(chosen.getString(9), List.of("meanPredicted"),
        List.of("observedRate"));
    List<Svg.Point> lift = CurvePoints.parse(chosen.getString(10), List.of("decile"), List.of("lift"));
    List<String> missing = new ArrayList<>();
    if (roc.isEmpty()) {
      missing.add("ROC curve");
    } else {
      html.append("<div><h3>ROC curve (test set)</h3>")
          .append(Svg.unitPlot(roc, "ROC curve", "false positive rate", "true positive rate")).append("</div>");
    }
    if (calibration.isEmpty()) {
      missing.add("calibration");
    } else {
      html.append("<div><h3>Calibration by decile (test set)</h3>")
          .append(Svg.unitPlot(calibration, "calibration", "mean predicted probability", "observed churn rate"))
          .append("</div>");
    }
    if (lift.isEmpty()) {
      missing.add("lift");
    } else {
      html.append("<div><h3>Lift by decile (1 = highest scores)</h3>").append(Svg.bars(lift.stream()
          .map(p -> new Bar("decile " + Math.round(p.x()), p.y())).toList(), "lift by decile", 2)).append("</div>");
    }
    html.append("</div>");
    if (!missing.isEmpty()) {
      html.append(Html.note("model_runs stores no " + String.join(", ", missing) + " for " + chosen.getString(0)
          + ": not plotted."));
    }
    return new Section(id, title, html.toString());
  }

  // ---- CLV ----------------------------------------------------------------------------------------------

  private Section clv() {
    String id = "clv";
    String title = "Customer lifetime value";
    if (!tables.exists(GoldTable.CUSTOMER_SCORES.table())) {
      return new Section(id, title, Html.note("customer_scores has not been written yet (run cpm score)."));
    }
    Dataset<Row> scores = tables.readRunDate(GoldTable.CUSTOMER_SCORES.table(), runDate);
    List<String> columns = Arrays.asList(scores.columns());
    if (!columns.contains("clv_12m")) {
      return new Section(id, title, Html.note("customer_scores has no clv_12m column."));
    }
    Dataset<Row> clv = scores.select(col("clv_12m").cast(DataTypes.DoubleType).as("clv")).where(col("clv").isNotNull()
        .and(functions.not(functions.isnan(col("clv")))));
    Row stats = clv.agg(functions.min("clv"), functions.max("clv"), count(lit(1)), functions.sum("clv"),
        functions.percentile_approx(col("clv"), lit(0.5), lit(10000)),
        functions.percentile_approx(col("clv"), lit(0.99), lit(10000))).first();
    if (stats.getLong(2) == 0) {
      return new Section(id, title, Html.note("customer_scores has no CLV values for run date " + runDate + "."));
    }
    double min = stats.getDouble(0);
    double max = stats.getDouble(1);
    // CLV is heavy-tailed: bins span min..p99 and the last bin also holds the top 1 %, so one whale does not
    // squeeze everyone else into the first bar.
    double upper = stats.getDouble(5) > min ? stats.getDouble(5) : max;
    int bins = settings.clvBins();
    double width = upper > min ? (upper - min) / bins : 1;
    long[] histogram = new long[bins];
    org.apache.spark.sql.Column bin = functions.least(lit(bins - 1),
        functions.floor(col("clv").minus(lit(min)).divide(lit(width))).cast(DataTypes.IntegerType));
    for (Row r : clv.groupBy(bin.as("bin")).agg(count(lit(1))).collectAsList()) {
      histogram[r.getInt(0)] = r.getLong(1);
    }
    StringBuilder html = new StringBuilder(Html.table(List.of("customers", "total CLV 12m", "median", "min", "max"),
        List.of(List.of(stats.getLong(2), stats.getDouble(3), stats.getDouble(4), min, max))));
    html.append("<div class=\"charts\"><div><h3>CLV 12m distribution</h3>")
        .append(Svg.histogram(histogram, min, width, "CLV distribution", "CLV 12 months (base currency)"
            + (upper < max ? "; last bar includes values above the 99th percentile" : "")))
        .append("</div>");
    for (String dimension : List.of("clv_grade", "churn_band")) {
      if (columns.contains(dimension)) {
        html.append("<div><h3>").append(Html.escape(dimension)).append("</h3>")
            .append(Svg.bars(counts(scores, dimension), "customers by " + dimension, 0)).append("</div>");
      }
    }
    return new Section(id, title, html.append("</div>").toString());
  }

  // ---- Lifecycle ----------------------------------------------------------------------------------------

  private Section lifecycle() {
    String id = "lifecycle";
    String title = "Lifecycle funnel";
    if (!tables.exists(GoldTable.CUSTOMER_SEGMENTS.table())
        || !Arrays.asList(tables.read(GoldTable.CUSTOMER_SEGMENTS.table()).columns()).contains("lifecycle_stage")) {
      return new Section(id, title, Html.note("customer_segments with lifecycle_stage has not been written yet."));
    }
    Map<String, Double> byStage = new LinkedHashMap<>();
    LIFECYCLE_ORDER.forEach(s -> byStage.put(s, 0.0));
    for (Bar bar : counts(tables.readRunDate(GoldTable.CUSTOMER_SEGMENTS.table(), runDate), "lifecycle_stage")) {
      byStage.merge(bar.label(), bar.value(), Double::sum);
    }
    List<Bar> stages = byStage.entrySet().stream().map(e -> new Bar(e.getKey(), e.getValue())).toList();
    return new Section(id, title, Svg.funnel(stages, "lifecycle funnel"));
  }

  // ---- Data quality -------------------------------------------------------------------------------------

  private Section dataQuality() {
    String id = "data-quality";
    String title = "Data quality";
    StringBuilder html = new StringBuilder();
    if (tables.exists(GoldTable.INGEST_RUNS.table())) {
      List<Row> files = tables.readRunDate(GoldTable.INGEST_RUNS.table(), runDate)
          .select("source", "entity", "file", "rows_read", "rows_accepted", "rows_quarantined", "status")
          .orderBy("source", "entity", "file").collectAsList();
      List<List<Object>> rows = new ArrayList<>();
      long read = 0;
      long accepted = 0;
      long quarantined = 0;
      for (Row r : files) {
        rows.add(Arrays.asList(r.getString(0), r.getString(1), fileName(r.getString(2)), r.getLong(3), r.getLong(4),
            r.getLong(5), String.valueOf(r.getString(6))));
        read += r.getLong(3);
        accepted += r.getLong(4);
        quarantined += r.getLong(5);
      }
      rows.add(List.of("total", "", "", read, accepted, quarantined,
          read == accepted + quarantined ? "reconciled" : "MISMATCH"));
      html.append(Html.table(List.of("source", "entity", "file", "rows read", "accepted", "quarantined", "status"),
          rows));
    } else {
      html.append(Html.note("ingest_runs has not been written yet (run cpm ingest)."));
    }
    if (tables.exists(GoldTable.QUARANTINE.table())) {
      Dataset<Row> quarantine = tables.readRunDate(GoldTable.QUARANTINE.table(), runDate);
      List<Bar> reasons = counts(quarantine, "reason_code");
      html.append("<h3>Quarantined rows by reason</h3>").append(reasons.isEmpty()
          ? Html.note("No rows quarantined on " + runDate + ".") : Svg.bars(reasons, "quarantine by reason", 0));
      List<List<Object>> byEntity = new ArrayList<>();
      for (Row r : quarantine.groupBy("entity", "reason_code").agg(count(lit(1)).as("n"))
          .orderBy(col("n").desc(), col("entity")).limit(20).collectAsList()) {
        byEntity.add(Arrays.asList(r.getString(0), r.getString(1), r.getLong(2)));
      }
      if (!byEntity.isEmpty()) {
        html.append(Html.table(List.of("entity", "reason", "rows"), byEntity));
      }
    } else {
      html.append(Html.note("quarantine has not been written yet."));
    }
    return new Section(id, title, html.toString());
  }

  private static String fileName(String path) {
    return path == null ? null : path.substring(path.lastIndexOf('/') + 1);
  }

  // ---- Pipeline -----------------------------------------------------------------------------------------

  private Section pipeline() {
    String id = "pipeline";
    String title = "Pipeline stage timings";
    if (!tables.exists(GoldTable.PIPELINE_RUNS.table())) {
      return new Section(id, title, Html.note("pipeline_runs has no rows yet: the nightly run records its stages"
          + " when it ends, so the first report of a warehouse has no timings."));
    }
    // Attempt-level rows (started, interrupted) carry no stage timing.
    Dataset<Row> runs = tables.readRunDate(GoldTable.PIPELINE_RUNS.table(), runDate)
        .where(functions.not(col("status").isin("started", "interrupted")));
    Row attempt = runs.agg(functions.max("attempt")).first();
    if (attempt.isNullAt(0)) {
      return new Section(id, title, Html.note("No recorded nightly attempt for " + runDate
          + " yet (the running attempt is recorded when it ends)."));
    }
    List<Row> stages = runs.where(col("attempt").equalTo(attempt.getInt(0)))
        .select("stage", "status", "rows", "seconds").collectAsList();
    List<List<Object>> rows = new ArrayList<>();
    List<Bar> bars = new ArrayList<>();
    for (Row r : stages) {
      rows.add(Arrays.asList(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getLong(2), r.getDouble(3)));
      bars.add(new Bar(r.getString(0), r.getDouble(3)));
    }
    return new Section(id, title, "<p>Attempt " + attempt.getInt(0) + " (latest recorded for this run date)</p>"
        + Html.table(List.of("stage", "status", "rows", "seconds"), rows)
        + Svg.bars(bars, "seconds per stage", 1));
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** Customers per value of a column, largest first (ties by label). */
  private static List<Bar> counts(Dataset<Row> rows, String column) {
    List<Bar> bars = new ArrayList<>();
    for (Row r : rows.groupBy(functions.coalesce(col(column).cast(DataTypes.StringType), lit("(none)")).as("k"))
        .agg(count(lit(1)).as("n")).orderBy(col("n").desc(), col("k")).collectAsList()) {
      bars.add(new Bar(r.getString(0), r.getLong(1)));
    }
    return bars;
  }

  private static Double toDouble(Object value) {
    return value instanceof Number n ? n.doubleValue() : null;
  }
}
