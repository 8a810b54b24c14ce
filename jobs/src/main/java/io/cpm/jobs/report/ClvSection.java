package io.cpm.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.report.RunReport.Heading;
import io.cpm.jobs.report.RunReport.Section;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/** The run report's CLV section: totals, the CLV distribution and customers per grade and churn band. */
final class ClvSection {
  private static final Heading HEADING = new Heading("clv", "Customer lifetime value");

  private ClvSection() {}

  static Section section(Tables tables, LocalDate runDate, int bins) {
    if (!tables.exists(GoldTable.CUSTOMER_SCORES.table())) {
      return HEADING.note("customer_scores has not been written yet (run cpm score).");
    }
    Dataset<Row> scores = tables.readRunDate(GoldTable.CUSTOMER_SCORES.table(), runDate);
    List<String> columns = Arrays.asList(scores.columns());
    if (!columns.contains("clv_12m")) {
      return HEADING.note("customer_scores has no clv_12m column.");
    }
    Dataset<Row> clv = scores.select(col("clv_12m").cast(DataTypes.DoubleType).as("clv")).where(col("clv").isNotNull()
        .and(functions.not(functions.isnan(col("clv")))));
    Row stats = clv.agg(functions.min("clv"), functions.max("clv"), count(lit(1)), functions.sum("clv"),
        functions.percentile_approx(col("clv"), lit(0.5), lit(10000)),
        functions.percentile_approx(col("clv"), lit(0.99), lit(10000))).first();
    if (stats.getLong(2) == 0) {
      return HEADING.note("customer_scores has no CLV values for run date " + runDate + ".");
    }
    double min = stats.getDouble(0);
    double max = stats.getDouble(1);
    // CLV is heavy-tailed: bins span min..p99 and the last bin also holds the top 1 %, so one whale does not
    // squeeze everyone else into the first bar.
    double upper = stats.getDouble(5) > min ? stats.getDouble(5) : max;
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
            .append(Svg.bars(SectionData.counts(scores, dimension), "customers by " + dimension, 0)).append("</div>");
      }
    }
    return HEADING.body(html.append("</div>").toString());
  }
}
