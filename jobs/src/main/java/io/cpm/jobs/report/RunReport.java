package io.cpm.jobs.report;

import io.cpm.jobs.storage.Tables;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The run report of one run date as a single self-contained HTML page: inline CSS and SVG, no script, no
 * external resource. Each section reads its warehouse table; a section whose table has not been written yet
 * says so instead of failing the run. Every data value is HTML-escaped. One class per section ({@code *Section},
 * {@link KpiSections}); this class orders them and lays out the page.
 */
public final class RunReport {
  /** One section of the page; {@code id} is the anchor, {@code html} already escaped. */
  public record Section(String id, String title, String html) {}

  /** A section's anchor and title, from which its body or a note (why there is nothing to show) makes the section. */
  record Heading(String id, String title) {
    Section body(String html) {
      return new Section(id, title, html);
    }

    Section note(String text) {
      return body(Html.note(text));
    }
  }

  private final Tables tables;
  private final LocalDate runDate;
  private final ReportSettings settings;
  private final Map<String, String> targets;

  /** {@code targets}: KPI targets from the config ({@code kpis.targets}) by KPI name, as text; may be empty. */
  public RunReport(Tables tables, LocalDate runDate, ReportSettings settings, Map<String, String> targets) {
    this.tables = tables;
    this.runDate = runDate;
    this.settings = settings;
    this.targets = Map.copyOf(targets);
  }

  /** The sections in page order. */
  public List<Section> sections() {
    KpiSections kpis = new KpiSections(tables, runDate, settings, targets);
    return List.of(kpis.headline(), SegmentsSection.section(tables, runDate),
        ChurnModelSection.section(tables, runDate), ClvSection.section(tables, runDate, settings.clvBins()),
        LifecycleSection.section(tables, runDate), DataQualitySection.section(tables, runDate),
        NotComputedSection.section(tables, runDate), PipelineSection.section(tables, runDate), kpis.table());
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
}
