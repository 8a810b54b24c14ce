package io.cpm.segmentation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Value × activity tiers. {@code value_tier}: high if value ≥ high threshold, mid if ≥ mid threshold, else low
 * (null or non-positive value is low). {@code activity_tier}: dormant if {@code activities_30d = 0} and
 * (never ordered or {@code recency_days > dormantRecencyDays}); declining if
 * {@code (activities_prev_30d − activities_30d) / activities_prev_30d ≥ declinePercent / 100} or
 * {@code recency_days > activeRecencyDays} or never ordered; active otherwise. {@code value_activity_tag} =
 * value_tier + "_" + activity_tier.
 */
public final class Tiers {
  public static final String VALUE_TIER = "value_tier";
  public static final String ACTIVITY_TIER = "activity_tier";
  public static final String TAG = "value_activity_tag";

  private Tiers() {}

  /** The absolute value thresholds {high, mid} these parameters mean on {@code customers}. */
  public static double[] valueThresholds(Dataset<Row> customers, TierParameters params) {
    if (params.thresholdMode() == TierParameters.ThresholdMode.ABSOLUTE) {
      return new double[] {params.high(), params.mid()};
    }
    Dataset<Row> positive = customers.select(col(params.valueColumn()).cast(DataTypes.DoubleType).as("v"))
        .where(col("v").gt(0));
    if (positive.isEmpty()) {
      return new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
    }
    return positive.stat().approxQuantile("v", new double[] {params.high(), params.mid()}, 0.0);
  }

  /** Adds {@code value_tier}, {@code activity_tier} and {@code value_activity_tag}. */
  public static Dataset<Row> assign(Dataset<Row> customers, TierParameters params) {
    double[] thresholds = valueThresholds(customers, params);
    Column value = coalesce(col(params.valueColumn()).cast(DataTypes.DoubleType), lit(0.0));
    Column valueTier = when(value.gt(0).and(value.geq(thresholds[0])), "high")
        .when(value.gt(0).and(value.geq(thresholds[1])), "mid")
        .otherwise("low");
    Column current = coalesce(col("activities_30d"), lit(0L));
    Column previous = coalesce(col("activities_prev_30d"), lit(0L));
    Column recency = col("recency_days");
    Column dropped = previous.gt(0)
        .and(previous.minus(current).divide(previous).geq(params.declinePercent() / 100.0));
    Column activityTier = when(current.equalTo(0)
            .and(recency.isNull().or(recency.gt(params.dormantRecencyDays()))), "dormant")
        .when(dropped.or(recency.isNull()).or(recency.gt(params.activeRecencyDays())), "declining")
        .otherwise("active");
    return customers.withColumn(VALUE_TIER, valueTier)
        .withColumn(ACTIVITY_TIER, activityTier)
        .withColumn(TAG, concat_ws("_", col(VALUE_TIER), col(ACTIVITY_TIER)));
  }
}
