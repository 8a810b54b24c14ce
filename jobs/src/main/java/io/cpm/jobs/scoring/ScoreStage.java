package io.cpm.jobs.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.common.Json;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
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

  public ScoreStage(FeatureSource features, Training training) {
    this.features = java.util.Objects.requireNonNull(features, "features");
    this.training = java.util.Objects.requireNonNull(training, "training");
  }

  /** The stage as it runs in {@code cpm nightly} and {@code cpm score}. */
  public static ScoreStage nightly(io.cpm.jobs.config.CpmConfig config) {
    return new ScoreStage(FeatureSources.forConfig(config), Training.IF_STALE);
  }

  @Override
  public String name() {
    return "score";
  }

  @Override
  public StageResult run(PipelineContext context) {
    ScoringSettings settings = ScoringSettings.from(context.config().section("scoring"));
    LocalDate runDate = context.runDate();
    Tables tables = context.tables();
    SilverTables silver = context.silver();
    List<ModelRuns.Run> modelRuns = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    Dataset<Row> current = features.featuresAsOf(context, runDate).cache();
    ChurnModel churn = churnModel(context, settings, silver, modelRuns, notes);
    Dataset<Row> churnScores = churn.score(current, settings.churn().mediumThreshold(),
        settings.churn().highThreshold());

    Dataset<Row> clv = clvScores(context, settings, silver, modelRuns, notes);
    Dataset<Row> health = HealthScore.withChange(HealthScore.compute(current, settings.health()),
        previousHealth(tables, runDate));

    Dataset<Row> scores = current.select("customer_id")
        .join(churnScores, "customer_id")
        .join(clv, col("customer_id").equalTo(col("_clv_customer")), "left").drop("_clv_customer")
        .join(health, "customer_id")
        .withColumn("clv_grade", defaultGrade())
        .select(columns());
    tables.replaceRunDate(scores, TABLE, runDate);
    ModelRuns.upsert(tables, modelRuns);
    current.unpersist();
    long rows = tables.readRunDate(TABLE, runDate).count();
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put(TABLE, tables.qualifiedName(TABLE));
    outputs.put(ModelRuns.TABLE, tables.qualifiedName(ModelRuns.TABLE));
    return new StageResult(name(), rows, outputs, notes);
  }

  private ChurnModel churnModel(PipelineContext context, ScoringSettings settings, SilverTables silver,
      List<ModelRuns.Run> modelRuns, List<String> notes) {
    Optional<ChurnModels.Stored> latest = ChurnModels.latest(context.tables(), context.runDate());
    if (training == Training.IF_STALE
        && ChurnModels.isStale(latest, context.runDate(), settings.churn().maxModelAgeDays())) {
      notes.add("churn model " + latest.map(s -> s.version() + " is older than "
          + settings.churn().maxModelAgeDays() + " days").orElse("missing") + ": retrained");
      return ChurnModels.train(context, settings.churn(), settings.clv().excludedOrderStatuses(), features, silver,
          modelRuns);
    }
    if (latest.isEmpty()) {
      throw CpmException.inputMissing("no churn model trained on or before " + context.runDate()
          + "; run 'cpm churn train --run-date " + context.runDate() + "' first");
    }
    notes.add("churn model " + latest.get().version());
    return ChurnModels.load(context.tables(), latest.get());
  }

  private static Dataset<Row> clvScores(PipelineContext context, ScoringSettings settings, SilverTables silver,
      List<ModelRuns.Run> modelRuns, List<String> notes) {
    ScoringSettings.Clv clv = settings.clv();
    LocalDate runDate = context.runDate();
    Dataset<Row> purchases = Transactions.purchases(silver, runDate, clv.excludedOrderStatuses(),
        currencyRates(context.config().raw())).cache();
    ClvPipeline.Result result;
    try {
      result = ClvPipeline.run(purchases, ClvPipeline.Parameters.builder(runDate).model(clv.model())
          .timeUnit(clv.timeUnit()).l2Penalty(clv.l2Penalty()).maxEvaluations(clv.maxEvaluations())
          .expectedPurchasesDays(clv.expectedPurchasesDays()).horizonMonths(clv.horizonMonths())
          .discountRateMonthly(clv.discountRateMonthly()).build());
    } catch (ModelFitException e) {
      throw CpmException.dataQuality("CLV model for run date " + runDate + ": " + e.getMessage());
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
        round(col(ClvScoring.CLV), 2).as("clv_12m")).cache();
    // Exact quantiles (relative error 0) of CLV rounded to cents: an approximate sketch depends on the order rows
    // arrive in, and last-bit noise from summing in a different order could move a customer across a grade cut.
    double[] cut = scored.stat().approxQuantile("clv_12m",
        new double[] {1 - clv.gradeA(), 1 - clv.gradeA() - clv.gradeB(), 1 - clv.gradeA() - clv.gradeB() - clv.gradeC()},
        0.0);
    Column grade = when(col("clv_12m").geq(cut[0]), "A").when(col("clv_12m").geq(cut[1]), "B")
        .when(col("clv_12m").geq(cut[2]), "C").otherwise("D");
    return scored.withColumn("_clv_grade", grade);
  }

  /** Customers without a purchase have no CLV: grade D. */
  private static Column defaultGrade() {
    return org.apache.spark.sql.functions.coalesce(col("_clv_grade"), lit("D"));
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

  /** {@code features.currency.rates} when the features stage defines it; otherwise amounts stay as they are. */
  private static Map<String, Double> currencyRates(Config raw) {
    Map<String, Double> rates = new TreeMap<>();
    if (raw.hasPath("features.currency.rates")) {
      Config section = raw.getConfig("features.currency.rates");
      section.root().keySet().forEach(key -> rates.put(key, section.getDouble(key)));
    }
    return rates;
  }
}
