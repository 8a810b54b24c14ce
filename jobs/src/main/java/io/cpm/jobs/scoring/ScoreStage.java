package io.cpm.jobs.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import io.cpm.jobs.features.FeaturesSettings;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.common.Json;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.jobs.pipeline.NotComputed;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import io.cpm.metrics.schema.SilverTables;
import io.cpm.segmentation.churn.ChurnModel;
import io.cpm.segmentation.clv.ClvPipeline;
import io.cpm.segmentation.clv.ClvScoring;
import io.cpm.segmentation.clv.ModelFitException;
import io.cpm.segmentation.clv.RepeatPurchaseData;
import io.cpm.segmentation.health.HealthScore;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@code score} stage: churn probability, band and drivers (retraining the churn model when it is older
 * than {@code scoring.churn.max-model-age-days}), BTYD CLV (expected purchases, P(alive), 12-month CLV and
 * grade) and the health score, written to {@code customer_scores} for the run date; model fits go to
 * {@code model_runs}.
 */
public final class ScoreStage implements Stage {
  public static final String TABLE = GoldTable.CUSTOMER_SCORES.table();

  /** When the stage trains a churn model before scoring. */
  public enum Training { IF_STALE, NEVER }

  private final FeatureSource features;
  private final Training training;
  private final ScoringSettings settings;
  /** Base-currency units per unit of each currency ({@code features.currency}), for CLV's purchase amounts. */
  private final Map<String, Double> currencyRates;

  public ScoreStage(FeatureSource features, Training training, ScoringSettings settings,
      Map<String, Double> currencyRates) {
    this.features = java.util.Objects.requireNonNull(features, "features");
    this.training = java.util.Objects.requireNonNull(training, "training");
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
    this.currencyRates = Map.copyOf(currencyRates);
  }

  /** The stage with the {@code scoring} settings, currency rates and feature source of {@code config}. */
  public static ScoreStage from(io.cpm.jobs.config.CpmConfig config, Training training) {
    return from(config, FeatureSources.forConfig(config), training);
  }

  /** The stage with the {@code scoring} settings and currency rates of {@code config}, on the given features. */
  public static ScoreStage from(io.cpm.jobs.config.CpmConfig config, FeatureSource features, Training training) {
    return new ScoreStage(features, training, ScoringSettings.from(config.section("scoring")),
        FeaturesSettings.from(config).parameters().rates());
  }

  /** The stage as it runs in {@code cpm nightly} and {@code cpm score}. */
  public static ScoreStage nightly(io.cpm.jobs.config.CpmConfig config) {
    return from(config, Training.IF_STALE);
  }

  @Override
  public String name() {
    return "score";
  }

  @Override
  public StageResult run(PipelineContext context) {
    LocalDate runDate = context.runDate();
    Tables tables = context.tables();
    SilverTables silver = context.silver();
    List<ModelRuns.Run> modelRuns = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    Dataset<Row> current = features.featuresAsOf(context, runDate).cache();
    Dataset<Row> churnScores = churnScores(context, settings, silver, current, modelRuns, notes);
    Dataset<Row> clv = clvScores(context, settings, currencyRates, silver, modelRuns, notes);
    Dataset<Row> health = HealthScore.withChange(HealthScore.compute(current, settings.health()),
        previousHealth(tables, runDate));

    Dataset<Row> scores = current.select("customer_id")
        .join(churnScores, "customer_id")
        .join(clv, col("customer_id").equalTo(col("_clv_customer")), "left").drop("_clv_customer")
        .join(health, "customer_id")
        .select(columns());
    tables.replaceRunDate(scores, TABLE, runDate);
    ModelRuns.upsert(tables, modelRuns);
    current.unpersist();
    long rows = tables.readRunDate(TABLE, runDate).count();
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put(TABLE, tables.qualifiedName(TABLE));
    outputs.put(ModelRuns.TABLE, tables.qualifiedName(ModelRuns.TABLE));
    io.cpm.jobs.pipeline.NotComputed.record(context, name(), notes);
    return new StageResult(name(), rows, outputs, notes);
  }

  /**
   * Churn probability, band and drivers per customer, or the same columns null when the model is switched off
   * or cannot be trained and no earlier model exists (a note says which and why).
   */
  private Dataset<Row> churnScores(PipelineContext context, ScoringSettings settings, SilverTables silver,
      Dataset<Row> current, List<ModelRuns.Run> modelRuns, List<String> notes) {
    if (!settings.churn().enabled()) {
      notes.add(NotComputed.note("model", "churn", "switched off (scoring.churn.enabled = false)"));
      return noChurn(current);
    }
    Optional<ChurnModel> churn = churnModel(context, settings, silver, modelRuns, notes);
    if (churn.isEmpty()) {
      return noChurn(current);
    }
    return churn.get().score(current, settings.churn().mediumThreshold(), settings.churn().highThreshold());
  }

