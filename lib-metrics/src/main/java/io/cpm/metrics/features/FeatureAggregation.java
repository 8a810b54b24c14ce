package io.cpm.metrics.features;

import java.util.Objects;
import org.apache.spark.sql.Column;

/**
 * One per-customer feature computed by a Column aggregation over a source table grouped by customer, with the
 * value a customer gets when the source has no rows for it ({@code absent}: e.g. 0 for counts and sums,
 * null for rates and dates). Many of these over one table are merged into one {@code agg(...)}.
 */
public record FeatureAggregation(String name, Column aggregation, Column absent) {
  public FeatureAggregation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(aggregation, "aggregation");
  }

  /** A feature that stays null for customers without rows (rates, dates, averages). */
  public static FeatureAggregation nullable(String name, Column aggregation) {
    return new FeatureAggregation(name, aggregation, null);
  }

  /** A feature with a defined value for customers without rows (counts and sums). */
  public static FeatureAggregation withDefault(String name, Column aggregation, Column absent) {
    return new FeatureAggregation(name, aggregation, Objects.requireNonNull(absent, "absent"));
  }
}
