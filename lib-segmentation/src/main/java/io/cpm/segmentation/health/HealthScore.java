package io.cpm.segmentation.health;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Customer health: a weighted average of six components, each mapped to 0–100 from {@code customer_features}
 * columns. With clamp(v) = min(100, max(0, v)):
 * <ul>
 *   <li>usage = clamp(100 · (activities_30d + logins_30d) / usageTarget)</li>
 *   <li>depth = clamp(100 · product_lines_held / depthTarget)</li>
 *   <li>interaction = clamp(100 · activities_90d / interactionTarget)</li>
 *   <li>nps = 10 · nps_avg (0–10 scale → 0–100)</li>
 *   <li>support (inverse) = clamp(100 · (1 − (tickets_12m + complaintWeight · complaints_12m) / supportMaxLoad))</li>
 *   <li>payment (inverse) = clamp(100 · (1 − max(0, avg_days_to_pay − paymentTermsDays) / paymentLateMaxDays))
 *       · (1 − min(1, overdue_amount / max(revenue_12m, 1)))</li>
 * </ul>
 * A component whose inputs are null for a customer (its source is not exported, or the customer has no NPS answer
 * or paid invoice) is left out: {@code health_score = Σ w_i c_i / Σ w_i} over the components that have a value, so
 * the weights of the others are renormalized, and {@code health_components} lists the components used. A
 * customer without any component has a null score (an invented 50 would look like a measured "average").
 */
public final class HealthScore {
  public static final String[] COMPONENTS = {"health_usage", "health_depth", "health_interaction", "health_nps",
      "health_support", "health_payment"};
  public static final String SCORE = "health_score";
  public static final String CHANGE = "health_change";
  /** The components a customer's score was computed from (names without the {@code health_} prefix). */
  public static final String USED = "health_components";

  private HealthScore() {}

  /** customer_id, the six components (null when unknown), health_score and health_components. */
  public static Dataset<Row> compute(Dataset<Row> features, HealthParameters p) {
    Column usage = scaled(number("activities_30d").plus(number("logins_30d")), p.usageTarget());
    Column depth = scaled(number("product_lines_held"), p.depthTarget());
    Column interaction = scaled(number("activities_90d"), p.interactionTarget());
    Column nps = clamp(number("nps_avg").multiply(10));
    // tickets_12m is null only when there is no ticket export; a customer without tickets has 0 and scores 100.
    Column support = clamp(lit(100).multiply(lit(1).minus(
        number("tickets_12m").plus(coalesce(number("complaints_12m"), lit(0.0))
            .multiply(p.complaintWeight())).divide(p.supportMaxLoad()))));
    // greatest skips nulls: without a paid invoice the lateness is unknown (null), not 0 days (a perfect payer).
    Column lateDays = when(number("avg_days_to_pay").isNull(), lit(null).cast(DataTypes.DoubleType))
        .otherwise(greatest(lit(0.0), number("avg_days_to_pay").minus(p.paymentTermsDays())));
    Column overdueShare = least(lit(1.0), coalesce(number("overdue_amount"), lit(0.0))
        .divide(greatest(coalesce(number("revenue_12m"), lit(0.0)), lit(1.0))));
    Column payment = clamp(lit(100).multiply(lit(1).minus(lateDays.divide(p.paymentLateMaxDays()))))
        .multiply(lit(1).minus(overdueShare));
    Column[] values = {usage, depth, interaction, nps, support, payment};
    double[] weights = {p.usageWeight(), p.depthWeight(), p.interactionWeight(), p.npsWeight(), p.supportWeight(),
        p.paymentWeight()};
    Column weighted = lit(0.0);
    Column weightSum = lit(0.0);
    Column[] used = new Column[COMPONENTS.length];
    Column[] output = new Column[COMPONENTS.length + 3];
    output[0] = col("customer_id");
    for (int i = 0; i < COMPONENTS.length; i++) {
      Column component = values[i].cast(DataTypes.DoubleType);
      output[i + 1] = component.as(COMPONENTS[i]);
      Column known = component.isNotNull().and(lit(weights[i] > 0));
      weighted = weighted.plus(when(known, component.multiply(weights[i])).otherwise(lit(0.0)));
      weightSum = weightSum.plus(when(known, lit(weights[i])).otherwise(lit(0.0)));
      used[i] = when(known, lit(COMPONENTS[i].substring("health_".length())));
    }
    output[COMPONENTS.length + 1] = when(weightSum.gt(0), weighted.divide(weightSum)).as(SCORE);
    // array_compact drops the components left out (null entries).
    output[COMPONENTS.length + 2] = org.apache.spark.sql.functions.array_compact(
        org.apache.spark.sql.functions.array(used)).as(USED);
    return features.select(output);
  }

  /** Adds health_change = health_score − the previous run's score (null for customers new since then). */
  public static Dataset<Row> withChange(Dataset<Row> current, Dataset<Row> previous) {
    if (previous == null) {
      return current.withColumn(CHANGE, lit(null).cast(DataTypes.DoubleType));
    }
    Dataset<Row> before = previous.select(col("customer_id").as("_previous_id"), col(SCORE).as("_previous_score"));
    return current.join(before, col("customer_id").equalTo(col("_previous_id")), "left")
        .withColumn(CHANGE, col(SCORE).minus(col("_previous_score")))
        .drop("_previous_id", "_previous_score");
  }

  private static Column number(String column) {
    return col(column).cast(DataTypes.DoubleType);
  }

  private static Column scaled(Column value, double target) {
    return clamp(value.multiply(100.0 / target));
  }

  /** least/greatest skip nulls, so an unknown input is kept null explicitly (the component is left out). */
  private static Column clamp(Column value) {
    return when(value.isNull(), lit(null).cast(DataTypes.DoubleType))
        .otherwise(least(lit(100.0), greatest(lit(0.0), value)));
  }
}
