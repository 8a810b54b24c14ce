package io.cpm.segmentation.clv;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Scores the per-customer summary of {@link RepeatPurchaseData} on the executors with a fitted
 * {@link CustomerValueModel}, and compares predictions with a holdout period.
 */
public final class ClvScoring {
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_AVERAGE_SPEND = "expected_average_spend";
  public static final String CLV = "clv";
  public static final String PREDICTED_HOLDOUT = "predicted_holdout_purchases";

  private ClvScoring() {}

  /**
   * Adds {@value #EXPECTED_PURCHASES} (over {@code horizonDays}), {@value #P_ALIVE},
   * {@value #EXPECTED_AVERAGE_SPEND} and {@value #CLV} (discounted over {@code months}).
   */
  public static Dataset<Row> score(Dataset<Row> summary, CustomerValueModel model, double horizonDays, int months,
      double monthlyDiscountRate) {
    if (months < 0) {
      throw new IllegalArgumentException("Invalid CLV horizon: " + months + " months");
    }
    if (!(monthlyDiscountRate >= 0)) {
      throw new IllegalArgumentException("Invalid monthly discount rate: " + monthlyDiscountRate);
    }
    Predict predict = new Predict(model, horizonDays, months, monthlyDiscountRate);
    UserDefinedFunction udf = functions.udf(predict, DataTypes.createArrayType(DataTypes.DoubleType, false));
    Column predictions = udf.apply(col(RepeatPurchaseData.FREQUENCY), col(RepeatPurchaseData.RECENCY),
        col(RepeatPurchaseData.AGE), col(RepeatPurchaseData.MONETARY));
    return summary.withColumn("_clv_predictions", predictions)
        .withColumn(EXPECTED_PURCHASES, col("_clv_predictions").getItem(0))
        .withColumn(P_ALIVE, col("_clv_predictions").getItem(1))
        .withColumn(EXPECTED_AVERAGE_SPEND, col("_clv_predictions").getItem(2))
        .withColumn(CLV, col("_clv_predictions").getItem(3))
        .drop("_clv_predictions");
  }

  /**
   * The scoring UDF. The purchase-model predictions (13 hypergeometric series for a 12-month CLV) depend on
   * (x, t_x, T) only, which many customers share (at day resolution 1M customers have ~260k distinct triples),
   * so each task keeps them per triple; the spend part is computed per customer.
   */
  private static final class Predict implements UDF4<Double, Double, Double, Double, double[]> {
    /** Bound on cached triples per task (~220 bytes each for 12 months, so ~11 MB per task). */
    private static final int MAX_CACHED = 50_000;
    private final CustomerValueModel model;
    private final double horizonDays;
    private final int months;
    private final double monthlyDiscountRate;
    private transient Map<Triple, double[]> cache;

    Predict(CustomerValueModel model, double horizonDays, int months, double monthlyDiscountRate) {
      this.model = model;
      this.horizonDays = horizonDays;
      this.months = months;
      this.monthlyDiscountRate = monthlyDiscountRate;
    }

    @Override
    public double[] call(Double x, Double tx, Double age, Double monetary) {
      Map<Triple, double[]> triples = cache;
      if (triples == null || triples.size() >= MAX_CACHED) {
        triples = new ConcurrentHashMap<>();
        cache = triples;
      }
      double[] purchases = triples.computeIfAbsent(new Triple(x, tx, age),
          t -> model.purchasePredictions(t.x(), t.tx(), t.age(), horizonDays, months));
      CustomerValueModel.Prediction p = model.predict(purchases, x, monetary, monthlyDiscountRate);
      return new double[] {p.expectedPurchases(), p.probabilityAlive(), p.expectedAverageSpend(),
          p.customerLifetimeValue()};
    }
  }

  private record Triple(double x, double tx, double age) {}

  /** Adds {@value #PREDICTED_HOLDOUT}: conditional expected purchases over the holdout length. */
  public static Dataset<Row> predictHoldout(Dataset<Row> summaryWithHoldout, PurchaseModel model, double holdoutUnits) {
    UDF4<Double, Double, Double, Double, Double> predict =
        (x, tx, age, unused) -> model.conditionalExpectedPurchases(holdoutUnits, x, tx, age);
    UserDefinedFunction udf = functions.udf(predict, DataTypes.DoubleType);
    return summaryWithHoldout.withColumn(PREDICTED_HOLDOUT, udf.apply(col(RepeatPurchaseData.FREQUENCY),
        col(RepeatPurchaseData.RECENCY), col(RepeatPurchaseData.AGE), lit(0.0)));
  }

  /** Predicted vs actual holdout purchases for the customers with one calibration frequency (7 = 7 or more). */
  public record BucketMetrics(String frequencyBucket, long customers, double meanPredicted, double meanActual) {}

  /**
   * Holdout comparison: per-customer mean absolute error and root mean squared error of predicted vs actual
   * repeat purchase days, the totals, and means by calibration frequency bucket (0, 1, ..., 6, 7+).
   */
  public record HoldoutMetrics(long customers, double mae, double rmse, double totalPredicted, double totalActual,
      List<BucketMetrics> byFrequency) {}

  public static HoldoutMetrics holdoutMetrics(Dataset<Row> predicted) {
    Column error = col(PREDICTED_HOLDOUT).minus(col(RepeatPurchaseData.HOLDOUT_PURCHASES));
    Row totals = predicted.agg(count(lit(1)), avg(abs(error)), sqrt(avg(pow(error, 2))),
        sum(PREDICTED_HOLDOUT), sum(RepeatPurchaseData.HOLDOUT_PURCHASES)).first();
    Column bucket = when(col(RepeatPurchaseData.FREQUENCY).geq(7), lit("7+"))
        .otherwise(col(RepeatPurchaseData.FREQUENCY).cast(DataTypes.IntegerType).cast(DataTypes.StringType));
    List<BucketMetrics> buckets = new ArrayList<>();
    for (Row row : predicted.groupBy(bucket.as("bucket"))
        .agg(count(lit(1)), avg(PREDICTED_HOLDOUT), avg(RepeatPurchaseData.HOLDOUT_PURCHASES))
        .orderBy(functions.length(col("bucket")), col("bucket")).collectAsList()) {
      buckets.add(new BucketMetrics(row.getString(0), row.getLong(1), row.getDouble(2), row.getDouble(3)));
    }
    return new HoldoutMetrics(totals.getLong(0), totals.getDouble(1), totals.getDouble(2), totals.getDouble(3),
        totals.getDouble(4), buckets);
  }
}
