package io.cpm.segmentation;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.mllib.clustering.KMeans;
import org.apache.spark.mllib.clustering.KMeansModel;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * k-means segmentation with k chosen by silhouette and ids that stay stable from run to run.
 *
 * <p>Each feature x is log-scaled if configured ({@code log1p(max(x, 0))}) and z-standardized over the clustered
 * customers (those with no null feature). For every k in the range MLlib {@link KMeans} (Lloyd's algorithm,
 * seeded) is fitted and scored by the mean silhouette (MLlib {@link ClusteringEvaluator}, squared Euclidean); the
 * best silhouette wins (ties: the smaller k). The previous run's centroids are mapped into this run's standardized
 * space. When they are there, the k equal to their number is <em>warm-started</em> from them instead of from
 * k-means|| (the RDD API, because the DataFrame {@code KMeans} takes no initial model): customer features move a
 * little every night, and on data without a sharp split k-means|| from the same seed can land in another, almost
 * equally good local optimum and reshuffle customers between clusters whose profiles hardly changed; Lloyd's
 * algorithm from yesterday's centroids settles in the nearest optimum instead. The warm-started k gets no
 * preference in the silhouette comparison, so k still changes when another k separates the customers better.
 * The chosen centroids are matched to the previous ones by a minimum-total-distance assignment
 * ({@link OptimalAssignment}); a matched cluster within {@code maxMatchDistance} keeps its id, others get fresh
 * ids in profile order (descending by the features in order). The label names each feature whose centroid
 * |z| ≥ labelThreshold with its low or high word.
 */
public final class KMeansSegmentation {
  public static final String CLUSTER_ID = "cluster_id";
  public static final String CLUSTER_LABEL = "cluster_label";
  private static final String FEATURES = "_features";
  private static final String PREDICTION = "_prediction";

  private KMeansSegmentation() {}