  private static Dataset<Row> noChurn(Dataset<Row> current) {
    Column text = lit(null).cast(DataTypes.StringType);
    return current.select(col("customer_id"), lit(null).cast(DataTypes.DoubleType).as("churn_probability"),
        text.as("churn_band"), text.as("churn_driver_1"), text.as("churn_driver_2"), text.as("churn_driver_3"));
  }

  private Optional<ChurnModel> churnModel(PipelineContext context, ScoringSettings settings, SilverTables silver,
      List<ModelRuns.Run> modelRuns, List<String> notes) {
    Optional<ChurnModels.Stored> latest = ChurnModels.latest(context.tables(), context.runDate());
    if (training == Training.IF_STALE
        && ChurnModels.isStale(latest, context.runDate(), settings.churn().maxModelAgeDays())) {
      String why = "churn model " + latest.map(s -> s.version() + " is older than "
          + settings.churn().maxModelAgeDays() + " days").orElse("missing");
      try {
        ChurnModel trained = ChurnModels.train(context, settings.churn(), settings.clv().excludedOrderStatuses(),
            features, silver, modelRuns);
        notes.add(why + ": retrained");
        return Optional.of(trained);
      } catch (ChurnModels.NotTrainable e) {
        // Not a failed night: a company without orders (or without churners yet) has no churn examples.
        if (latest.isEmpty()) {
          notes.add(NotComputed.note("model", "churn", e.getMessage() + " and no earlier model exists,"
              + " so churn is null"));
          return Optional.empty();
        }
        notes.add(e.getMessage() + ", scored with the last trained model " + latest.get().version());
        return Optional.of(ChurnModels.load(context.tables(), latest.get()));
      }
    }
    if (latest.isEmpty()) {
      throw CpmException.inputMissing("no churn model trained on or before " + context.runDate()
          + "; run 'cpm churn train --run-date " + context.runDate() + "' first");
    }
    notes.add("churn model " + latest.get().version());
    return Optional.of(ChurnModels.load(context.tables(), latest.get()));
  }

