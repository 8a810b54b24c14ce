package io.cpm.jobs.pipeline;

import java.io.PrintWriter;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs stages in order for one run date, prints a summary (stage, rows, seconds, outputs) and, for the
 * nightly run, records each stage's outcome in {@code pipeline_runs}. The first failing stage stops the run
 * and its exception propagates (with its exit code) after the failure is recorded.
 */
public final class PipelineRunner {
  public static final String PIPELINE_RUNS = "pipeline_runs";
  static final StructType PIPELINE_RUNS_SCHEMA = new StructType()
      .add("run_date", DataTypes.DateType, false)
      .add("attempt", DataTypes.IntegerType, false)
      .add("stage", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("rows", DataTypes.LongType, true)
      .add("seconds", DataTypes.DoubleType, false)
      .add("message", DataTypes.StringType, true);

  private final PipelineContext context;
  private final boolean record;

  public PipelineRunner(PipelineContext context, boolean record) {
    this.context = context;
    this.record = record;
  }

  public List<StageResult> run(List<Stage> stages) {
    PrintWriter out = context.progress().out();
    List<StageResult> results = new ArrayList<>();
    List<Row> audit = new ArrayList<>();
    int attempt = record ? nextAttempt() : 0;
    try {
      for (Stage stage : stages) {
        context.progress().step(stage.name(), "started for run date " + context.runDate());
        long start = System.nanoTime();
        try {
          StageResult result;
          try {
            result = stage.run(context);
          } finally {
            if (stage.writesSilver()) {
              context.releaseSilver();
            }
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          results.add(result);
          audit.add(RowFactory.create(Date.valueOf(context.runDate()), attempt, stage.name(), "succeeded",
              result.rows(), seconds, String.join("; ", result.notes())));
          context.progress().step(stage.name(), String.format(Locale.ROOT, "done: %,d rows in %.1f s",
              result.rows(), seconds));
        } catch (RuntimeException e) {
          double seconds = (System.nanoTime() - start) / 1e9;
          audit.add(RowFactory.create(Date.valueOf(context.runDate()), attempt, stage.name(), "failed", null,
              seconds, String.valueOf(e.getMessage())));
          throw e;
        }
      }
    } finally {
      context.releaseSilver();
      if (record && !audit.isEmpty()) {
        writeAudit(audit);
      }
    }
    printSummary(out, results);
    return results;
  }

  private int nextAttempt() {
    if (!context.tables().exists(PIPELINE_RUNS)) {
      return 1;
    }
    Row max = context.tables().read(PIPELINE_RUNS)
        .where(org.apache.spark.sql.functions.col("run_date").equalTo(Date.valueOf(context.runDate())))
        .agg(org.apache.spark.sql.functions.max("attempt")).first();
    return max.isNullAt(0) ? 1 : max.getInt(0) + 1;
  }

  private void writeAudit(List<Row> audit) {
    try {
      Dataset<Row> rows = context.spark().createDataFrame(audit, PIPELINE_RUNS_SCHEMA);
      context.tables().append(rows, PIPELINE_RUNS);
    } catch (RuntimeException e) {
      context.progress().step("nightly", "could not record pipeline_runs: " + e.getMessage());
    }
  }

  private static void printSummary(PrintWriter out, List<StageResult> results) {
    if (results.isEmpty()) {
      return;
    }
    out.println();
    out.println(String.format(Locale.ROOT, "%-12s %12s  %s", "stage", "rows", "outputs"));
    for (StageResult result : results) {
      StringBuilder outputs = new StringBuilder();
      for (Map.Entry<String, String> e : result.outputs().entrySet()) {
        if (outputs.length() > 0) {
          outputs.append(", ");
        }
        outputs.append(e.getKey()).append(" -> ").append(e.getValue());
      }
      out.println(String.format(Locale.ROOT, "%-12s %,12d  %s", result.stage(), result.rows(), outputs));
      for (String note : result.notes()) {
        out.println("             " + note);
      }
    }
    io.cpm.jobs.report.NotComputed.summaryLines(results).forEach(out::println);
    out.flush();
  }
}
