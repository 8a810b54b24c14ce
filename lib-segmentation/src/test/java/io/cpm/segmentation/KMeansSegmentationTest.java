package io.cpm.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import io.cpm.metrics.testing.TestSpark;
import io.cpm.segmentation.testing.Defaults;
import io.cpm.segmentation.testing.FeatureRows;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** k-means invariants, stable ids, and recovery of planted customer types (with RFM and lifecycle). */
class KMeansSegmentationTest {
  private static final LocalDate D = LocalDate.of(2025, 3, 31);
  private static Dataset<Row> population;
  private static Map<String, String> plantedType;
  private static KMeansResult first;

  @BeforeAll
  static void fitOnce() {
    FeatureRows rows = new FeatureRows();
    plantedType = new HashMap<>();
    for (FeatureRows.Planted planted : FeatureRows.planted(rows, 2000, 11, D)) {
      plantedType.put(planted.customerId(), planted.type());
    }
    rows.add("prospect-without-orders");
    population = rows.dataset().cache();
    first = KMeansSegmentation.fit(population, Defaults.kmeans(3, 7, 42), List.of(), 1);
  }

  @Test
  void everyCustomerWithFeaturesIsAssignedAndEveryKIsRecorded() {
    Dataset<Row> assigned = first.assignments();
    assertThat(first.customers()).isEqualTo(2000);
    assertThat(assigned.count()).isEqualTo(2000);
    assertThat(assigned.where(col("cluster_id").isNull()).count()).isZero();
    assertThat(assigned.where(col("customer_id").equalTo("prospect-without-orders")).count()).isZero();
    assertThat(first.runs()).extracting(ModelRun::k).containsExactly(3, 4, 5, 6, 7);
    assertThat(first.runs()).allSatisfy(run -> {
      assertThat(run.silhouette()).isBetween(-1.0, 1.0);
      assertThat(run.cost()).isPositive();
      assertThat(run.clusterSizes().stream().mapToLong(Long::longValue).sum()).isEqualTo(2000);
    });
    assertThat(first.runs().stream().filter(ModelRun::chosen)).singleElement()
        .satisfies(run -> assertThat(run.k()).isEqualTo(first.chosenK()));
    double best = first.runs().stream().mapToDouble(ModelRun::silhouette).max().orElseThrow();
    assertThat(first.runs().stream().filter(ModelRun::chosen).findFirst().orElseThrow().silhouette()).isEqualTo(best);
    assertThat(first.centroids()).hasSize(first.chosenK() * 4);
    assertThat(first.centroids().stream().map(Centroid::clusterId).distinct().sorted().toList())
        .isEqualTo(java.util.stream.IntStream.rangeClosed(1, first.chosenK()).boxed().toList());
  }

  @Test
  void clustersRecoverPlantedTypes() {
    assertThat(first.chosenK()).isEqualTo(5);
    List<String> truth = new ArrayList<>();
    List<Integer> clusters = new ArrayList<>();
    for (Row row : first.assignments().collectAsList()) {
      truth.add(plantedType.get(row.getString(0)));
      clusters.add(row.getInt(1));
    }
    assertThat(AdjustedRandIndex.of(truth, clusters)).isGreaterThanOrEqualTo(0.8);
    Map<Integer, String> labels = new HashMap<>();
    first.assignments().collectAsList().forEach(r -> labels.put(r.getInt(1), r.getString(2)));
    String championLabel = labels.get(clusters.get(truth.indexOf("champion")));
    assertThat(championLabel).contains("high value").contains("frequent").contains("recent");
  }

  @Test
  void seededFitIsReproducible() {
    KMeansResult again = KMeansSegmentation.fit(population, Defaults.kmeans(3, 7, 42), List.of(), 1);
    assertThat(again.runs()).isEqualTo(first.runs());
    assertThat(again.centroids()).isEqualTo(first.centroids());
  }

  @Test
  void idsStayStableWhenRefittedOnPermutedInputWithAnotherSeed() {
    Dataset<Row> permuted = population.orderBy(org.apache.spark.sql.functions.hash(col("customer_id"))).repartition(3);
    KMeansResult refit = KMeansSegmentation.fit(permuted, Defaults.kmeans(5, 5, 7), first.centroids(), 100);
    Map<String, Integer> before = ids(first);
    Map<String, Integer> after = ids(refit);
    long same = before.keySet().stream().filter(c -> before.get(c).equals(after.get(c))).count();
    assertThat(same).isGreaterThanOrEqualTo(1980);
    assertThat(Set.copyOf(after.values())).isEqualTo(Set.copyOf(before.values()));
    // Without the previous centroids a cluster that moved far gets a fresh id
    KMeansResult unmatched = KMeansSegmentation.fit(population, Defaults.kmeans(5, 5, 42), List.of(), 100);
    assertThat(Set.copyOf(ids(unmatched).values())).containsExactlyInAnyOrder(100, 101, 102, 103, 104);
  }

