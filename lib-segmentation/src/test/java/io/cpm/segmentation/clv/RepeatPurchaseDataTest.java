package io.cpm.segmentation.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cpm.metrics.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.math3.random.Well19937c;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The BTYD summary conventions on Spark, and the whole chain summary → fit → scoring → holdout. */
class RepeatPurchaseDataTest {
  private static final StructType SCHEMA = new StructType()
      .add(RepeatPurchaseData.CUSTOMER, DataTypes.StringType)
      .add(RepeatPurchaseData.DATE, DataTypes.DateType)
      .add(RepeatPurchaseData.AMOUNT, DataTypes.DoubleType);
  private static final LocalDate END = LocalDate.of(2024, 12, 31);

  @Test
  void summaryFollowsFaderHardieLeeConventions() {
    SparkSession spark = TestSpark.session();
    Dataset<Row> transactions = spark.createDataFrame(List.of(
        row("a", "2024-12-03", 10), row("a", "2024-12-03", 5), // two orders on the first day: one purchase day
        row("a", "2024-12-10", 20), row("a", "2024-12-17", 40), row("a", "2024-12-17", 20),
        row("a", "2025-01-05", 99), // after the calibration end: ignored
        row("b", "2024-12-24", 30),
        row("c", "2025-01-02", 10)), SCHEMA); // first purchase after the end: not a calibration customer
    Map<String, Row> summary = RepeatPurchaseData.summarize(transactions, END, ClvTimeUnit.WEEK).collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertThat(summary).containsOnlyKeys("a", "b");
    Row a = summary.get("a");
    assertThat(a.getDouble(a.fieldIndex(RepeatPurchaseData.FREQUENCY))).isEqualTo(2.0);
    assertThat(a.getDouble(a.fieldIndex(RepeatPurchaseData.RECENCY))).isCloseTo(2.0, within(1e-12));
    assertThat(a.getDouble(a.fieldIndex(RepeatPurchaseData.AGE))).isCloseTo(4.0, within(1e-12));
    assertThat(a.getDouble(a.fieldIndex(RepeatPurchaseData.MONETARY))).isCloseTo(40.0, within(1e-12)); // (20+60)/2
    Row b = summary.get("b");
    assertThat(b.getDouble(b.fieldIndex(RepeatPurchaseData.FREQUENCY))).isZero();
    assertThat(b.getDouble(b.fieldIndex(RepeatPurchaseData.MONETARY))).isZero();
    assertThat(b.getDouble(b.fieldIndex(RepeatPurchaseData.AGE))).isCloseTo(1.0, within(1e-12));

    Dataset<Row> holdout = RepeatPurchaseData.withHoldoutPurchases(
        RepeatPurchaseData.summarize(transactions, END, ClvTimeUnit.WEEK), transactions, END, END.plusDays(30));
    Map<String, Double> actual = holdout.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0),
        r -> r.getDouble(r.fieldIndex(RepeatPurchaseData.HOLDOUT_PURCHASES))));
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1.0, "b", 0.0));
  }

  @Test
  void fitScoreAndHoldoutOnSimulatedDailyTransactions() {
    SparkSession spark = TestSpark.session();
    BgNbdModel truth = new BgNbdModel(0.9, 5.0, 0.8, 3.0); // per week
    GammaGammaModel spend = new GammaGammaModel(6.0, 4.0, 15.0);
    BtydSimulation simulation = new BtydSimulation(new Well19937c(3));
    LocalDate start = END.minusWeeks(52);
    LocalDate holdoutEnd = END.plusWeeks(26);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      LocalDate first = start.plusDays(i % 182);
      double ageWeeks = (holdoutEnd.toEpochDay() - first.toEpochDay()) / 7.0;
      double rate = simulation.spendRate(spend);
      rows.add(row("c" + i, first.toString(), simulation.spend(spend, rate)));
      for (double weeks : simulation.bgNbdPurchaseTimes(truth, ageWeeks)) {
        rows.add(row("c" + i, first.plusDays((long) Math.floor(weeks * 7)).toString(), simulation.spend(spend, rate)));
      }
    }
    Dataset<Row> transactions = spark.createDataFrame(rows, SCHEMA).cache();
    Dataset<Row> summary = RepeatPurchaseData.summarize(transactions, END, ClvTimeUnit.WEEK).cache();
    PurchaseCounts counts = RepeatPurchaseData.purchaseCounts(summary);
    assertThat(counts.customers()).isEqualTo(3000.0);
    assertThat(counts.size()).isLessThan(3000);
    FitResult<PurchaseModel> fit = MaximumLikelihood.defaults().fitPurchaseModel(PurchaseModelKind.BGNBD, counts);
    // Day rounding merges same-day purchases, so recovery is looser than in continuous time.
    assertThat(fit.model().parameters().get("r")).isCloseTo(0.9, within(0.3));
    assertThat(fit.model().parameters().get("alpha")).isCloseTo(5.0, within(2.0));
    FitResult<GammaGammaModel> spendFit = MaximumLikelihood.defaults()
        .fitGammaGamma(RepeatPurchaseData.spendObservations(summary));
    assertThat(spendFit.model().populationMeanSpend()).isCloseTo(spend.populationMeanSpend(), within(4.0));

    CustomerValueModel model = new CustomerValueModel(fit.model(), spendFit.model(), ClvTimeUnit.WEEK);
    List<Row> scored = ClvScoring.score(summary, model, 90, 12, 0.01).collectAsList();
    assertThat(scored).hasSize(3000).allSatisfy(r -> {
      assertThat(r.getDouble(r.fieldIndex(ClvScoring.P_ALIVE))).isBetween(0.0, 1.0);
      assertThat(r.getDouble(r.fieldIndex(ClvScoring.EXPECTED_PURCHASES))).isGreaterThanOrEqualTo(0.0);
      assertThat(r.getDouble(r.fieldIndex(ClvScoring.CLV))).isGreaterThanOrEqualTo(0.0);
    });

    Dataset<Row> predicted = ClvScoring.predictHoldout(
        RepeatPurchaseData.withHoldoutPurchases(summary, transactions, END, holdoutEnd), fit.model(), 26);
    ClvScoring.HoldoutMetrics metrics = ClvScoring.holdoutMetrics(predicted);
    assertThat(metrics.customers()).isEqualTo(3000);
    assertThat(metrics.totalPredicted()).isCloseTo(metrics.totalActual(), within(0.15 * metrics.totalActual()));
    assertThat(metrics.mae()).isLessThan(metrics.rmse() + 1e-12);
    assertThat(metrics.byFrequency()).extracting(ClvScoring.BucketMetrics::frequencyBucket).startsWith("0", "1");
    assertThat(metrics.byFrequency().stream().mapToLong(ClvScoring.BucketMetrics::customers).sum()).isEqualTo(3000);
  }

  private static Row row(String customer, String date, double amount) {
    return RowFactory.create(customer, Date.valueOf(date), amount);
  }
}
