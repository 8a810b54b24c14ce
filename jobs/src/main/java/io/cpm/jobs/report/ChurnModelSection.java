package io.cpm.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.report.RunReport.Heading;
import io.cpm.jobs.report.RunReport.Section;
import io.cpm.jobs.report.Svg.Bar;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** The run report's churn model section: the chosen model, its candidates and held-out curves. */
final class ChurnModelSection {
  private static final Heading HEADING = new Heading("churn-model", "Churn model");

  private ChurnModelSection() {}

  /**
   * The chosen churn model of the newest training on or before the run date (a model is retrained only when
   * stale, so it may be older than the run date), its held-out curves, and every candidate of that training.
   */
  static Section section(Tables tables, LocalDate runDate) {
    if (!tables.exists(GoldTable.MODEL_RUNS.table())) {
      return HEADING.note("model_runs has not been written yet (run cpm score).");
    }
    Dataset<Row> churn = tables.read(GoldTable.MODEL_RUNS.table()).where(col("model").startsWith("churn_")
        .and(col(Tables.RUN_DATE).leq(lit(Date.valueOf(runDate)))));
    Row trained = churn.where(col("chosen")).agg(functions.max(Tables.RUN_DATE)).first();
    if (trained.isNullAt(0)) {
      return HEADING.note("model_runs has no chosen churn model on or before " + runDate + ".");
    }
    LocalDate trainedOn = trained.getDate(0).toLocalDate();
    List<Row> candidates = churn.where(Tables.isRunDate(trainedOn))
        .select("model", "chosen", "version", "validation_roc_auc", "roc_auc", "pr_auc", "brier", "rows", "roc",
            "calibration", "lift")
        .orderBy(col("chosen").desc(), col("model")).collectAsList();
    Row chosen = candidates.get(0);
    StringBuilder html = new StringBuilder("<p>Chosen: <strong>").append(Html.escape(chosen.getString(0)))
        .append("</strong> (").append(Html.escape(chosen.getString(2))).append(", trained on ")
        .append(Html.escape(trainedOn)).append(", highest validation ROC-AUC; test metrics on the held-out set)</p>");
    List<List<Object>> rows = new ArrayList<>();
    for (Row c : candidates) {
      rows.add(Arrays.asList(c.getString(0), c.getBoolean(1) ? "chosen" : "", c.get(3), c.get(4), c.get(5), c.get(6),
          c.get(7)));
    }
    html.append(Html.table(List.of("candidate", "", "validation ROC-AUC", "test ROC-AUC", "test PR-AUC",
        "test Brier", "fit rows"), rows)).append("<div class=\"charts\">");
    List<Svg.Point> roc = CurvePoints.parse(chosen.getString(8), List.of("fpr"), List.of("tpr"));
    List<Svg.Point> calibration = CurvePoints.parse(chosen.getString(9), List.of("meanPredicted"),
        List.of("observedRate"));
    List<Svg.Point> lift = CurvePoints.parse(chosen.getString(10), List.of("decile"), List.of("lift"));
    List<String> missing = new ArrayList<>();
    if (roc.isEmpty()) {
      missing.add("ROC curve");
    } else {
      html.append("<div><h3>ROC curve (test set)</h3>")
          .append(Svg.unitPlot(roc, "ROC curve", "false positive rate", "true positive rate")).append("</div>");
    }
    if (calibration.isEmpty()) {
      missing.add("calibration");
    } else {
      html.append("<div><h3>Calibration by decile (test set)</h3>")
          .append(Svg.unitPlot(calibration, "calibration", "mean predicted probability", "observed churn rate"))
          .append("</div>");
    }
    if (lift.isEmpty()) {
      missing.add("lift");
    } else {
      html.append("<div><h3>Lift by decile (1 = highest scores)</h3>").append(Svg.bars(lift.stream()
          .map(p -> new Bar("decile " + Math.round(p.x()), p.y())).toList(), "lift by decile", 2)).append("</div>");
    }
    html.append("</div>");
    if (!missing.isEmpty()) {
      html.append(Html.note("model_runs stores no " + String.join(", ", missing) + " for " + chosen.getString(0)
          + ": not plotted."));
    }
    return HEADING.body(html.toString());
  }
}
