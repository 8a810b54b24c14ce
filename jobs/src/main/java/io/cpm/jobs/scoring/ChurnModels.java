package io.cpm.jobs.scoring;

import static org.apache.spark.sql.functions.col;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.common.Json;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.SilverTables;
import io.cpm.segmentation.churn.ChurnAlgorithm;
import io.cpm.segmentation.churn.ChurnEvaluation;
import io.cpm.segmentation.churn.ChurnFeatureSpec;
import io.cpm.segmentation.churn.ChurnModel;
import io.cpm.segmentation.churn.ChurnTrainer;
import io.cpm.segmentation.churn.ChurnTrainingSet;
import io.cpm.segmentation.spark.Detached;
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Versioned churn models: trained on point-in-time snapshots and stored under
 * {@code <warehouse>/_models/churn/<version>} (version {@code vYYYYMMDD} of the run date), with one
 * {@code model_runs} row per candidate with its validation and test metrics; the chosen candidate's row also
 * carries the held-out curves (ROC, calibration, lift).
 */
final class ChurnModels {
  static final String PREFIX = "churn_";

  private ChurnModels() {}

  /**
   * The training set cannot give a model (no rows, only churned or only retained examples, or no feature with a
   * value): the nightly score stage skips training with this message as its note instead of stopping the night.
   */
  static final class NotTrainable extends RuntimeException {
    NotTrainable(String message) {
      super(message);
    }
  }

  /** A stored model: the run date it was trained on and its version. */
  record Stored(LocalDate trainedOn, String version) {}

  static String version(LocalDate runDate) {
    return "v" + runDate.format(DateTimeFormatter.BASIC_ISO_DATE);
  }

  static String location(Tables tables, String version) {
    return tables.location("_models/churn/" + version);
  }

  /** The newest chosen churn model trained on or before the run date. */
  static Optional<Stored> latest(Tables tables, LocalDate runDate) {
    if (!tables.exists(ModelRuns.TABLE)) {
      return Optional.empty();
    }
    List<Row> rows = tables.read(ModelRuns.TABLE)
        .where(col("model").startsWith(PREFIX).and(col("chosen")).and(col("run_date").leq(Date.valueOf(runDate))))
        .orderBy(col("run_date").desc()).limit(1).select("run_date", "version").collectAsList();
    return rows.isEmpty() ? Optional.empty()
        : Optional.of(new Stored(rows.get(0).getDate(0).toLocalDate(), rows.get(0).getString(1)));
  }

  static boolean isStale(Optional<Stored> latest, LocalDate runDate, int maxAgeDays) {
    return latest.isEmpty() || ChronoUnit.DAYS.between(latest.get().trainedOn(), runDate) > maxAgeDays;
  }

  /**
   * The training rows of all snapshots, cached with a leaf plan. Each snapshot (features as of the date joined
   * with its label) is computed and cached on its own: one plan over all snapshots is several times larger, and
   * Spark's planning of it costs more than the work. The union is then cut to one partition per core, since each
   * of the fits' many iterations is a Spark job whose cost grows with the number of tasks, not rows.
   */
  private static Detached trainingSet(PipelineContext context, ScoringSettings.Churn settings,
      List<String> excludedStatuses, FeatureSource features, SilverTables silver, List<LocalDate> snapshots,
      List<Column> columns) {
    long start = System.nanoTime();
    LocalDate runDate = context.runDate();
    Dataset<Row> orders = Transactions.orders(silver, runDate, excludedStatuses);
    List<Detached> parts = new ArrayList<>();
    try {
      Dataset<Row> union = null;
      for (LocalDate snapshot : snapshots) {
        Detached part = Detached.of(ChurnTrainingSet.build(
            date -> selectFeatures(features.featuresAsOf(context, date), columns, date), orders, silver.contracts(),
            settings.label(), List.of(snapshot), runDate));
        parts.add(part);
        union = union == null ? part.data() : union.unionByName(part.data());
      }
      Detached training = Detached.of(union.coalesce(context.spark().sparkContext().defaultParallelism()));
      context.progress().step("score", String.format(java.util.Locale.ROOT,
          "churn training set: %,d rows from %d snapshots (%s..%s) in %.1f s", training.rows(), snapshots.size(),
          snapshots.get(0), snapshots.get(snapshots.size() - 1), (System.nanoTime() - start) / 1e9));
      return training;
    } finally {
      parts.forEach(Detached::close);
    }
  }

