package io.cpm.jobs.scoring;

import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code model_runs} table: one row per run date and model (every churn candidate and the CLV fit),
 * upserted on (run_date, model) so a rerun of a date replaces its rows. Every churn candidate carries its
 * test metrics ({@code roc_auc}, {@code pr_auc}, {@code brier}) and validation metrics ({@code validation_*});
 * the chosen one ({@code chosen}) also carries the curves the report plots: {@code roc}, {@code calibration}
 * and {@code lift} as JSON.
 */
public final class ModelRuns {
  public static final String TABLE = GoldTable.MODEL_RUNS.table();
  public static final StructType SCHEMA = new StructType()
      .add("run_date", DataTypes.DateType, false)
      .add("model", DataTypes.StringType, false)
      .add("version", DataTypes.StringType, true)
      .add("training_window_start", DataTypes.DateType, true)
      .add("training_window_end", DataTypes.DateType, true)
      .add("parameters", DataTypes.StringType, true)
      .add("roc_auc", DataTypes.DoubleType, true)
      .add("pr_auc", DataTypes.DoubleType, true)
      .add("brier", DataTypes.DoubleType, true)
      .add("calibration", DataTypes.StringType, true)
      .add("lift", DataTypes.StringType, true)
      .add("roc", DataTypes.StringType, true)
      .add("chosen", DataTypes.BooleanType, false)
      .add("log_likelihood", DataTypes.DoubleType, true)
      .add("rows", DataTypes.LongType, true)
      // Added after the first release: upsert adds them to an older table.
      .add("validation_roc_auc", DataTypes.DoubleType, true)
      .add("validation_pr_auc", DataTypes.DoubleType, true)
      .add("validation_brier", DataTypes.DoubleType, true);

  private ModelRuns() {}

  /** ROC-AUC, PR-AUC and Brier score of a model on one set; a NaN (not computable) is stored as null. */
  public record Metrics(Double rocAuc, Double prAuc, Double brier) {
    public static final Metrics NONE = new Metrics(null, null, null);

    static Metrics of(io.cpm.segmentation.churn.ChurnEvaluation.Metrics metrics) {
      return new Metrics(finite(metrics.rocAuc()), finite(metrics.prAuc()), finite(metrics.brier()));
    }

    private static Double finite(double value) {
      return Double.isNaN(value) ? null : value;
    }
  }

  /** The chosen churn model's curves as JSON: calibration bins, lift by decile and ROC points. */
  public record Curves(String calibration, String lift, String roc) {
    public static final Curves NONE = new Curves(null, null, null);
  }

  /**
   * One row of the table, built by name: {@code Run.of(runDate, model).withVersion(..).withTest(..)...}.
   * {@code windowStart} and {@code windowEnd} bound the data the model was trained on.
   */
  public record Run(LocalDate runDate, String model, String version, LocalDate windowStart, LocalDate windowEnd,
      String parameters, Metrics test, Metrics validation, Curves curves, boolean chosen, Double logLikelihood,
      Long rows) {
    public Run {
      Objects.requireNonNull(runDate, "runDate");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(test, "test");
      Objects.requireNonNull(validation, "validation");
      Objects.requireNonNull(curves, "curves");
    }

    public static Run of(LocalDate runDate, String model) {
      return new Run(runDate, model, null, null, null, null, Metrics.NONE, Metrics.NONE, Curves.NONE, false, null,
          null);
    }

    public Run withVersion(String newVersion) {
      return new Run(runDate, model, newVersion, windowStart, windowEnd, parameters, test, validation, curves, chosen,
          logLikelihood, rows);
    }

    public Run withWindow(LocalDate start, LocalDate end) {
      return new Run(runDate, model, version, start, end, parameters, test, validation, curves, chosen,
          logLikelihood, rows);
    }

    public Run withParameters(String json) {
      return new Run(runDate, model, version, windowStart, windowEnd, json, test, validation, curves, chosen,
          logLikelihood, rows);
    }

    public Run withMetrics(Metrics onValidation, Metrics onTest) {
      return new Run(runDate, model, version, windowStart, windowEnd, parameters, onTest, onValidation, curves,
          chosen, logLikelihood, rows);
    }

    public Run withCurves(Curves newCurves) {
      return new Run(runDate, model, version, windowStart, windowEnd, parameters, test, validation, newCurves,
          chosen, logLikelihood, rows);
    }

    public Run withChosen(boolean isChosen) {
      return new Run(runDate, model, version, windowStart, windowEnd, parameters, test, validation, curves,
          isChosen, logLikelihood, rows);
    }

    public Run withLogLikelihood(Double value) {
      return new Run(runDate, model, version, windowStart, windowEnd, parameters, test, validation, curves, chosen,
          value, rows);
    }

    public Run withRows(Long count) {
      return new Run(runDate, model, version, windowStart, windowEnd, parameters, test, validation, curves, chosen,
          logLikelihood, count);
    }

    /** The row in {@link #SCHEMA} order. */
    Row row() {
      return RowFactory.create(Date.valueOf(runDate), model, version, date(windowStart), date(windowEnd), parameters,
          test.rocAuc(), test.prAuc(), test.brier(), curves.calibration(), curves.lift(), curves.roc(), chosen,
          logLikelihood, rows, validation.rocAuc(), validation.prAuc(), validation.brier());
    }

    private static Date date(LocalDate date) {
      return date == null ? null : Date.valueOf(date);
    }
  }

  static void upsert(Tables tables, List<Run> runs) {
    if (runs.isEmpty()) {
      return;
    }
    addMissingColumns(tables);
    tables.merge(tables.spark().createDataFrame(runs.stream().map(Run::row).toList(), SCHEMA), TABLE,
        List.of("run_date", "model"), "true");
  }

  /** A table written before a column was added gets it (null in older rows), so MERGE keeps the new values. */
  private static void addMissingColumns(Tables tables) {
    if (!tables.exists(TABLE)) {
      return;
    }
    List<String> present = Arrays.asList(tables.read(TABLE).columns());
    List<String> missing = Arrays.stream(SCHEMA.fields()).filter(f -> !present.contains(f.name()))
        .map(f -> "`" + f.name() + "` " + f.dataType().sql()).toList();
    if (!missing.isEmpty()) {
      tables.spark().sql("ALTER TABLE delta.`" + tables.location(TABLE) + "` ADD COLUMNS ("
          + String.join(", ", missing) + ")");
    }
  }
}
