package io.cpm.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.report.RunReport.Heading;
import io.cpm.jobs.report.RunReport.Section;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** The run report's segments section: customers per segment dimension and the RFM transition matrix. */
final class SegmentsSection {
  private static final Heading HEADING = new Heading("segments", "Segments");

  private SegmentsSection() {}

  static Section section(Tables tables, LocalDate runDate) {
    if (!tables.exists(GoldTable.CUSTOMER_SEGMENTS.table())) {
      return HEADING.note("customer_segments has not been written yet (run cpm segment).");
    }
    Dataset<Row> all = tables.read(GoldTable.CUSTOMER_SEGMENTS.table());
    Dataset<Row> today = all.where(Tables.isRunDate(runDate));
    List<String> columns = Arrays.asList(all.columns());
    StringBuilder html = new StringBuilder("<div class=\"charts\">");
    for (String dimension : List.of("rfm_segment", "value_activity_tag", "cluster_label")) {
      if (columns.contains(dimension)) {
        html.append("<div><h3>").append(Html.escape(dimension)).append("</h3>")
            .append(Svg.bars(SectionData.counts(today, dimension), "customers by " + dimension, 0)).append("</div>");
      }
    }
    html.append("</div>");
    html.append(transitions(all, "rfm_segment", runDate));
    return HEADING.body(html.toString());
  }

  /** Segment of each customer at the previous run date (rows) against the run date (columns). */
  private static String transitions(Dataset<Row> all, String dimension, LocalDate runDate) {
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
}