  static ChurnModel load(Tables tables, Stored stored) {
    return ChurnModel.fromPipeline(PipelineModel.load(location(tables, stored.version())), "customer_id");
  }

  /** Trains on snapshots before the run date, saves the chosen model and returns it with its model_runs rows. */
  static ChurnModel train(PipelineContext context, ScoringSettings.Churn settings, List<String> excludedStatuses,
      FeatureSource features, SilverTables silver, List<ModelRuns.Run> modelRuns) {
    LocalDate runDate = context.runDate();
    List<LocalDate> snapshots = ChurnTrainingSet.snapshots(runDate, settings.label().horizonDays(),
        settings.snapshotCount(), settings.snapshotSpacingDays());
    ChurnFeatureSpec listed = new ChurnFeatureSpec("customer_id", settings.numericFeatures(),
        settings.categoricalFeatures());
    List<Column> columns = new ArrayList<>();
    columns.add(col("customer_id"));
    listed.features().forEach(name -> columns.add(col(name)));
    ChurnTrainer.Result result;
    ChurnFeatureSpec spec;
    Map<String, String> dropped = new LinkedHashMap<>();
    try {
      ChurnTrainer.DetachedSplit parts;
      try (Detached training = trainingSet(context, settings, excludedStatuses, features, silver, snapshots,
          columns)) {
        spec = usableFeatures(training.data(), listed, dropped, runDate);
        parts = ChurnTrainer.DetachedSplit.of(ChurnTrainer.splitById(training.data(), "customer_id",
            settings.validationFraction(), settings.testFraction(), context.config().seed()));
      }
      try (parts) {
        result = ChurnTrainer.train(parts, spec, settings.algorithms(), context.config().seed(),
            message -> context.progress().step("score", message));
      }
    } catch (IllegalArgumentException e) {
      if (String.valueOf(e.getMessage()).startsWith("Cannot train a churn model")) {
        // The fit part of the split lacks a class although the whole set has both (a very small set).
        throw new NotTrainable("churn training skipped for run date " + runDate + ": " + e.getMessage());
      }
      throw CpmException.dataQuality("cannot train the churn model for run date " + runDate + ": " + e.getMessage());
    }
    String version = version(runDate);
    try {
      result.model().pipeline().write().overwrite().save(location(context.tables(), version));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot save churn model " + version, e);
    }
    LocalDate windowEnd = snapshots.get(snapshots.size() - 1).plusDays(settings.label().horizonDays());
    ChurnEvaluation test = result.test();
    for (Map.Entry<ChurnAlgorithm, ChurnTrainer.Candidate> candidate : result.candidates().entrySet()) {
      boolean chosen = candidate.getKey() == result.model().algorithm();
      Map<String, Object> parameters = new LinkedHashMap<>();
      parameters.put("algorithm", candidate.getKey().label());
      parameters.put("horizonDays", settings.label().horizonDays());
      parameters.put("activityWindowDays", settings.label().activityWindowDays());
      parameters.put("contractNonRenewal", settings.label().contractNonRenewal());
      parameters.put("snapshots", snapshots.stream().map(LocalDate::toString).toList());
      parameters.put("numericFeatures", spec.numeric());
      parameters.put("categoricalFeatures", spec.categorical());
      parameters.put("droppedFeatures", dropped);
      parameters.put("fitRows", result.fitRows());
      parameters.put("validationRows", result.validationRows());
      parameters.put("testRows", result.testRows());
      parameters.put("seed", context.config().seed());
      modelRuns.add(ModelRuns.Run.of(runDate, PREFIX + candidate.getKey().label()).withVersion(version)
          .withWindow(snapshots.get(0), windowEnd).withParameters(Json.write(parameters))
          .withMetrics(ModelRuns.Metrics.of(candidate.getValue().validation()),
              ModelRuns.Metrics.of(candidate.getValue().test()))
          .withCurves(chosen ? new ModelRuns.Curves(Json.write(calibration(test)), Json.write(lift(test)),
              Json.write(roc(test))) : ModelRuns.Curves.NONE)
          .withChosen(chosen).withRows(result.fitRows()));
    }
    return result.model();
  }

