package io.cpm.jobs.scoring;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SCORES;
import static io.cpm.metrics.schema.GoldTable.MODEL_RUNS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.TestPipelines;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.jobs.storage.Silver;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.testing.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The score stage end to end on a real Delta warehouse: silver orders in, customer_scores, model_runs and a
 * stored churn model out; the next day reuses the model and reports the health change.
 */
class ScoreStageTest {
  private static final LocalDate RUN_DATE = LocalDate.of(2025, 3, 31);

  @Test
  void scoresEveryCustomerAndRecordsModels() throws Exception {
    SparkSession spark = TestSpark.session();
    Path warehouse = TestSpark.newDirectory("score-stage");
    CpmConfig config = TestPipelines.localConfig(warehouse, "score_test", "scoring.churn.model=logistic",
        "scoring.churn.snapshot-count=3", "scoring.churn.numeric-features=[recency_days, order_count_12m, revenue_12m,"
            + " orders_90d, tickets_12m]", "scoring.churn.categorical-features=[region]");
    writeSilver(spark, config, 300);
    List<LocalDate> asked = new ArrayList<>();
    FeatureSource features = (context, asOf) -> {
      asked.add(asOf);
      return features(Silver.load(context.tables()).orders(), asOf);
    };

    StageResult first = ScoreStage.from(config, features, ScoreStage.Training.IF_STALE)
        .run(context(spark, config, RUN_DATE));
    assertThat(first.notes()).anySatisfy(n -> assertThat(n).contains("missing: retrained"));
    assertThat(asked).allSatisfy(d -> assertThat(d).isBeforeOrEqualTo(RUN_DATE)).contains(RUN_DATE.minusDays(90));

    Dataset<Row> scores = spark.read().format("delta").load(warehouse.resolve(CUSTOMER_SCORES.table()).toString());
    assertThat(scores.columns()).containsExactly("customer_id", "churn_probability", "churn_band", "churn_driver_1",
        "churn_driver_2", "churn_driver_3", "expected_purchases_90d", "p_alive", "clv_12m", "clv_grade",
        "health_score", "health_usage", "health_depth", "health_interaction", "health_nps", "health_support",
        "health_payment", "health_change", "health_components", "run_date");
    List<Row> rows = scores.collectAsList();
    assertThat(rows).hasSize((int) features(Silver.load(context(spark, config, RUN_DATE).tables()).orders(), RUN_DATE)
        .count());
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.getDouble(1)).isBetween(0.0, 1.0);
      assertThat(r.getString(2)).isIn("low", "medium", "high");
      assertThat(r.getString(9)).isIn("A", "B", "C", "D");
      assertThat(r.getDouble(10)).isBetween(0.0, 100.0);
      assertThat(r.isNullAt(17)).isTrue();
    });
    Map<String, Long> grades = rows.stream().collect(Collectors.groupingBy(r -> r.getString(9), Collectors.counting()));
    assertThat(grades.get("A")).isBetween(rows.size() / 10L, rows.size() * 3L / 10);
    // The customers the model ranks riskiest really have lapsed longer than the safest ones.
    double meanPAliveHigh = rows.stream().filter(r -> "high".equals(r.getString(2))).mapToDouble(r -> r.getDouble(7))
        .average().orElse(Double.NaN);
    double meanPAliveLow = rows.stream().filter(r -> "low".equals(r.getString(2))).mapToDouble(r -> r.getDouble(7))
        .average().orElse(Double.NaN);
    assertThat(meanPAliveHigh).isLessThan(meanPAliveLow);

    List<Row> runs = spark.read().format("delta").load(warehouse.resolve(MODEL_RUNS.table()).toString())
        .orderBy("model").collectAsList();
    assertThat(runs).extracting(r -> r.getString(1)).containsExactly("churn_logistic", "clv_bgnbd");
    Row churn = runs.get(0);
    assertThat(churn.getString(2)).isEqualTo("v20250331");
    assertThat(churn.getDouble(churn.fieldIndex("roc_auc"))).isGreaterThan(0.7);
    assertThat(churn.getString(churn.fieldIndex("calibration"))).contains("meanPredicted");
    assertThat(churn.getString(churn.fieldIndex("roc"))).startsWith("[{\"fpr\":0.0,\"tpr\":0.0}")
        .endsWith("\"tpr\":1.0}]");
    assertThat(churn.getBoolean(churn.fieldIndex("chosen"))).isTrue();
    assertThat(runs.get(1).getString(runs.get(1).fieldIndex("parameters"))).contains("\"alpha\"", "gammaGamma");
    assertThat(Files.isDirectory(warehouse.resolve("_models/churn/v20250331"))).isTrue();

    StageResult next = ScoreStage.from(config, features, ScoreStage.Training.IF_STALE)
        .run(context(spark, config, RUN_DATE.plusDays(1)));
    assertThat(next.notes()).anySatisfy(n -> assertThat(n).isEqualTo("churn model v20250331"));
    Dataset<Row> second = spark.read().format("delta").load(warehouse.resolve(CUSTOMER_SCORES.table()).toString())
        .where(col("run_date").equalTo(Date.valueOf(RUN_DATE.plusDays(1))));
    assertThat(second.where(col("health_change").isNotNull()).count()).isPositive();
  }

  @Test
  void modelAgeDecidesRetraining() {
    var stored = java.util.Optional.of(new ChurnModels.Stored(RUN_DATE.minusDays(30), "v"));
    assertThat(ChurnModels.isStale(stored, RUN_DATE, 30)).isFalse();
    assertThat(ChurnModels.isStale(stored, RUN_DATE.plusDays(1), 30)).isTrue();
    assertThat(ChurnModels.isStale(java.util.Optional.empty(), RUN_DATE, 30)).isTrue();
  }

  private static PipelineContext context(SparkSession spark, CpmConfig config, LocalDate date) {
    return TestPipelines.quietContext(spark, config, date);
  }

  /** A stand-in for CustomerFeatures.compute: only orders dated on or before asOf count. */
  private static Dataset<Row> features(Dataset<Row> orders, LocalDate asOf) {
    Date at = Date.valueOf(asOf);
    Dataset<Row> byCustomer = orders.where(col("order_date").leq(lit(at))).groupBy("customer_id").agg(
        datediff(lit(at), max("order_date")).as("recency_days"),
        count(when(col("order_date").gt(lit(Date.valueOf(asOf.minusDays(365)))), 1)).as("order_count_12m"),
        count(when(col("order_date").gt(lit(Date.valueOf(asOf.minusDays(90)))), 1)).as("orders_90d"),
        sum(when(col("order_date").gt(lit(Date.valueOf(asOf.minusDays(365)))), 100.0).otherwise(0.0)).as("revenue_12m"));
    return byCustomer
        .withColumn("region", when(col("customer_id").endsWith("1"), "north").otherwise("south"))
        .withColumn("tickets_12m", col("orders_90d").multiply(0).plus(when(col("recency_days").gt(60), 3).otherwise(0)))
        .withColumn("complaints_12m", lit(0L))
        .withColumn("activities_30d", col("orders_90d").multiply(2))
        .withColumn("logins_30d", col("orders_90d"))
        .withColumn("activities_90d", col("orders_90d").multiply(3))
        .withColumn("product_lines_held", lit(2))
        .withColumn("nps_avg", lit(null).cast(DataTypes.DoubleType))
        .withColumn("avg_days_to_pay", lit(35.0))
        .withColumn("overdue_amount", lit(0.0));
  }

  /** Silver orders and order_lines with planted churn: churners buy half as often, then stop. */
  private static void writeSilver(SparkSession spark, CpmConfig config, int customers) {
    Random random = new Random(11);
    List<Row> orders = new ArrayList<>();
    List<Row> lines = new ArrayList<>();
    LocalDate start = LocalDate.of(2023, 4, 1);
    for (int i = 0; i < customers; i++) {
      LocalDate first = start.plusDays(random.nextInt(150));
      LocalDate end = random.nextDouble() < 0.45 ? first.plusDays(150 + random.nextInt(600)) : RUN_DATE.plusDays(400);
      int gap = 15 + random.nextInt(25);
      BigDecimal price = BigDecimal.valueOf(20 + random.nextInt(200)).add(new BigDecimal("0.90"));
      int n = 0;
      for (LocalDate day = first; day.isBefore(end) && !day.isAfter(RUN_DATE.plusDays(1)); n++) {
        boolean declining = day.isAfter(end.minusDays(120));
        String orderId = "O" + i + "-" + n;
        orders.add(silverRow(Entity.ORDERS, Map.of("order_id", orderId, "customer_id", "C" + i,
            "order_date", Date.valueOf(day), "status", random.nextDouble() < 0.03 ? "cancelled" : "delivered",
            "currency", "EUR")));
        lines.add(silverRow(Entity.ORDER_LINES, Map.of("order_id", orderId, "line_no", 1, "order_date", Date.valueOf(day),
            "quantity", 1 + random.nextInt(3), "unit_price", price)));
        day = day.plusDays(Math.max(1, Math.round(gap * (declining ? 2.2 : 1.0) * (0.5 + random.nextDouble()))));
      }
    }
    var tables = new io.cpm.jobs.storage.Tables(spark, config.warehouseRoot(), config.database());
    tables.overwrite(spark.createDataFrame(orders, Entity.ORDERS.silverSchema()), Entity.ORDERS.table());
    tables.overwrite(spark.createDataFrame(lines, Entity.ORDER_LINES.silverSchema()), Entity.ORDER_LINES.table());
  }

  private static Row silverRow(Entity entity, Map<String, Object> values) {
    Map<String, Object> all = new HashMap<>(values);
    all.put(Entity.SOURCE_FILE, "test");
    all.put(Entity.ROW_NUMBER, 1L);
    all.put(Entity.RUN_DATE, Date.valueOf(RUN_DATE));
    StructType schema = entity.silverSchema();
    Object[] cells = new Object[schema.size()];
    for (int i = 0; i < cells.length; i++) {
      StructField field = schema.fields()[i];
      cells[i] = all.get(field.name());
    }
    return RowFactory.create(cells);
  }
}
