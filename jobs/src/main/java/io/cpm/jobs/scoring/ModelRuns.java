package io.cpm.jobs.scoring;

import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code model_runs} table: one row per run date and model (churn candidates and the CLV fit), upserted on
 * (run_date, model) so a rerun of a date replaces its rows.
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
      .add("rows", DataTypes.LongType, true);

  private ModelRuns() {}

  /** A row in {@link #SCHEMA} order. */
  static Row row(LocalDate runDate, String model, String version, LocalDate windowStart, LocalDate windowEnd,
      String parameters, Double rocAuc, Double prAuc, Double brier, String calibration, String lift, String roc,
      boolean chosen, Double logLikelihood, Long rows) {
    return RowFactory.create(Date.valueOf(runDate), model, version, windowStart == null ? null : Date.valueOf(windowStart),
        windowEnd == null ? null : Date.valueOf(windowEnd), parameters, rocAuc, prAuc, brier, calibration, lift, roc,
        chosen, logLikelihood, rows);
  }

  static void upsert(Tables tables, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    tables.merge(tables.spark().createDataFrame(rows, SCHEMA), TABLE, List.of("run_date", "model"), "true");
  }
}