  /**
   * {@code _clv_customer}, expected purchases, P(alive), clv_12m and {@code clv_grade} per customer with a
   * purchase; empty (every customer's CLV null) when CLV is switched off, there is no purchase, or the model
   * cannot be fitted on the data (a note says which).
   */
  private static Dataset<Row> clvScores(PipelineContext context, ScoringSettings settings,
      Map<String, Double> currencyRates, SilverTables silver,
      List<ModelRuns.Run> modelRuns, List<String> notes) {
    ScoringSettings.Clv clv = settings.clv();
    LocalDate runDate = context.runDate();
    if (!clv.enabled()) {
      notes.add(NotComputed.note("model", "clv", "switched off (scoring.clv.enabled = false)"));
      return noClv(context);
    }
    Dataset<Row> purchases = Transactions.purchases(silver, runDate, clv.excludedOrderStatuses(),
        currencyRates).cache();
    if (purchases.isEmpty()) {
      purchases.unpersist();
      notes.add(NotComputed.note("model", "clv", "no counted order on or before " + runDate
          + " (no orders export, or none yet)"));
      return noClv(context);
    }
    ClvPipeline.Result result;
    try {
      result = ClvPipeline.run(purchases, ClvPipeline.Parameters.builder(runDate).model(clv.model())
          .timeUnit(clv.timeUnit()).l2Penalty(clv.l2Penalty()).maxEvaluations(clv.maxEvaluations())
          .expectedPurchasesDays(clv.expectedPurchasesDays()).horizonMonths(clv.horizonMonths())
          .discountRateMonthly(clv.discountRateMonthly()).build());
    } catch (ModelFitException e) {
      // Too few or degenerate purchase histories (e.g. no repeat buyer yet): CLV is blank, the night goes on.
      notes.add(NotComputed.note("model", "clv", "the " + clv.model().name().toLowerCase(java.util.Locale.ROOT)
          + " model cannot be fitted on these purchases: " + e.getMessage()));
      return noClv(context);
    }
    Map<String, Object> report = result.report();
    report.put("timeUnit", clv.timeUnit().name().toLowerCase(java.util.Locale.ROOT));
    report.put("horizonMonths", clv.horizonMonths());
    report.put("discountRateMonthly", clv.discountRateMonthly());
    modelRuns.add(ModelRuns.Run.of(runDate, "clv_" + result.purchases().model().name())
        .withVersion("v" + runDate.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE)).withWindow(null, runDate)
        .withParameters(Json.write(report)).withChosen(true).withLogLikelihood(result.purchases().logLikelihood())
        .withRows(Math.round(result.purchases().customers())));
    notes.add(String.format(java.util.Locale.ROOT, "CLV %s on %d sufficient-statistic rows: LL %.1f, %d iterations",
        result.purchases().model().name(), result.sufficientStatisticRows(), result.purchases().logLikelihood(),
        result.purchases().iterations()));
    Dataset<Row> scored = result.scored().select(col(RepeatPurchaseData.CUSTOMER).as("_clv_customer"),
        col(ClvScoring.EXPECTED_PURCHASES).as("expected_purchases_90d"), col(ClvScoring.P_ALIVE).as("p_alive"),
        round(col(ClvScoring.CLV), 2).as("clv_12m"));
    return withGrades(scored, clv.gradeA(), clv.gradeB(), clv.gradeC());
  }

  /**
   * Adds {@code clv_grade} (A = top share {@code a} of the customers with a CLV, then B, C, rest D) and makes a
   * clv_12m that is not a finite number null: it is unknown, not a value (NaN sorts above every number in Spark
   * and would get grade A). A customer without a CLV gets no grade.
   */
  static Dataset<Row> withGrades(Dataset<Row> scored, double a, double b, double c) {
    Column value = col("clv_12m");
    Dataset<Row> known = scored.withColumn("clv_12m", when(org.apache.spark.sql.functions.isnan(value)
        .or(value.isin(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)), lit(null).cast(DataTypes.DoubleType))
        .otherwise(value)).cache();
    // Exact quantiles (relative error 0) of CLV rounded to cents: an approximate sketch depends on the order rows
    // arrive in, and last-bit noise from summing in a different order could move a customer across a grade cut.
    // Nulls are left out of the quantiles.
    double[] cut = known.stat().approxQuantile("clv_12m", new double[] {1 - a, 1 - a - b, 1 - a - b - c}, 0.0);
    if (cut.length < 3) {
      return known.withColumn("clv_grade", lit(null).cast(DataTypes.StringType));
    }
    return known.withColumn("clv_grade", grade(col("clv_12m"), cut));
  }

  /** A to D by the cuts; null for a customer without a CLV (no purchase, or an unknown value). */
  static Column grade(Column clv, double[] cut) {
    return when(clv.isNull(), lit(null).cast(DataTypes.StringType)).when(clv.geq(cut[0]), "A")
        .when(clv.geq(cut[1]), "B").when(clv.geq(cut[2]), "C").otherwise("D");
  }

  /** The CLV columns with no rows: every customer's CLV is null after the left join. */
  private static Dataset<Row> noClv(PipelineContext context) {
    return context.spark().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
        .add("_clv_customer", DataTypes.StringType).add("expected_purchases_90d", DataTypes.DoubleType)
        .add("p_alive", DataTypes.DoubleType).add("clv_12m", DataTypes.DoubleType)
        .add("clv_grade", DataTypes.StringType));
  }

  private static Column[] columns() {
    List<Column> result = new ArrayList<>(List.of(col("customer_id"),
        col("churn_probability"), col("churn_band"), col("churn_driver_1"), col("churn_driver_2"),
        col("churn_driver_3"), col("expected_purchases_90d"), col("p_alive"), col("clv_12m"), col("clv_grade"),
        col(HealthScore.SCORE)));
    for (String component : HealthScore.COMPONENTS) {
      result.add(col(component));
    }
    result.add(col(HealthScore.CHANGE).cast(DataTypes.DoubleType).as(HealthScore.CHANGE));
    result.add(col(HealthScore.USED));
    return result.toArray(Column[]::new);
  }

  private static Dataset<Row> previousHealth(Tables tables, LocalDate runDate) {
    if (!tables.exists(TABLE)) {
      return null;
    }
    Row latest = tables.read(TABLE).where(col(Tables.RUN_DATE).lt(Date.valueOf(runDate)))
        .agg(org.apache.spark.sql.functions.max(Tables.RUN_DATE)).first();
    if (latest.isNullAt(0)) {
      return null;
    }
    return tables.readRunDate(TABLE, latest.getDate(0).toLocalDate()).select("customer_id", HealthScore.SCORE);
  }

}