  /**
   * An isotropic blob has no preferred split: every rotation of the k = 3 partition is (nearly) as good, so which
   * one k-means|| finds is an accident of its initialization. Warm-started from the previous centroids, a refit on
   * slightly moved customers keeps the previous partition; started by k-means|| (same seed) it finds a rotated one.
   */
  @Test
  void warmStartKeepsIdsAndAssignmentsWhereTheInitializationWouldDecide() {
    KMeansParameters params = new KMeansParameters(List.of(new ClusterFeature("x", false, "low x", "high x"),
        new ClusterFeature("y", false, "low y", "high y")), 3, 3, 30, 42, 0.5, 1.0);
    Random random = new Random(3);
    List<Row> day1 = new ArrayList<>();
    List<Row> day2 = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      double x = random.nextGaussian();
      double y = random.nextGaussian();
      day1.add(RowFactory.create("c" + i, x, y));
      day2.add(RowFactory.create("c" + i, x + 0.03 * random.nextGaussian(), y + 0.03 * random.nextGaussian()));
    }
    StructType schema = new StructType().add("customer_id", DataTypes.StringType)
        .add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType);
    KMeansResult before = KMeansSegmentation.fit(TestSpark.session().createDataFrame(day1, schema), params,
        List.of(), 1);
    Dataset<Row> moved = TestSpark.session().createDataFrame(day2, schema);

    KMeansResult warm = KMeansSegmentation.fit(moved, params, before.centroids(), 4);
    KMeansResult cold = KMeansSegmentation.fit(moved, params, List.of(), 4);

    Map<String, Integer> first = ids(before);
    Map<String, Integer> refit = ids(warm);
    long kept = first.keySet().stream().filter(c -> first.get(c).equals(refit.get(c))).count();
    assertThat(Set.copyOf(refit.values())).isEqualTo(Set.of(1, 2, 3));
    assertThat(kept).isGreaterThanOrEqualTo(1455);
    assertThat(warm.runs()).singleElement().satisfies(run -> {
      assertThat(run.chosen()).isTrue();
      assertThat(run.silhouette()).isBetween(0.3, 1.0);
      assertThat(run.cost()).isPositive();
      assertThat(run.clusterSizes().stream().mapToLong(Long::longValue).sum()).isEqualTo(1500);
    });
    // Without previous centroids the same seed on the moved customers splits them differently
    List<String> customers = List.copyOf(first.keySet());
    Map<String, Integer> coldIds = ids(cold);
    assertThat(AdjustedRandIndex.of(customers.stream().map(first::get).toList(),
        customers.stream().map(coldIds::get).toList())).isLessThan(0.8);
  }

  @Test
  void plantedChampionsAndDeclinersLandInMatchingSegments() {
    Dataset<Row> scored = Rfm.score(population, Defaults.rfm());
    Dataset<Row> staged = Lifecycle.assign(scored, TestSpark.session().emptyDataFrame()
        .selectExpr("cast(null as string) customer_id", "cast(null as string) previous_stage",
            "cast(null as date) previous_stage_since").limit(0), D, Defaults.lifecycle());
    int champions = 0;
    int championsOk = 0;
    int decliners = 0;
    int declinersOk = 0;
    Set<String> warningSegments = Set.of("at_risk", "about_to_sleep", "need_attention", "cant_lose");
    for (Row row : staged.select("customer_id", Rfm.SEGMENT, Lifecycle.STAGE).collectAsList()) {
      String type = plantedType.get(row.getString(0));
      if ("champion".equals(type)) {
        champions++;
        championsOk += Set.of("champions", "loyal").contains(row.getString(1)) ? 1 : 0;
      } else if ("decliner".equals(type)) {
        decliners++;
        declinersOk += warningSegments.contains(row.getString(1)) || "at_risk".equals(row.getString(2)) ? 1 : 0;
      }
    }
    assertThat(championsOk).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * champions));
    assertThat(declinersOk).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * decliners));
  }

  private static Map<String, Integer> ids(KMeansResult result) {
    Map<String, Integer> ids = new HashMap<>();
    result.assignments().collectAsList().forEach(r -> ids.put(r.getString(0), r.getInt(1)));
    return ids;
  }
}
