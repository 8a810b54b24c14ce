package io.cpm.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

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

/** The run report's data-quality section: ingest row accounting per file and quarantined rows by reason. */
final class DataQualitySection {
  private static final Heading HEADING = new Heading("data-quality", "Data quality");

  private DataQualitySection() {}

  static Section section(Tables tables, LocalDate runDate) {
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
      List<Bar> reasons = SectionData.counts(quarantine, "reason_code");
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
    return HEADING.body(html.toString());
  }

  private static String fileName(String path) {
    return path == null ? null : path.substring(path.lastIndexOf('/') + 1);
  }
}
