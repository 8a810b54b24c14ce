package io.cpm.jobs.pipeline;

import io.cpm.metrics.schema.GoldTable;
import java.io.PrintWriter;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs stages in order for one run date, prints a summary (stage, rows, seconds, outputs) and, for the
 * nightly run, records each stage's outcome in {@code pipeline_runs}: a {@code started} row (stage
 * {@code nightly}) before the first stage, then one row per stage when the attempt ends. The first failing stage
 * stops the run and its exception propagates (with its exit code) after the failure is recorded.
 */
public final class PipelineRunner {
  public static final String PIPELINE_RUNS = GoldTable.PIPELINE_RUNS.table();
  static final StructType PIPELINE_RUNS_SCHEMA = new StructType()
      .add("run_date", DataTypes.DateType, false)
      .add("attempt", DataTypes.IntegerType, false)
      .add("stage", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("rows", DataTypes.LongType, true)
      .add("seconds", DataTypes.DoubleType, false)
      .add("message", DataTypes.StringType, true);

  /** Stage name of the attempt-level rows ({@code started}, {@code interrupted}). */
  static final String RUN = "nightly";
  static final String STARTED = "started";
  static final String INTERRUPTED = "interrupted";

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
    int attempt = record ? startAttempt() : 0;
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

  /**
   * Records a {@code started} row for the new attempt before any stage runs, so a process that is killed (and so
   * never reaches {@link #writeAudit}) still leaves a trace. Earlier attempts of the run date that have only their
   * {@code started} row were killed: they get an {@code interrupted} row in the same commit, so monitoring that
   * looks for failed or interrupted attempts sees them.
   */
  private int startAttempt() {
    Date runDate = Date.valueOf(context.runDate());
    List<Integer> interrupted = new ArrayList<>();
    int attempt = 1;
    if (context.tables().exists(PIPELINE_RUNS)) {
      for (Row a : context.tables().readRunDate(PIPELINE_RUNS, context.runDate()).groupBy("attempt")
          .agg(functions.max(functions.when(functions.col("status").equalTo(STARTED), 0).otherwise(1)))
          .collectAsList()) {
        attempt = Math.max(attempt, a.getInt(0) + 1);
        if (a.getInt(1) == 0) {
          interrupted.add(a.getInt(0));
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int killed : interrupted) {
      rows.add(RowFactory.create(runDate, killed, RUN, INTERRUPTED, null, 0.0, "the attempt ended without"
          + " recording an outcome (process killed or crashed); noticed by attempt " + attempt));
    }
    rows.add(RowFactory.create(runDate, attempt, RUN, STARTED, null, 0.0, null));
    writeAudit(rows);
    return attempt;
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
      // Tables by their catalog names (what 'cpm sql' queries), files by path: one way for every stage.
      String outputs = String.join(", ", result.outputs().values());
      out.println(String.format(Locale.ROOT, "%-12s %,12d  %s", result.stage(), result.rows(), outputs));
      for (String note : result.notes()) {
        out.println("             " + note);
      }
    }
    NotComputed.summaryLines(results).forEach(out::println);
    out.flush();
  }
}
