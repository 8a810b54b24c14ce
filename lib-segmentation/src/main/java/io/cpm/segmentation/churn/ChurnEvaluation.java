package io.cpm.segmentation.churn;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Held-out quality of churn probabilities: ROC-AUC and PR-AUC (MLlib's BinaryClassificationEvaluator), Brier
 * score {@code mean((p − y)²)}, a calibration table (deciles of predicted probability: mean predicted vs
 * observed churn rate) and lift by decile (decile 1 = highest scores; lift = churn rate in the decile /
 * overall churn rate), and the ROC curve (MLlib's BinaryClassificationMetrics, thinned to at most
 * {@value #ROC_BINS} + 1 evenly spaced points of the full curve, the same on any partitioning) for plots.
 */
public record ChurnEvaluation(long rows, double positiveRate, double rocAuc, double prAuc, double brier,
    List<Decile> calibration, List<RocPoint> roc) {
  /** One decile of the scored set, highest probabilities first. */
  public record Decile(int decile, long rows, double meanPredicted, double observedRate, double lift) {}

  /** One point of the ROC curve: false and true positive rate at one threshold. */
  public record RocPoint(double falsePositiveRate, double truePositiveRate) {}

  /** ROC points kept: the full curve is thinned to this many intervals (at most this + 1 points). */
  public static final int ROC_BINS = 50;

  public static final String PROBABILITY = "churn_probability";

  /** The scalar quality of a candidate on one set: rows, ROC-AUC, PR-AUC and Brier score. */
  public record Metrics(long rows, double rocAuc, double prAuc, double brier) {}

  /** This evaluation's scalar metrics. */
  public Metrics metrics() {
    return new Metrics(rows, rocAuc, prAuc, brier);
  }

  /** The scalar metrics alone (every candidate on validation and test): no tables and curves. */
  public static Metrics metrics(Dataset<Row> scored) {
    Dataset<Row> data = labelled(scored).cache();
    try {
      Row totals = data.agg(count(lit(1)), avg(pow(col("p").minus(col("y")), 2))).first();
      if (totals.getLong(0) == 0) {
        return new Metrics(0, Double.NaN, Double.NaN, Double.NaN);
      }
      BinaryClassificationEvaluator evaluator = evaluator();
      return new Metrics(totals.getLong(0), evaluator.setMetricName("areaUnderROC").evaluate(data),
          evaluator.setMetricName("areaUnderPR").evaluate(data), totals.getDouble(1));
    } finally {
      data.unpersist();
    }
  }

  /** ROC-AUC alone (what model selection needs): one MLlib evaluation, none of the tables and curves. */
  public static double rocAuc(Dataset<Row> scored) {
    return evaluator().setMetricName("areaUnderROC").evaluate(labelled(scored));
  }

  /** The label as {@code y} (double) and the churn probability as {@code p}. */
  private static Dataset<Row> labelled(Dataset<Row> scored) {
    return scored.select(col(ChurnLabel.LABEL).cast("double").as("y"), col(PROBABILITY).as("p"));
  }

  private static BinaryClassificationEvaluator evaluator() {
    return new BinaryClassificationEvaluator().setLabelCol("y").setRawPredictionCol("p");
  }

  /**
   * Deciles by rank, highest probability first, sized as SQL's {@code ntile(10)} sizes them (the first
   * {@code rows % 10} deciles one row larger): {decile, rows, sum of p, sum of y} per decile. A range-partitioned
   * sort and each row's position from {@code zipWithIndex}, not a window over all rows, which Spark would run
   * as a single task.
   */
  private static List<double[]> deciles(Dataset<Row> data, long rows) {
    long size = rows / 10;
    long larger = rows % 10;
    List<scala.Tuple2<Integer, double[]>> sums = data.orderBy(col("p").desc()).javaRDD().zipWithIndex()
        .mapToPair(t -> {
          long i = t._2();
          int decile = (int) (i < larger * (size + 1) ? i / (size + 1) : larger + (i - larger * (size + 1)) / size)
              + 1;
          return new scala.Tuple2<>(decile, new double[] {1, t._1().getDouble(1), t._1().getDouble(0)});
        })
        .reduceByKey((a, b) -> new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]}).collect();
    List<double[]> result = new ArrayList<>();
    for (scala.Tuple2<Integer, double[]> s : sums) {
      result.add(new double[] {s._1(), s._2()[0], s._2()[1], s._2()[2]});
    }
    result.sort(java.util.Comparator.comparingDouble(d -> d[0]));
    return result;
  }

  /** Evaluates a dataset with {@value ChurnLabel#LABEL} (0/1) and {@value #PROBABILITY} columns. */
  public static ChurnEvaluation evaluate(Dataset<Row> scored) {
    Dataset<Row> data = labelled(scored).cache();
    try {
      Row totals = data.agg(count(lit(1)), avg("y"), avg(pow(col("p").minus(col("y")), 2))).first();
      long rows = totals.getLong(0);
      if (rows == 0) {
        throw new IllegalArgumentException("Cannot evaluate churn model: no held-out rows");
      }
      double rate = totals.getDouble(1);
      BinaryClassificationEvaluator evaluator = evaluator();
      double roc = evaluator.setMetricName("areaUnderROC").evaluate(data);
      double pr = evaluator.setMetricName("areaUnderPR").evaluate(data);
      List<Decile> deciles = new ArrayList<>();
      for (double[] d : deciles(data, rows)) {
        double observed = d[3] / d[1];
        deciles.add(new Decile((int) d[0], (long) d[1], d[2] / d[1], observed, rate > 0 ? observed / rate : 0));
      }
      JavaRDD<scala.Tuple2<Object, Object>> scoreAndLabel = data.toJavaRDD()
          .map(r -> new scala.Tuple2<>((Object) r.getDouble(1), (Object) r.getDouble(0)));
      // The whole curve (one point per distinct score, a few MB at a million customers), thinned here: MLlib's own
      // numBins cuts its bins within each partition of the sorted scores, so the points depended on how the
      // scored table happened to be split into files, and a rerun after a crash stored another curve.
      List<scala.Tuple2<Object, Object>> full = new BinaryClassificationMetrics(scoreAndLabel.rdd(), 0).roc()
          .toJavaRDD().collect();
      List<RocPoint> curve = new ArrayList<>();
      int last = -1;
      for (int i = 0; i <= ROC_BINS; i++) {
        int index = (int) Math.round((double) i * (full.size() - 1) / ROC_BINS);
        if (index != last) {
          curve.add(new RocPoint((Double) full.get(index)._1(), (Double) full.get(index)._2()));
          last = index;
        }
      }
      return new ChurnEvaluation(rows, rate, roc, pr, totals.getDouble(2), deciles, List.copyOf(curve));
    } finally {
      data.unpersist();
    }
  }
}
