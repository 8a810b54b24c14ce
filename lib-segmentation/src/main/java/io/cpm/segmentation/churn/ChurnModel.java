package io.cpm.segmentation.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * A fitted churn model: an MLlib pipeline (median Imputer for numeric columns, StringIndexer + OneHotEncoder
 * for categoricals, VectorAssembler, StandardScaler with mean and standard deviation, then logistic regression
 * or gradient-boosted trees) plus what is needed to explain a score.
 *
 * <p>Drivers: each feature's contribution for a customer is {@code w_j · z_j}, where z_j is the standardized
 * feature value (deviation from the training mean in standard deviations) and w_j is the logistic-regression
 * coefficient (so the sum is the customer's log-odds relative to an average customer) or, for GBT, the feature
 * importance (a magnitude without direction: features furthest above their mean among the important ones).
 * The top three positive contributions are the customer's churn drivers.
 */
public final class ChurnModel {
  public static final String DRIVER_PREFIX = "churn_driver_";
  private static final String SCALED = "features";

  private final PipelineModel pipeline;
  private final ChurnFeatureSpec spec;
  private final ChurnAlgorithm algorithm;
  private final List<String> featureNames;
  private final double[] driverWeights;

  private ChurnModel(PipelineModel pipeline, ChurnFeatureSpec spec) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.spec = Objects.requireNonNull(spec, "spec");
    Transformer last = pipeline.stages()[pipeline.stages().length - 1];
    if (last instanceof LogisticRegressionModel lr) {
      algorithm = ChurnAlgorithm.LOGISTIC;
      driverWeights = lr.coefficients().toArray();
    } else if (last instanceof GBTClassificationModel gbt) {
      algorithm = ChurnAlgorithm.GBT;
      driverWeights = gbt.featureImportances().toArray();
    } else {
      throw new IllegalArgumentException("Not a churn pipeline: last stage is " + last.getClass().getSimpleName());
    }
    featureNames = featureNames(pipeline, spec);
    if (featureNames.size() != driverWeights.length) {
      throw new IllegalStateException("Churn model has " + driverWeights.length + " weights for "
          + featureNames.size() + " feature names");
    }
  }

  /** Fits the preprocessing and one classifier on {@code training} (label column {@value ChurnLabel#LABEL}). */
  public static ChurnModel fit(Dataset<Row> training, ChurnFeatureSpec spec, ChurnAlgorithm algorithm, long seed) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    if (!spec.numeric().isEmpty()) {
      String[] out = spec.numeric().stream().map(c -> c + "__imp").toArray(String[]::new);
      stages.add(new Imputer().setStrategy("median").setInputCols(spec.numeric().toArray(String[]::new))
          .setOutputCols(out));
      assembled.addAll(Arrays.asList(out));
    }
    if (!spec.categorical().isEmpty()) {
      String[] in = spec.categorical().toArray(String[]::new);
      String[] index = spec.categorical().stream().map(c -> c + "__idx").toArray(String[]::new);
      String[] oneHot = spec.categorical().stream().map(c -> c + "__oh").toArray(String[]::new);
      stages.add(new StringIndexer().setInputCols(in).setOutputCols(index).setHandleInvalid("keep")
          .setStringOrderType("alphabetAsc"));
      stages.add(new OneHotEncoder().setInputCols(index).setOutputCols(oneHot).setHandleInvalid("keep"));
      assembled.addAll(Arrays.asList(oneHot));
    }
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol("__assembled")
        .setHandleInvalid("keep"));
    stages.add(new StandardScaler().setInputCol("__assembled").setOutputCol(SCALED).setWithMean(true)
        .setWithStd(true));
    stages.add(switch (algorithm) {
      case LOGISTIC -> new LogisticRegression().setFeaturesCol(SCALED).setLabelCol(ChurnLabel.LABEL)
          .setMaxIter(100).setRegParam(0.01).setElasticNetParam(0.0);
      case GBT -> new GBTClassifier().setFeaturesCol(SCALED).setLabelCol(ChurnLabel.LABEL)
          .setMaxIter(25).setMaxDepth(4).setStepSize(0.1).setSubsamplingRate(0.8).setSeed(seed);
    });
    PipelineModel model = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(spec.prepare(training));
    return new ChurnModel(model, spec);
  }

  /** Wraps a saved pipeline (PipelineModel.load); numeric and categorical columns are read from its stages. */
  public static ChurnModel fromPipeline(PipelineModel pipeline, String idColumn) {
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    for (Transformer stage : pipeline.stages()) {
      if (stage instanceof ImputerModel imputer) {
        numeric.addAll(Arrays.asList(imputer.getInputCols()));
      } else if (stage instanceof StringIndexerModel indexer) {
        categorical.addAll(Arrays.asList(indexer.getInputCols()));
      }
    }
    return new ChurnModel(pipeline, new ChurnFeatureSpec(idColumn, numeric, categorical));
  }

  /** Feature names in vector order: numeric columns, then {@code column=category} per one-hot slot. */
  private static List<String> featureNames(PipelineModel pipeline, ChurnFeatureSpec spec) {
    List<String> names = new ArrayList<>(spec.numeric());
    for (Transformer stage : pipeline.stages()) {
      if (stage instanceof StringIndexerModel indexer) {
        String[][] labels = indexer.labelsArray();
        for (int c = 0; c < labels.length; c++) {
          // The indexer's handleInvalid=keep adds an "unseen" index after the labels; the encoder's own extra
          // invalid slot is the one dropLast removes.
          for (String label : labels[c]) {
            names.add(indexer.getInputCols()[c] + "=" + label);
          }
          names.add(indexer.getInputCols()[c] + "=(unseen)");
        }
      }
    }
    return names;
  }

  public PipelineModel pipeline() {
    return pipeline;
  }

  public ChurnFeatureSpec spec() {
    return spec;
  }

  public ChurnAlgorithm algorithm() {
    return algorithm;
  }

  public List<String> featureNames() {
    return List.copyOf(featureNames);
  }

  /** Adds {@value ChurnEvaluation#PROBABILITY} (P(label = 1)) to the input columns (features cast as prepared). */
  public Dataset<Row> predict(Dataset<Row> data) {
    List<Column> keep = new ArrayList<>();
    for (String name : data.columns()) {
      keep.add(col(name));
    }
    keep.add(functions.vector_to_array(col("probability"), "float64").getItem(1).as(ChurnEvaluation.PROBABILITY));
    return pipeline.transform(spec.prepare(data)).select(keep.toArray(Column[]::new));
  }

  /**
   * Scores customers: id, {@value ChurnEvaluation#PROBABILITY}, churn_band (low | medium | high by the given
   * thresholds: p ≥ high → high, p ≥ medium → medium) and churn_driver_1..3.
   */
  public Dataset<Row> score(Dataset<Row> features, double mediumThreshold, double highThreshold) {
    if (!(0 <= mediumThreshold && mediumThreshold <= highThreshold && highThreshold <= 1)) {
      throw new IllegalArgumentException("Invalid churn bands: medium " + mediumThreshold + ", high " + highThreshold
          + " (need 0 <= medium <= high <= 1)");
    }
    Dataset<Row> transformed = pipeline.transform(spec.prepare(features));
    String[] names = featureNames.toArray(String[]::new);
    double[] weights = driverWeights.clone();
    UDF1<Vector, String[]> topDrivers = vector -> drivers(vector.toArray(), weights, names);
    UserDefinedFunction driverUdf = org.apache.spark.sql.functions.udf(topDrivers,
        DataTypes.createArrayType(DataTypes.StringType, true));
    Column probability = functions.vector_to_array(col("probability"), "float64").getItem(1);
    return transformed
        .withColumn(ChurnEvaluation.PROBABILITY, probability)
        .withColumn("__drivers", driverUdf.apply(col(SCALED)))
        .select(col(spec.idColumn()),
            col(ChurnEvaluation.PROBABILITY),
            when(col(ChurnEvaluation.PROBABILITY).geq(highThreshold), "high")
                .when(col(ChurnEvaluation.PROBABILITY).geq(mediumThreshold), "medium")
                .otherwise("low").as("churn_band"),
            col("__drivers").getItem(0).as(DRIVER_PREFIX + 1),
            col("__drivers").getItem(1).as(DRIVER_PREFIX + 2),
            col("__drivers").getItem(2).as(DRIVER_PREFIX + 3));
  }

  /** Names of the (up to) three largest positive contributions {@code w_j · z_j}, largest first. */
  static String[] drivers(double[] standardized, double[] weights, String[] names) {
    String[] top = new String[3];
    double[] best = {0, 0, 0};
    for (int j = 0; j < standardized.length; j++) {
      double contribution = weights[j] * standardized[j];
      if (!(contribution > best[2])) {
        continue;
      }
      int slot = contribution > best[0] ? 0 : contribution > best[1] ? 1 : 2;
      for (int k = 2; k > slot; k--) {
        best[k] = best[k - 1];
        top[k] = top[k - 1];
      }
      best[slot] = contribution;
      top[slot] = names[j];
    }
    return top;
  }
}
