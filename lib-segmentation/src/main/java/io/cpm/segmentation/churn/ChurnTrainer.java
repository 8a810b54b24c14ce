package io.cpm.segmentation.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.cpm.segmentation.spark.Detached;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Trains the candidate churn classifiers on a fit set, picks the one with the highest ROC-AUC on a validation
 * set and evaluates it on a held-out test set. Also provides the seeded splits: by customer (so snapshots of
 * one customer never straddle sets) and stratified by label (for one-row-per-entity CSVs).
 */
public final class ChurnTrainer {
  private ChurnTrainer() {}

  /**
   * The chosen model, every candidate's metrics on the validation and test sets (in training order), and the
   * chosen model's full held-out evaluation (with deciles and ROC curve).
   */
  public record Result(ChurnModel model, Map<ChurnAlgorithm, Candidate> candidates, ChurnEvaluation test,
      long fitRows, long validationRows, long testRows) {
    public Result {
      Objects.requireNonNull(model, "model");
      candidates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(candidates));
    }

    /** The validation ROC-AUC of every candidate (what chose the model). */
    public Map<ChurnAlgorithm, Double> validationRocAuc() {
      Map<ChurnAlgorithm, Double> result = new LinkedHashMap<>();
      candidates.forEach((algorithm, candidate) -> result.put(algorithm, candidate.validation().rocAuc()));
      return result;
    }
  }

  /** A candidate's metrics on the validation set (which chooses) and on the held-out test set. */
  public record Candidate(ChurnEvaluation.Metrics validation, ChurnEvaluation.Metrics test) {}

  /** Three disjoint parts of a dataset. */
  public record Split(Dataset<Row> fit, Dataset<Row> validation, Dataset<Row> test) {}

  /**
   * The three parts of a split, each materialised once and cached with a leaf plan (see {@link Detached});
   * closing drops the cached rows. Detaching lets the caller drop the data the split was taken from before the
   * fits, so the rows are held once, not twice.
   */
  public record DetachedSplit(Detached fit, Detached validation, Detached test) implements AutoCloseable {
    /** Materialises the three parts (dropping any already cached if a later one fails). */
    public static DetachedSplit of(Split split) {
      Detached fit = Detached.of(split.fit());
      try {
        Detached validation = Detached.of(split.validation());
        try {
          return new DetachedSplit(fit, validation, Detached.of(split.test()));
        } catch (RuntimeException e) {
          validation.close();
          throw e;
        }
      } catch (RuntimeException e) {
        fit.close();
        throw e;
      }
    }

    @Override
    public void close() {
      fit.close();
      validation.close();
      test.close();
    }
  }

  public static Result train(Split split, ChurnFeatureSpec spec, Set<ChurnAlgorithm> algorithms, long seed) {
    return train(split, spec, algorithms, seed, message -> { });
  }

  /** As {@link #train(Split, ChurnFeatureSpec, Set, long)}, reporting each fit and evaluation to {@code progress}. */
  public static Result train(Split split, ChurnFeatureSpec spec, Set<ChurnAlgorithm> algorithms, long seed,
      java.util.function.Consumer<String> progress) {
    try (DetachedSplit parts = DetachedSplit.of(split)) {
      return train(parts, spec, algorithms, seed, progress);
    }
  }

  /** As {@link #train(Split, ChurnFeatureSpec, Set, long, java.util.function.Consumer)} on already detached parts. */
  public static Result train(DetachedSplit parts, ChurnFeatureSpec spec, Set<ChurnAlgorithm> algorithms, long seed,
      java.util.function.Consumer<String> progress) {
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("Invalid churn training: no algorithm");
    }
    Dataset<Row> fit = parts.fit().data();
    Dataset<Row> validation = parts.validation().data();
    Dataset<Row> test = parts.test().data();
    requireBothClasses(fit, "fit");
    Map<ChurnAlgorithm, ChurnEvaluation.Metrics> validated = new LinkedHashMap<>();
    Map<ChurnAlgorithm, ChurnModel> models = new LinkedHashMap<>();
    ChurnModel best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (ChurnAlgorithm algorithm : algorithms) {
      long start = System.nanoTime();
      ChurnModel model = ChurnModel.fit(fit, spec, algorithm, seed);
      ChurnEvaluation.Metrics metrics = ChurnEvaluation.metrics(model.predict(validation));
      double auc = metrics.rocAuc();
      validated.put(algorithm, metrics);
      models.put(algorithm, model);
      progress.accept(String.format(java.util.Locale.ROOT, "churn %s fitted in %.1f s%s", algorithm.label(),
          (System.nanoTime() - start) / 1e9, Double.isNaN(auc) ? "" : String.format(java.util.Locale.ROOT,
              ", validation ROC-AUC %.3f", auc)));
      if (best == null || auc > bestScore) {
        best = model;
        bestScore = auc;
      }
    }
    long start = System.nanoTime();
    ChurnEvaluation evaluation = ChurnEvaluation.evaluate(best.predict(test));
    progress.accept(String.format(java.util.Locale.ROOT, "churn %s chosen, test ROC-AUC %.3f (evaluated in %.1f s)",
        best.algorithm().label(), evaluation.rocAuc(), (System.nanoTime() - start) / 1e9));
    // The candidates not chosen are also measured on the test set, so model_runs can compare them like for like.
    Map<ChurnAlgorithm, Candidate> candidates = new LinkedHashMap<>();
    for (Map.Entry<ChurnAlgorithm, ChurnModel> e : models.entrySet()) {
      ChurnEvaluation.Metrics onTest = e.getValue() == best ? evaluation.metrics()
          : ChurnEvaluation.metrics(e.getValue().predict(test));
      candidates.put(e.getKey(), new Candidate(validated.get(e.getKey()), onTest));
    }
    return new Result(best, candidates, evaluation, parts.fit().rows(), parts.validation().rows(), evaluation.rows());
  }

  private static void requireBothClasses(Dataset<Row> data, String part) {
    long classes = data.select(ChurnLabel.LABEL).distinct().count();
    if (classes < 2) {
      throw new IllegalArgumentException("Cannot train a churn model: the " + part + " set has "
          + (classes == 0 ? "no rows" : "only one label value") + " (need churned and retained examples)");
    }
  }

  /** Splits by a seeded hash of the id column: fractions of ids go to validation and test, the rest to fit. */
  public static Split splitById(Dataset<Row> data, String idColumn, double validationFraction, double testFraction,
      long seed) {
    checkFractions(validationFraction, testFraction);
    Column bucket = pmod(xxhash64(col(idColumn), lit(seed)), lit(10_000)).divide(10_000.0);
    Dataset<Row> withBucket = data.withColumn("__bucket", bucket);
    return new Split(
        withBucket.where(col("__bucket").geq(validationFraction + testFraction)).drop("__bucket"),
        withBucket.where(col("__bucket").geq(testFraction).and(col("__bucket").lt(validationFraction + testFraction)))
            .drop("__bucket"),
        withBucket.where(col("__bucket").lt(testFraction)).drop("__bucket"));
  }

  /**
   * Stratified seeded split: within each label value rows are ordered by a seeded random number and the first
   * {@code round(n · fraction)} go to test (then validation), so each part keeps the label mix exactly.
   */
  public static Split splitStratified(Dataset<Row> data, double validationFraction, double testFraction, long seed) {
    checkFractions(validationFraction, testFraction);
    Dataset<Row> ranked = data.withColumn("__u", rand(seed))
        .withColumn("__rank", row_number().over(Window.partitionBy(ChurnLabel.LABEL).orderBy("__u")))
        .withColumn("__n", count(lit(1)).over(Window.partitionBy(ChurnLabel.LABEL)))
        .withColumn("__part", org.apache.spark.sql.functions
            .when(col("__rank").leq(org.apache.spark.sql.functions.round(col("__n").multiply(testFraction))), "test")
            .when(col("__rank").leq(org.apache.spark.sql.functions.round(
                col("__n").multiply(testFraction + validationFraction))), "validation")
            .otherwise("fit"))
        .drop("__u", "__rank", "__n")
        .cache();
    return new Split(ranked.where(col("__part").equalTo("fit")).drop("__part"),
        ranked.where(col("__part").equalTo("validation")).drop("__part"),
        ranked.where(col("__part").equalTo("test")).drop("__part"));
  }

  private static void checkFractions(double validationFraction, double testFraction) {
    if (!(validationFraction >= 0 && testFraction > 0 && validationFraction + testFraction < 1)) {
      throw new IllegalArgumentException("Invalid split fractions: validation " + validationFraction + ", test "
          + testFraction + " (need test > 0, validation >= 0, sum < 1)");
    }
  }
}
