package io.cpm.metrics.kpi;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.when;

import io.cpm.metrics.SafeDivision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Alert rows for KPI values: {@code missed_target} when a value lies outside its target
 * ({@code value < min} or {@code value > max}), {@code moved_against} when it moved against the KPI's good
 * direction by more than the threshold relative to the previous run's value of the same KPI, scope and period
 * ({@code change / |previous| < -threshold} for higher-is-better, {@code > threshold} for lower-is-better).
 * A null value raises no alert; a previous value of 0 gives no relative change and so no move alert.
 */
public final class KpiAlerts {
  /** Schema of {@code kpi_alerts} without {@code run_date}. */
  public static final StructType SCHEMA = new StructType()
      .add("kpi", DataTypes.StringType, false)
      .add("scope_type", DataTypes.StringType, false)
      .add("scope_value", DataTypes.StringType, false)
      .add("period", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, true)
      .add("target", DataTypes.DoubleType, true)
      .add("previous_value", DataTypes.DoubleType, true)
      .add("change", DataTypes.DoubleType, true)
      .add("reason", DataTypes.StringType, false);

  public static final String MISSED_TARGET = "missed_target";
  public static final String MOVED_AGAINST = "moved_against";

  private static final List<String> KEY = List.of("kpi", "scope_type", "scope_value", "period");

  private KpiAlerts() {}

  /**
   * @param current  this run's KPI values ({@link KpiLibrary#SCHEMA})
   * @param previous the previous run's KPI values, or null on the first run
   * @param directions the good direction per KPI family ({@link KpiLibrary#directions}); the family of
   *     {@code lost_reason_share.price} is {@code lost_reason_share}. KPIs of unknown families raise no alert.
   */
  public static Dataset<Row> evaluate(Dataset<Row> current, Dataset<Row> previous,
      Map<String, KpiDefinition.Direction> directions, AlertRules rules) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(directions, "directions");
    Objects.requireNonNull(rules, "rules");
    SparkSession spark = current.sparkSession();
    Dataset<Row> withPrevious = current.select(col("kpi"), col("scope_type"), col("scope_value"), col("period"),
        col("value"));
    if (previous != null) {
      withPrevious = withPrevious.join(previous.select(col("kpi"), col("scope_type"), col("scope_value"),
              col("period"), col("value").as("previous_value")),
          scala.collection.JavaConverters.asScalaBuffer(KEY).toList(), "left");
    } else {
      withPrevious = withPrevious.withColumn("previous_value", lit(null).cast("double"));
    }
    Dataset<Row> joined = withPrevious
        .withColumn("family", substring_index(col("kpi"), ".", 1))
        .join(broadcast(rulesTable(spark, directions, rules)), "family");
    Dataset<Row> targets = targetsTable(spark, rules);
    joined = joined.join(broadcast(targets), joined.col("kpi").equalTo(targets.col("target_kpi")), "left");

    Column value = col("value");
    Column belowMin = col("target_min").isNotNull().and(value.lt(col("target_min")));
    Column aboveMax = col("target_max").isNotNull().and(value.gt(col("target_max")));
    Column change = value.minus(col("previous_value"));
    Column relative = SafeDivision.ratio(change, abs(col("previous_value")));
    Column against = when(col("higher_is_better"), relative.lt(col("threshold").multiply(-1)))
        .otherwise(relative.gt(col("threshold")));
    Dataset<Row> scored = joined.where(value.isNotNull())
        .withColumn("change", change)
        .withColumn("target", when(belowMin, col("target_min")).when(aboveMax, col("target_max"))
            .otherwise(coalesce(col("target_min"), col("target_max"))));
    Dataset<Row> missed = scored.where(belowMin.or(aboveMax)).withColumn("reason", lit(MISSED_TARGET));
    Dataset<Row> moved = scored.where(coalesce(against, lit(false))).withColumn("reason", lit(MOVED_AGAINST));
    Column[] output = java.util.Arrays.stream(SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new);
    return missed.select(output).unionByName(moved.select(output));
  }

  /** One row per KPI family: its direction and change threshold. */
  private static Dataset<Row> rulesTable(SparkSession spark, Map<String, KpiDefinition.Direction> directions,
      AlertRules rules) {
    List<Row> rows = new ArrayList<>();
    directions.forEach((family, direction) -> rows.add(RowFactory.create(family,
        direction == KpiDefinition.Direction.HIGHER_IS_BETTER, rules.changeThreshold(family))));
    StructType schema = new StructType()
        .add("family", DataTypes.StringType, false)
        .add("higher_is_better", DataTypes.BooleanType, false)
        .add("threshold", DataTypes.DoubleType, false);
    return spark.createDataFrame(rows, schema);
  }

  private static Dataset<Row> targetsTable(SparkSession spark, AlertRules rules) {
    List<Row> rows = new ArrayList<>();
    for (AlertRules.Target target : rules.targets()) {
      rows.add(RowFactory.create(target.kpi(), target.min(), target.max()));
    }
    StructType schema = new StructType()
        .add("target_kpi", DataTypes.StringType, false)
        .add("target_min", DataTypes.DoubleType, true)
        .add("target_max", DataTypes.DoubleType, true);
    return spark.createDataFrame(rows, schema);
  }
}
