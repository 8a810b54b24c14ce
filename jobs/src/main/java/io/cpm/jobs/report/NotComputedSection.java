package io.cpm.jobs.report;

import io.cpm.jobs.pipeline.NotComputed;
import io.cpm.jobs.storage.Tables;
import java.time.LocalDate;
import java.util.List;

/** The run report's "What could not be computed" section, from the run date's rows of {@link NotComputed#TABLE}. */
final class NotComputedSection {
  private NotComputedSection() {}

  static RunReport.Section section(Tables tables, LocalDate runDate) {
    return new RunReport.Heading("not-computed", "What could not be computed")
        .body(html(NotComputed.items(tables, runDate)));
  }

  /** A table of the items, or a line saying everything was computed. */
  static String html(List<NotComputed.Item> items) {
    if (items.isEmpty()) {
      return Html.note("Every feature, KPI and model of this run was computed.");
    }
    StringBuilder sb = new StringBuilder("<table><tr><th>kind</th><th>name</th><th>why</th></tr>");
    for (NotComputed.Item item : items) {
      sb.append("<tr><td>").append(Html.escape(item.kind())).append("</td><td>")
          .append(Html.escape(item.name().replace(",", ", ")))
          .append("</td><td>").append(Html.escape(item.reason())).append("</td></tr>");
    }
    return sb.append("</table>").toString();
  }
}