  /**
   * Fits and labels clusters of {@code customers} (customer_id plus the feature columns).
   *
   * @param previous the previous run's centroids (empty on the first run)
   * @param nextFreshId the smallest id never used before
   */
  public static KMeansResult fit(Dataset<Row> customers, KMeansParameters params, List<Centroid> previous,
      int nextFreshId) {
    List<ClusterFeature> features = params.features();
    Column complete = lit(true);
    List<Column> scaled = new ArrayList<>();
    scaled.add(col("customer_id"));
    for (int f = 0; f < features.size(); f++) {
      ClusterFeature feature = features.get(f);
      Column raw = col(feature.column()).cast(DataTypes.DoubleType);
      complete = complete.and(raw.isNotNull());
      scaled.add((feature.logScaled() ? log1p(greatest(raw, lit(0.0))) : raw).as("_x" + f));
    }
    Dataset<Row> rows = customers.where(complete).select(scaled.toArray(new Column[0]));
    List<Column> moments = new ArrayList<>();
    for (int f = 0; f < features.size(); f++) {
      moments.add(avg("_x" + f));
      moments.add(stddev_pop("_x" + f));
    }
    Row stats = rows.agg(moments.get(0), moments.subList(1, moments.size()).toArray(new Column[0])).first();
    if (stats.isNullAt(0)) {
      throw new IllegalArgumentException("No customer has all k-means features " + params.columns());
    }
    double[] means = new double[features.size()];
    double[] deviations = new double[features.size()];
    String[] standardizedNames = new String[features.size()];
    List<Column> standardized = new ArrayList<>();
    standardized.add(col("customer_id"));
    for (int f = 0; f < features.size(); f++) {
      means[f] = stats.getDouble(2 * f);
      double deviation = stats.getDouble(2 * f + 1);
      deviations[f] = deviation > 0 ? deviation : 1.0;
      standardizedNames[f] = "_z" + f;
      standardized.add(col("_x" + f).minus(means[f]).divide(deviations[f]).as(standardizedNames[f]));
    }
    Dataset<Row> prepared = new VectorAssembler().setInputCols(standardizedNames).setOutputCol(FEATURES)
        .transform(rows.select(standardized.toArray(new Column[0])))
        .select("customer_id", FEATURES)
        .cache();
    long count = prepared.count();
    int kMax = (int) Math.min(params.kMax(), count - 1);
    if (kMax < params.kMin()) {
      throw new IllegalArgumentException("Too few customers to cluster: " + count + " for k >= " + params.kMin());
    }

    Map<Integer, double[]> previousZ = previousInCurrentSpace(previous, features, means, deviations);
    JavaRDD<org.apache.spark.mllib.linalg.Vector> points = prepared.select(FEATURES).javaRDD()
        .map(row -> Vectors.fromML(row.<Vector>getAs(0)))
        .cache();
    ClusteringEvaluator evaluator = new ClusteringEvaluator().setFeaturesCol(FEATURES).setPredictionCol(PREDICTION);
    List<ModelRun> runs = new ArrayList<>();
    Fitted best = null;
    for (int k = params.kMin(); k <= kMax; k++) {
      KMeans kmeans = new KMeans().setK(k).setSeed(params.seed()).setMaxIterations(params.maxIterations());
      if (k == previousZ.size()) { // the previous k: start where yesterday's clusters were (see class doc)
        kmeans.setInitialModel(new KMeansModel(previousZ.values().stream().map(Vectors::dense)
            .toArray(org.apache.spark.mllib.linalg.Vector[]::new)));
      }
      Fitted fitted = score(kmeans.run(points.rdd()), k, prepared, evaluator);
      runs.add(fitted.run());
      if (fitted.run().silhouette() > (best == null ? Double.NEGATIVE_INFINITY : best.run().silhouette())) {
        best = fitted;
      }
    }
    points.unpersist(false);
    if (best == null) {
      throw new IllegalArgumentException("k-means found fewer than 2 distinct clusters for k in " + params.kMin()
          + "-" + kMax + " (features " + params.columns() + " hardly vary)");
    }
    int chosenK = best.run().k();
    List<ModelRun> marked = runs.stream()
        .map(r -> new ModelRun(r.k(), r.silhouette(), r.cost(), r.k() == chosenK, r.clusterSizes()))
        .toList();

    org.apache.spark.mllib.linalg.Vector[] centers = best.model().clusterCenters();
    double[][] z = new double[centers.length][];
    for (int c = 0; c < centers.length; c++) {
      z[c] = centers[c].toArray();
    }
    int[] ids = stableIds(z, previousZ, nextFreshId, params.maxMatchDistance());
    String[] labels = new String[centers.length];
    for (int c = 0; c < centers.length; c++) {
      labels[c] = label(z[c], features, params.labelThreshold());
    }
    List<Long> sizes = best.run().clusterSizes();
    List<Centroid> centroids = new ArrayList<>();
    for (int c = 0; c < centers.length; c++) {
      for (int f = 0; f < features.size(); f++) {
        ClusterFeature feature = features.get(f);
        centroids.add(new Centroid(ids[c], labels[c], sizes.get(c), feature.column(),
            feature.untransform(z[c][f] * deviations[f] + means[f]), z[c][f], means[f], deviations[f],
            feature.logScaled()));
      }
    }
    centroids.sort(Comparator.comparingInt(Centroid::clusterId));

    Column id = lit(null).cast(DataTypes.IntegerType);
    Column label = lit(null).cast(DataTypes.StringType);
    for (int c = 0; c < centers.length; c++) {
      id = when(col(PREDICTION).equalTo(c), lit(ids[c])).otherwise(id);
      label = when(col(PREDICTION).equalTo(c), lit(labels[c])).otherwise(label);
    }
    Dataset<Row> assignments = predict(prepared, best.model())
        .select(col("customer_id"), id.as(CLUSTER_ID), label.as(CLUSTER_LABEL));
    return new KMeansResult(chosenK, count, marked, centroids, assignments);
  }

  /** The label of one standardized centroid, e.g. "high value, frequent, recent"; "average" if nothing stands out. */
  static String label(double[] z, List<ClusterFeature> features, double threshold) {
    List<String> words = new ArrayList<>();
    for (int f = 0; f < features.size(); f++) {
      if (z[f] >= threshold) {
        words.add(features.get(f).highWord());
      } else if (z[f] <= -threshold) {
        words.add(features.get(f).lowWord());
      }
    }
    return words.isEmpty() ? "average" : String.join(", ", words);
  }

