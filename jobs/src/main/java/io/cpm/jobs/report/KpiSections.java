package io.cpm.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.report.Html.Raw;
import io.cpm.jobs.report.RunReport.Heading;
import io.cpm.jobs.report.RunReport.Section;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The run report's KPI sections, which show the same series: the main KPIs as cards (the first screen) and every
 * company-scope KPI as a table grouped by lifecycle stage, with targets, trends and alerts.
 */
final class KpiSections {
  private final Tables tables;
  private final LocalDate runDate;
  private final ReportSettings settings;
  private final Map<String, String> targets;
  private Map<List<String>, KpiSeries> kpiSeries;

  KpiSections(Tables tables, LocalDate runDate, ReportSettings settings, Map<String, String> targets) {
    this.tables = tables;
    this.runDate = runDate;
    this.settings = settings;
    this.targets = Map.copyOf(targets);
  }

  /** The first screen: the main KPIs as cards. */
  Section headline() {
    return section(new Heading("headline", "Main KPIs"), this::cards);
  }

  /** Every company-scope KPI and period, grouped by lifecycle stage, each group collapsible. */
  Section table() {
    return section(new Heading("kpis", "All KPIs"), this::grouped);
  }

  /**
   * The section whose body {@code body} makes from the KPI series and the alerts, or a note when kpi_values has not
   * been written yet or has no rows for the run date.
   */
  private Section section(Heading heading,
      BiFunction<Map<List<String>, KpiSeries>, Map<String, String>, String> body) {
    if (!tables.exists(GoldTable.KPI_VALUES.table())) {
      return heading.note("kpi_values has not been written yet (run cpm kpis).");
    }
    Map<List<String>, KpiSeries> series = kpiSeries();
    if (series.isEmpty()) {
      return heading.note("kpi_values has no rows for run date " + runDate + ".");
    }
    return heading.body(body.apply(series, alerts()));
  }

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
   * The main KPIs ({@code report.headline-kpis} at {@code report.headline-period}) as cards with value, unit,
   * target, change against the previous run and a sparkline over the last runs.
   */
  private String cards(Map<List<String>, KpiSeries> series, Map<String, String> alerts) {
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
    return html.toString();
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

  /** The KPI table grouped by lifecycle stage. */
  private String grouped(Map<List<String>, KpiSeries> series, Map<String, String> alerts) {
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
    return html.toString();
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

  private static Double toDouble(Object value) {
    return value instanceof Number n ? n.doubleValue() : null;
  }
}
