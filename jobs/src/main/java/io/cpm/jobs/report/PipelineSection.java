package io.cpm.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.cpm.jobs.report.RunReport.Heading;
import io.cpm.jobs.report.RunReport.Section;
import io.cpm.jobs.report.Svg.Bar;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** The run report's stage timings: the latest recorded nightly attempt of the run date. */
final class PipelineSection {
  private static final Heading HEADING = new Heading("pipeline", "Pipeline stage timings");

  private PipelineSection() {}

  static Section section(Tables tables, LocalDate runDate) {
    if (!tables.exists(GoldTable.PIPELINE_RUNS.table())) {
      return HEADING.note("pipeline_runs has no rows yet: the nightly run records its stages"
          + " when it ends, so the first report of a warehouse has no timings.");
    }
    // Attempt-level rows (started, interrupted) carry no stage timing.
    Dataset<Row> runs = tables.readRunDate(GoldTable.PIPELINE_RUNS.table(), runDate)
        .where(functions.not(col("status").isin("started", "interrupted")));
    Row attempt = runs.agg(functions.max("attempt")).first();
    if (attempt.isNullAt(0)) {
      return HEADING.note("No recorded nightly attempt for " + runDate
          + " yet (the running attempt is recorded when it ends).");
    }
    List<Row> stages = runs.where(col("attempt").equalTo(attempt.getInt(0)))
        .select("stage", "status", "rows", "seconds").collectAsList();
    List<List<Object>> rows = new ArrayList<>();
    List<Bar> bars = new ArrayList<>();
    for (Row r : stages) {
      rows.add(Arrays.asList(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getLong(2), r.getDouble(3)));
      bars.add(new Bar(r.getString(0), r.getDouble(3)));
    }
    return HEADING.body("<p>Attempt " + attempt.getInt(0) + " (latest recorded for this run date)</p>"
        + Html.table(List.of("stage", "status", "rows", "seconds"), rows)
        + Svg.bars(bars, "seconds per stage", 1));
  }
}
