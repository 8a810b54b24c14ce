package io.cpm.jobs.ops;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_FEATURES;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SCORES;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SEGMENTS;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_TASKS;
import static io.cpm.metrics.schema.GoldTable.KPI_VALUES;
import static io.cpm.metrics.schema.GoldTable.SEGMENT_TRANSITIONS;
import static org.apache.spark.sql.functions.col;

import io.cpm.jobs.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The per-night counts of the golden file ({@code src/test/resources/golden/sample-nightly.txt}): rows and value
 * counts that any change in ingestion, features, segmentation or scoring would move. Shared by the golden IT (three
 * embedded nights) and the spark-submit IT (its first night must give the golden file's first block).
 */
final class GoldenSummary {
  static final String HEADER = "# cpm nightly on sample-data, 2025-03-29..2025-03-31: counts per run date\n";

  /** Per-run tables, the date column that places a row in a night, and the columns whose values are counted. */
  private record Counted(String table, String dateColumn, List<String> columns) {}

  private static final List<Counted> TABLES = List.of(
      new Counted(CUSTOMER_FEATURES.table(), "run_date", List.of()),
      new Counted(CUSTOMER_SEGMENTS.table(), "run_date", List.of("rfm_segment", "value_activity_tag", "lifecycle_stage",
          "cluster_id", "playbook_action")),
      new Counted(CUSTOMER_SCORES.table(), "run_date", List.of("churn_band", "clv_grade")),
      new Counted(SEGMENT_TRANSITIONS.table(), "run_date", List.of()),
      new Counted(KPI_VALUES.table(), "run_date", List.of()),
      new Counted(CUSTOMER_TASKS.table(), "raised_on", List.of("rule")));

  private GoldenSummary() {}

  /** A nightly run on the sample: its config file and its output directory (warehouse, exports, reports). */
  record SampleRun(Path config, Path out) {
    String warehouse() {
      return out.resolve("warehouse").toUri().toString();
    }

    String exports() {
      return out.resolve("exports").toUri().toString();
    }
  }

  /** The golden config: conf/local.conf on the sample landing, local[2], outputs under {@code dir/name}. */
  static SampleRun sampleRun(Path dir, String name) throws IOException {
    Path out = Files.createDirectories(dir.resolve(name));
    Path config = dir.resolve(name + ".conf");
    Files.writeString(config, String.join("\n",
        "include file(\"" + RepoFiles.path("conf/local.conf") + "\")",
        "spark.master = \"local[2]\"",
        "paths.landing = \"" + RepoFiles.path("sample-data/landing") + "\"",
        "paths.warehouse = \"" + out.resolve("warehouse") + "\"",
        "paths.exports = \"" + out.resolve("exports") + "\"",
        "paths.reports = \"" + out.resolve("reports") + "\"",
        ""));
    return new SampleRun(config, out);
  }

  /** The block of one night: {@code [date]} then one line per table and per counted column. */
  static String night(SparkSession spark, String warehouse, LocalDate date) {
    StringBuilder text = new StringBuilder("\n[").append(date).append("]\n");
    for (Counted counted : TABLES) {
      Dataset<Row> rows = spark.read().format("delta").load(warehouse + "/" + counted.table())
          .where(col(counted.dateColumn()).equalTo(Date.valueOf(date)));
      text.append(counted.table()).append(" rows ").append(rows.count());
      text.append(counted.dateColumn().equals("run_date") ? "" : " (" + counted.dateColumn() + ")").append('\n');
      for (String column : counted.columns()) {
        text.append("  ").append(column).append(": ");
        text.append(rows.groupBy(column).count().orderBy(col(column)).collectAsList().stream()
            .map(r -> r.get(0) + "=" + r.getLong(1)).collect(Collectors.joining(", "))).append('\n');
      }
    }
    return text.toString();
  }

  /** The blocks of a golden file by date. */
  static Map<LocalDate, String> blocks(String golden) {
    Map<LocalDate, String> result = new LinkedHashMap<>();
    String[] parts = golden.split("\n(?=\\n\\[)");
    for (int i = 1; i < parts.length; i++) {
      String block = parts[i].endsWith("\n") ? parts[i] : parts[i] + "\n";
      result.put(LocalDate.parse(block.substring(2, block.indexOf(']'))), block);
    }
    return result;
  }
}
