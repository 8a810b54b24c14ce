package io.cpm.segmentation.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.metrics.testing.TestSpark;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Point-in-time training data, leakage checks and model quality on planted churners. */
class ChurnModelTest {
  private static final LocalDate RUN_DATE = LocalDate.of(2025, 3, 31);
  private static final ChurnLabel LABEL = new ChurnLabel(90, 90, false);
  private static PlantedChurnData data;
  private static Dataset<Row> training;
  private static ChurnFeatureSpec spec;

  @BeforeAll
  static void generate() {
    data = PlantedChurnData.generate(TestSpark.session(), 800, RUN_DATE, 5);
    data.orders.cache();
    data.tickets.cache();
    training = ChurnTrainingSet.build(
        d -> PlantedChurnData.featuresAsOf(data.orders, data.tickets, data.customers, d),
        data.orders, null, LABEL, ChurnTrainingSet.snapshots(RUN_DATE, 90, 4, 60), RUN_DATE).cache();
    spec = ChurnFeatureSpec.infer(training, "customer_id", List.of("label", "snapshot_date"));
  }

  @Test
  void labelsFollowTheDefinition() {
    SparkSession spark = TestSpark.session();
    Dataset<Row> orders = spark.createDataFrame(List.of(
        row("active-buys", "2024-12-01"), row("active-buys", "2025-02-01"),
        row("active-stops", "2024-12-15"),
        row("inactive", "2024-06-01"), row("inactive", "2025-02-01")), PlantedChurnData.ORDERS);
    List<Row> labels = LABEL.labels(orders, null, LocalDate.of(2024, 12, 31)).orderBy("customer_id").collectAsList();
    assertThat(labels).extracting(r -> r.getString(0) + ":" + r.getDouble(1))
        .containsExactly("active-buys:0.0", "active-stops:1.0");
  }

  @Test
  void snapshotsLeaveTheLabelWindowInsideTheRunDate() {
    List<LocalDate> snapshots = ChurnTrainingSet.snapshots(RUN_DATE, 90, 4, 60);
    assertThat(snapshots).hasSize(4).isSorted();
    assertThat(snapshots.get(3)).isEqualTo(RUN_DATE.minusDays(90));
    assertThatThrownBy(() -> ChurnTrainingSet.build(d -> data.customers, data.orders, null, LABEL,
        List.of(RUN_DATE.minusDays(30)), RUN_DATE)).hasMessageContaining("label window ends after the run date");
  }

  @Test
  void rocCurveIsTheSameHoweverTheScoredRowsArePartitioned() {
    // 3,000 distinct scores, far more than ROC_BINS: MLlib's binning cut its bins per partition, so the stored
    // curve changed with the file layout of the scored table (a rerun after a crash stored another curve).
    Dataset<Row> scored = TestSpark.session().range(3000).selectExpr(
        "CAST(id % 3 = 0 AS INT) AS " + ChurnLabel.LABEL,
        "CAST((id * 7919 % 3000) / 3000.0 AS DOUBLE) AS " + ChurnEvaluation.PROBABILITY);
    List<ChurnEvaluation.RocPoint> one = ChurnEvaluation.evaluate(scored.repartition(1)).roc();
    List<ChurnEvaluation.RocPoint> seven = ChurnEvaluation.evaluate(scored.repartition(7)).roc();
    assertThat(one).hasSize(ChurnEvaluation.ROC_BINS + 1).isEqualTo(seven);
  }

  @Test
  void featuresSeeOnlyTheirSnapshotAndPoisonedFutureChangesLabelsOnly() {
    LocalDate snapshot = LocalDate.of(2024, 9, 30);
    List<LocalDate> asked = new ArrayList<>();
    Function<LocalDate, Dataset<Row>> clean = d -> {
      asked.add(d);
      return PlantedChurnData.featuresAsOf(data.orders, data.tickets, data.customers, d);
    };
    Dataset<Row> original = ChurnTrainingSet.build(clean, data.orders, null, LABEL, List.of(snapshot), RUN_DATE);
    assertThat(asked).containsExactly(snapshot);

    // Poison everything after the snapshot: drop all later orders, add a flood of later tickets.
    Dataset<Row> poisonedOrders = data.orders.where("order_date <= DATE'2024-09-30'");
    Dataset<Row> poisonedTickets = data.tickets.union(data.tickets.selectExpr("customer_id",
        "date_add(DATE'2024-10-01', 5) as created_date", "0 as nps"));
    Dataset<Row> poisoned = ChurnTrainingSet.build(
        d -> PlantedChurnData.featuresAsOf(poisonedOrders, poisonedTickets, data.customers, d),
        poisonedOrders, null, LABEL, List.of(snapshot), RUN_DATE);

    String[] featureColumns = original.drop("label").columns();
    assertThat(poisoned.select("customer_id", featureColumns).orderBy("customer_id").collectAsList())
        .isEqualTo(original.select("customer_id", featureColumns).orderBy("customer_id").collectAsList());
    assertThat(poisoned.where("label = 1.0").count()).isEqualTo(poisoned.count());
    assertThat(original.where("label = 0.0").count()).isPositive();
  }