  /**
   * Ids for the current standardized centroids: previous ids where the optimal assignment matches a previous
   * centroid within {@code maxDistance}; fresh ids from {@code nextFreshId} otherwise, in profile order.
   */
  static int[] stableIds(double[][] z, Map<Integer, double[]> previousZ, int nextFreshId, double maxDistance) {
    int[] ids = new int[z.length];
    Arrays.fill(ids, -1);
    if (!previousZ.isEmpty()) {
      List<Integer> previousIds = new ArrayList<>(previousZ.keySet());
      double[][] cost = new double[z.length][previousIds.size()];
      for (int c = 0; c < z.length; c++) {
        for (int p = 0; p < previousIds.size(); p++) {
          cost[c][p] = distance(z[c], previousZ.get(previousIds.get(p)));
        }
      }
      int[] match = OptimalAssignment.solve(cost);
      for (int c = 0; c < z.length; c++) {
        if (match[c] >= 0 && cost[c][match[c]] <= maxDistance) {
          ids[c] = previousIds.get(match[c]);
        }
      }
    }
    Integer[] order = new Integer[z.length];
    for (int c = 0; c < z.length; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (a, b) -> {
      for (int f = 0; f < z[a].length; f++) {
        int byFeature = Double.compare(z[b][f], z[a][f]);
        if (byFeature != 0) {
          return byFeature;
        }
      }
      return 0;
    });
    int fresh = nextFreshId;
    for (int c : order) {
      if (ids[c] < 0) {
        ids[c] = fresh++;
      }
    }
    return ids;
  }

  /** A fitted model and its record for segment_model_runs (not yet marked chosen). */
  private record Fitted(KMeansModel model, ModelRun run) {}

  /** Mean silhouette (NaN below 2 centroids), training cost and cluster sizes (by model index) of one model. */
  private static Fitted score(KMeansModel model, int k, Dataset<Row> prepared, ClusteringEvaluator evaluator) {
    Dataset<Row> predicted = predict(prepared, model);
    double silhouette = model.k() < 2 ? Double.NaN : evaluator.evaluate(predicted);
    long[] sizes = new long[k];
    for (Row row : predicted.groupBy(PREDICTION).count().collectAsList()) {
      sizes[row.getInt(0)] = row.getLong(1);
    }
    return new Fitted(model, new ModelRun(k, silhouette, model.trainingCost(), false,
        Arrays.stream(sizes).boxed().toList()));
  }

  /** {@code prepared} with the index of each customer's nearest centroid of {@code model} as {@code _prediction}. */
  private static Dataset<Row> predict(Dataset<Row> prepared, KMeansModel model) {
    UserDefinedFunction nearest = udf((UDF1<Vector, Integer>) point -> model.predict(Vectors.fromML(point)),
        DataTypes.IntegerType);
    return prepared.withColumn(PREDICTION, nearest.apply(col(FEATURES)));
  }

  /**
   * Previous centroids (original units) mapped into this run's standardized space, by cluster id; empty if the
   * features differ.
   */
  private static Map<Integer, double[]> previousInCurrentSpace(List<Centroid> previous, List<ClusterFeature> features,
      double[] means, double[] deviations) {
    Map<Integer, Map<String, Double>> byCluster = new TreeMap<>();
    for (Centroid centroid : previous) {
      byCluster.computeIfAbsent(centroid.clusterId(), k -> new HashMap<>()).put(centroid.feature(), centroid.value());
    }
    Map<Integer, double[]> result = new LinkedHashMap<>();
    for (Map.Entry<Integer, Map<String, Double>> cluster : byCluster.entrySet()) {
      double[] point = new double[features.size()];
      for (int f = 0; f < features.size(); f++) {
        Double value = cluster.getValue().get(features.get(f).column());
        if (value == null) {
          return Map.of();
        }
        point[f] = (features.get(f).transform(value) - means[f]) / deviations[f];
      }
      result.put(cluster.getKey(), point);
    }
    return result;
  }

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }

  /** The feature columns as a comma list (stored with each model run). */
  public static String describe(KMeansParameters params) {
    return params.features().stream()
        .map(f -> f.logScaled() ? "log1p(" + f.column() + ")" : f.column())
        .collect(Collectors.joining(","));
  }
}
