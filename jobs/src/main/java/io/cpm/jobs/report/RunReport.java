package io.cpm.jobs.report;

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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

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
  private static final Set<String> CURVE_COLUMNS = Set.of("roc", "roc_curve", "roc_points", "calibration",
      "calibration_bins", "deciles", "pr", "pr_curve");

  private final Tables tables;
  private final LocalDate runDate;
  private final ReportSettings settings;
  private final Map<String, Double> targets;

  /** {@code targets}: KPI targets from the config ({@code kpis.targets}) by KPI name; may be empty. */
  public RunReport(Tables tables, LocalDate runDate, ReportSettings settings, Map<String, Double> targets) {
    this.tables = tables;
    this.runDate = runDate;
    this.settings = settings;
    this.targets = Map.copyOf(targets);
  }

  /** The sections in page order. */
  public List<Section> sections() {
    return List.of(kpis(), segments(), churnModel(), clv(), lifecycle(), dataQuality(), pipeline());
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
      "min-width:0;overflow-x:auto}section#kpis{grid-column:1/-1}",
      "h2{font-size:18px;margin:4px 0 10px;color:#1e3a8a}h3{font-size:14px;margin:12px 0 6px;color:#374151}",
      "table{border-collapse:collapse;margin:4px 0 10px;font-size:13px}",
      "th,td{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:middle}",
      "th{background:#f9fafb;color:#374151}td.num{text-align:right;font-variant-numeric:tabular-nums}",
      ".note{color:#6b7280;font-style:italic}.muted{color:#9ca3af}.alert{color:#b91c1c;font-weight:bold}",
      ".ok{color:#15803d}.charts{display:flex;flex-wrap:wrap;gap:18px}",
      "table.matrix td{text-align:right;min-width:30px}table.matrix th{font-size:11px;max-width:76px;",
      "overflow-wrap:break-word;padding:3px 4px}table.matrix tbody th{max-width:none;white-space:nowrap}");

  // ---- KPIs ---------------------------------------------------------------------------------------------

  private Section kpis() {
    String id = "kpis";
    String title = "KPIs";
    if (!tables.exists("kpi_values")) {
      return new Section(id, title, Html.note("kpi_values has not been written yet (run cpm kpis)."));
    }
    Dataset<Row> values = tables.read("kpi_values");
    List<String> columns = Arrays.asList(values.columns());
    String kpi = first(columns, "kpi", "kpi_name", "name");
    String value = first(columns, "value", "kpi_value");
    if (kpi == null || value == null) {
      return new Section(id, title, Html.note("kpi_values lacks a kpi or value column; columns: " + columns));
    }
    boolean companyOnly = false;
    String scope = first(columns, "scope_type", "scope");
    if (scope != null) {
      Dataset<Row> company = values.where(col(scope).equalTo(lit("company")));
      if (!company.isEmpty()) {
        values = company;
        companyOnly = true;
      }
    }
    List<String> keys = new ArrayList<>(List.of(kpi));
    if (columns.contains("period")) {
      keys.add("period");
    }
    if (!companyOnly) {
      Arrays.asList("scope_type", "scope", "scope_value").stream().filter(columns::contains).forEach(keys::add);
    }
    List<Date> dates = values.where(col(Tables.RUN_DATE).leq(lit(Date.valueOf(runDate))))
        .select(Tables.RUN_DATE).distinct().orderBy(col(Tables.RUN_DATE).desc())
        .limit(settings.trendRunDates() + 1).as(org.apache.spark.sql.Encoders.DATE()).collectAsList();
    if (!dates.contains(Date.valueOf(runDate))) {
      return new Section(id, title, Html.note("kpi_values has no rows for run date " + runDate + "."));
    }
    String target = first(columns, "target", "target_value");
    String unit = first(columns, "unit");
    List<String> selected = new ArrayList<>(keys);
    selected.add(Tables.RUN_DATE);
    selected.add(value);
    selected.add(target == null ? value : target);
    selected.add(unit == null ? value : unit);
    List<Row> rows = values.where(col(Tables.RUN_DATE).isin(dates.toArray()))
        .select(selected.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .orderBy(Tables.RUN_DATE).collectAsList();
    Map<List<Object>, List<Double>> trends = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    Map<List<Object>, Row> current = new LinkedHashMap<>();
    for (Row row : rows) {
      List<Object> key = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        key.add(row.get(i));
      }
      trends.computeIfAbsent(key, k -> new ArrayList<>()).add(toDouble(row.get(keys.size() + 1)));
      if (row.getDate(keys.size()).toLocalDate().equals(runDate)) {
        current.put(key, row);
      }
    }
    Map<String, String> alerts = alerts();
    Map<String, Object> alertTargets = alertTargets();
    List<String> headers = new ArrayList<>(keys);
    headers.addAll(List.of("value", "unit", "target", "trend (" + dates.size() + " runs)", "alert"));
    List<List<Object>> table = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Double>> e : trends.entrySet()) {
      Row row = current.get(e.getKey());
      if (row == null) {
        continue;
      }
      List<Object> cells = new ArrayList<>(e.getKey());
      cells.add(row.get(keys.size() + 1));
      cells.add(unit == null ? null : row.get(keys.size() + 3));
      String name = String.valueOf(e.getKey().get(0));
      Object kpiTarget = target != null ? row.get(keys.size() + 2)
          : targets.containsKey(name) ? targets.get(name) : alertTargets.get(name);
      cells.add(kpiTarget);
      cells.add(new Raw(Svg.sparkline(e.getValue(), "trend of " + e.getKey())));
      String alert = alerts.get(alertKey(e.getKey().get(0), keys.contains("period") ? e.getKey().get(1) : null));
      cells.add(new Raw(alert == null ? "<span class=\"ok\">ok</span>"
          : "<span class=\"alert\">" + Html.escape(alert) + "</span>"));
      table.add(cells);
    }
    String note = Html.note("Company scope; targets from " + (target != null ? "kpi_values" : "kpis.targets in the"
        + " config, else kpi_alerts") + "; trend over the last " + dates.size() + " run dates.");
    return new Section(id, title, Html.table(headers, table) + note);
  }

  /** Targets of the KPIs that kpi_alerts reports for the run date (a target column, if it has one). */
  private Map<String, Object> alertTargets() {
    Map<String, Object> result = new TreeMap<>();
    if (!tables.exists("kpi_alerts")) {
      return result;
    }
    Dataset<Row> rows = tables.readRunDate("kpi_alerts", runDate);
    List<String> columns = Arrays.asList(rows.columns());
    String kpi = first(columns, "kpi", "kpi_name", "name");
    String target = first(columns, "target", "target_value", "threshold");
    if (kpi != null && target != null) {
      for (Row row : rows.select(kpi, target).collectAsList()) {
        result.putIfAbsent(String.valueOf(row.get(0)), row.get(1));
      }
    }
    return result;
  }

  /**
   * Company-scope kpi_alerts of the run date by "kpi|period" (by "kpi" where the table has no period), each
   * with its distinct reasons (sorted) and the change against the previous period where it has one.
   */
  private Map<String, String> alerts() {
    Map<String, java.util.Set<String>> reasons = new TreeMap<>();
    if (!tables.exists("kpi_alerts")) {
      return new TreeMap<>();
    }
    Dataset<Row> rows = tables.readRunDate("kpi_alerts", runDate);
    List<String> columns = Arrays.asList(rows.columns());
    String kpi = first(columns, "kpi", "kpi_name", "name");
    if (kpi == null) {
      return new TreeMap<>();
    }
    if (columns.contains("scope_type")) {
      rows = rows.where(col("scope_type").equalTo("company"));
    }
    String message = first(columns, "reason", "message", "severity", "status", "direction");
    for (Row row : rows.collectAsList()) {
      String text = message == null ? "alert" : String.valueOf((Object) row.getAs(message)).replace('_', ' ');
      if (columns.contains("change") && row.getAs("change") != null && text.startsWith("moved")) {
        text += String.format(java.util.Locale.ROOT, " (%+.2f)", ((Number) row.getAs("change")).doubleValue());
      }
      reasons.computeIfAbsent(alertKey(row.getAs(kpi), columns.contains("period") ? row.getAs("period") : null),
          k -> new java.util.TreeSet<>()).add(text);
    }
    Map<String, String> alerts = new TreeMap<>();
    reasons.forEach((key, texts) -> alerts.put(key, String.join("; ", texts)));
    return alerts;
  }

  private static String alertKey(Object kpi, Object period) {
    return period == null ? String.valueOf(kpi) : kpi + "|" + period;
  }

  // ---- Segments -----------------------------------------------------------------------------------------

  private Section segments() {
    String id = "segments";
    String title = "Segments";
    if (!tables.exists("customer_segments")) {
      return new Section(id, title, Html.note("customer_segments has not been written yet (run cpm segment)."));
    }
    Dataset<Row> all = tables.read("customer_segments");
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

  private Section churnModel() {
    String id = "churn-model";
    String title = "Churn model";
    if (!tables.exists("model_runs")) {
      return new Section(id, title, Html.note("model_runs has not been written yet (run cpm score)."));
    }
    Dataset<Row> runs = tables.read("model_runs").where(col(Tables.RUN_DATE).leq(lit(Date.valueOf(runDate))));
    List<String> columns = Arrays.asList(runs.columns());
    String model = first(columns, "model", "model_name");
    if (model != null) {
      runs = runs.where(functions.lower(col(model)).contains("churn"));
    }
    Row latest = runs.orderBy(col(Tables.RUN_DATE).desc()).limit(1).collectAsList().stream().findFirst()
        .orElse(null);
    if (latest == null) {
      return new Section(id, title, Html.note("model_runs has no churn model run on or before " + runDate + "."));
    }
    StringBuilder html = new StringBuilder();
    List<List<Object>> metrics = new ArrayList<>();
    for (StructField field : latest.schema().fields()) {
      if (!CURVE_COLUMNS.contains(field.name()) && !(field.dataType() instanceof org.apache.spark.sql.types.MapType)
          && !(latest.getAs(field.name()) instanceof String text && text.startsWith("{"))
          && !(field.dataType() instanceof org.apache.spark.sql.types.ArrayType)) {
        Object v = latest.getAs(field.name());
        String text = v == null ? null : v.toString();
        metrics.add(List.of(field.name(), v instanceof Number ? v : text != null && text.length() > 120
            ? text.substring(0, 117) + "..." : String.valueOf(text)));
      }
    }
    html.append(Html.table(List.of("field", "value"), metrics)).append("<div class=\"charts\">");
    List<Svg.Point> roc = CurvePoints.find(latest, CurvePoints.ROC_FIELDS, CurvePoints.ROC_X, CurvePoints.ROC_Y);
    List<Svg.Point> calibration = CurvePoints.find(latest, CurvePoints.CALIBRATION_FIELDS, CurvePoints.CALIBRATION_X,
        CurvePoints.CALIBRATION_Y);
    if (!roc.isEmpty()) {
      html.append("<div><h3>ROC curve (held-out set)</h3>")
          .append(Svg.unitPlot(roc, "ROC curve", "false positive rate", "true positive rate")).append("</div>");
    }
    if (!calibration.isEmpty()) {
      html.append("<div><h3>Calibration (held-out set)</h3>")
          .append(Svg.unitPlot(calibration, "calibration", "predicted probability", "observed churn rate"))
          .append("</div>");
    }
    html.append("</div>");
    if (roc.isEmpty()) {
      html.append(Html.note("model_runs stores no ROC points (a 'roc' JSON column) for this run: ROC not plotted."));
    }
    if (calibration.isEmpty()) {
      html.append(Html.note("model_runs stores no calibration bins (a 'calibration' JSON column): not plotted."));
    }
    return new Section(id, title, html.toString());
  }

  // ---- CLV ----------------------------------------------------------------------------------------------

  private Section clv() {
    String id = "clv";
    String title = "Customer lifetime value";
    if (!tables.exists("customer_scores")) {
      return new Section(id, title, Html.note("customer_scores has not been written yet (run cpm score)."));
    }
    Dataset<Row> scores = tables.readRunDate("customer_scores", runDate);
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
    if (!tables.exists("customer_segments")
        || !Arrays.asList(tables.read("customer_segments").columns()).contains("lifecycle_stage")) {
      return new Section(id, title, Html.note("customer_segments with lifecycle_stage has not been written yet."));
    }
    Map<String, Double> byStage = new LinkedHashMap<>();
    LIFECYCLE_ORDER.forEach(s -> byStage.put(s, 0.0));
    for (Bar bar : counts(tables.readRunDate("customer_segments", runDate), "lifecycle_stage")) {
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
    if (tables.exists("ingest_runs")) {
      List<Row> files = tables.readRunDate("ingest_runs", runDate)
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
    if (tables.exists("quarantine")) {
      Dataset<Row> quarantine = tables.readRunDate("quarantine", runDate);
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
    if (!tables.exists("pipeline_runs")) {
      return new Section(id, title, Html.note("pipeline_runs has no rows yet: the nightly run records its stages"
          + " when it ends, so the first report of a warehouse has no timings."));
    }
    // Attempt-level rows (started, interrupted) carry no stage timing.
    Dataset<Row> runs = tables.readRunDate("pipeline_runs", runDate)
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

  private static String first(List<String> columns, String... candidates) {
    for (String c : candidates) {
      if (columns.contains(c)) {
        return c;
      }
    }
    return null;
  }

  private static Double toDouble(Object value) {
    return value instanceof Number n ? n.doubleValue() : null;
  }
}