  /**
   * The listed features that have at least one value in the training set (a feature whose source is not
   * exported is null everywhere, and Spark's Imputer cannot fill a column without values); the others go to
   * {@code dropped} with the reason. Also checks in the same Spark job that the set has churned and retained
   * examples: without both there is nothing to learn ({@link NotTrainable}).
   */
  private static ChurnFeatureSpec usableFeatures(Dataset<Row> training, ChurnFeatureSpec listed,
      Map<String, String> dropped, LocalDate runDate) {
    List<Column> aggregations = new ArrayList<>();
    aggregations.add(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)));
    aggregations.add(org.apache.spark.sql.functions.sum(col(io.cpm.segmentation.churn.ChurnLabel.LABEL)
        .cast("double")));
    listed.features().forEach(name -> aggregations.add(org.apache.spark.sql.functions.count(col(name))));
    Row counts = training.agg(aggregations.get(0), aggregations.subList(1, aggregations.size())
        .toArray(Column[]::new)).first();
    long rows = counts.getLong(0);
    double churned = counts.isNullAt(1) ? 0 : counts.getDouble(1);
    if (rows == 0 || churned == 0 || churned == rows) {
      throw new NotTrainable("churn training skipped for run date " + runDate + ": the training snapshots have "
          + (rows == 0 ? "no labelled customer (no one ordered in the activity window before a snapshot)"
              : String.format(java.util.Locale.ROOT, "%,d labelled customers, %s", rows,
                  churned == 0 ? "none churned" : "all churned"))
          + "; churned and retained examples are needed");
    }
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    List<String> names = listed.features();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (counts.getLong(i + 2) == 0) {
        dropped.put(name, "no value in the training set");
      } else if (listed.numeric().contains(name)) {
        numeric.add(name);
      } else {
        categorical.add(name);
      }
    }
    if (numeric.isEmpty() && categorical.isEmpty()) {
      throw new NotTrainable("churn training skipped for run date " + runDate + ": none of the features in"
          + " scoring.churn.numeric-features / categorical-features has a value");
    }
    return new ChurnFeatureSpec(listed.idColumn(), numeric, categorical);
  }

  private static Dataset<Row> selectFeatures(Dataset<Row> features, List<Column> columns, LocalDate date) {
    List<String> available = List.of(features.columns());
    List<String> missing = columns.stream().map(Column::toString).filter(name -> !available.contains(name)).toList();
    if (!missing.isEmpty()) {
      throw CpmException.usage("features as of " + date + " lack columns " + missing + " listed in"
          + " scoring.churn.numeric-features / scoring.churn.categorical-features");
    }
    return features.select(columns.toArray(Column[]::new));
  }

  static List<Map<String, Object>> calibration(ChurnEvaluation evaluation) {
    return evaluation.calibration().stream().map(d -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("decile", d.decile());
      row.put("rows", d.rows());
      row.put("meanPredicted", d.meanPredicted());
      row.put("observedRate", d.observedRate());
      return row;
    }).toList();
  }

  /** ROC points as {@code [{"fpr": .., "tpr": ..}, ...]} (the report plots them). */
  static List<Map<String, Object>> roc(ChurnEvaluation evaluation) {
    return evaluation.roc().stream().map(p -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("fpr", p.falsePositiveRate());
      row.put("tpr", p.truePositiveRate());
      return row;
    }).toList();
  }

  static List<Map<String, Object>> lift(ChurnEvaluation evaluation) {
    return evaluation.calibration().stream().map(d -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("decile", d.decile());
      row.put("observedRate", d.observedRate());
      row.put("lift", d.lift());
      return row;
    }).toList();
  }
}