  @Test
  void plantedChurnersAreRankedWithRocAucAbovePointEight() {
    assertThat(spec.categorical()).containsExactly("region");
    ChurnTrainer.Result result = ChurnTrainer.train(ChurnTrainer.splitById(training, "customer_id", 0.2, 0.2, 42),
        spec, EnumSet.allOf(ChurnAlgorithm.class), 42);

    assertThat(result.validationRocAuc()).containsOnlyKeys(ChurnAlgorithm.LOGISTIC, ChurnAlgorithm.GBT);
    double bestValidation = result.validationRocAuc().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertThat(result.validationRocAuc().get(result.model().algorithm())).isEqualTo(bestValidation);
    ChurnEvaluation test = result.test();
    assertThat(test.rocAuc()).isGreaterThanOrEqualTo(0.8);
    assertThat(test.prAuc()).isGreaterThan(test.positiveRate());
    assertThat(test.brier()).isBetween(0.0, 0.25);
    assertThat(test.calibration()).hasSize(10);
    // ROC curve from (0,0) to (1,1), non-decreasing in both rates, thinned to at most ROC_BINS + 1 points.
    assertThat(test.roc()).hasSizeBetween(3, ChurnEvaluation.ROC_BINS + 1);
    assertThat(test.roc().get(0)).isEqualTo(new ChurnEvaluation.RocPoint(0, 0));
    assertThat(test.roc().get(test.roc().size() - 1)).isEqualTo(new ChurnEvaluation.RocPoint(1, 1));
    for (int i = 1; i < test.roc().size(); i++) {
      ChurnEvaluation.RocPoint before = test.roc().get(i - 1);
      assertThat(test.roc().get(i).falsePositiveRate()).isGreaterThanOrEqualTo(before.falsePositiveRate());
      assertThat(test.roc().get(i).truePositiveRate()).isGreaterThanOrEqualTo(before.truePositiveRate());
    }
    assertThat(test.calibration().get(0).lift()).isGreaterThan(1.5);
    assertThat(test.calibration().get(0).meanPredicted()).isGreaterThan(test.calibration().get(9).meanPredicted());

    Dataset<Row> current = PlantedChurnData.featuresAsOf(data.orders, data.tickets, data.customers, RUN_DATE);
    List<Row> scores = result.model().score(current, 0.3, 0.6).collectAsList();
    assertThat(scores).hasSize((int) current.count()).allSatisfy(r -> {
      assertThat(r.getDouble(1)).isBetween(0.0, 1.0);
      assertThat(r.getString(2)).isIn("low", "medium", "high");
    });
    assertThat(scores).anySatisfy(r -> assertThat(r.getString(3)).isIn(result.model().featureNames().toArray()));
  }

  @Test
  void driversAreTheLargestPositiveContributions() {
    String[] top = ChurnModel.drivers(new double[] {1.0, -2.0, 3.0, 0.5, 2.0}, new double[] {1, 1, 1, -1, 0.1},
        new String[] {"a", "b", "c", "d", "e"});
    assertThat(top).containsExactly("c", "a", "e");
    assertThat(ChurnModel.drivers(new double[] {-1, 1}, new double[] {1, 1}, new String[] {"a", "b"}))
        .containsExactly("b", null, null);
  }

  @Test
  void logisticDriversNameTheSignalsAndSurviveSaveAndLoad() throws Exception {
    ChurnModel model = ChurnModel.fit(training, spec, ChurnAlgorithm.LOGISTIC, 1);
    String path = TestSpark.newDirectory("churn-model").resolve("m").toString();
    model.pipeline().write().overwrite().save(path);
    ChurnModel loaded = ChurnModel.fromPipeline(org.apache.spark.ml.PipelineModel.load(path), "customer_id");
    assertThat(loaded.algorithm()).isEqualTo(ChurnAlgorithm.LOGISTIC);
    assertThat(loaded.featureNames()).isEqualTo(model.featureNames()).contains("region=east", "recency_days");
    Dataset<Row> current = PlantedChurnData.featuresAsOf(data.orders, data.tickets, data.customers, RUN_DATE);
    List<Row> high = loaded.score(current, 0.3, 0.6).where("churn_band = 'high'").collectAsList();
    assertThat(high).isNotEmpty();
    // The planted signals (long recency, few recent orders, tickets) dominate the high-risk customers' drivers.
    long planted = high.stream().filter(r -> List.of("recency_days", "orders_90d", "orders_prev_90d", "revenue_90d",
        "tickets_90d", "tickets_lifetime", "nps_avg").contains(r.getString(3))).count();
    assertThat(planted).isGreaterThan(high.size() * 8L / 10);
  }

  private static Row row(String customer, String date) {
    return org.apache.spark.sql.RowFactory.create(customer, java.sql.Date.valueOf(date), 1.0);
  }
}
