package io.cpm.segmentation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Lifecycle state machine. Rules, first match wins, with t = days since last order, c = own purchase cycle:
 * <ol>
 *   <li>prospect — no order yet;</li>
 *   <li>churned — t &gt; churnedDays;</li>
 *   <li>at_risk — t &gt; max(atRiskMinDays, atRiskCycleMultiple · c) (atRiskDefaultDays when c is unknown), or
 *       order_trend &lt; atRiskTrend with at least atRiskTrendMinOrders orders in 12 months, or (first order more
 *       than newDays ago) activities_90d &lt; atRiskActivityTrend · the customer's own 90-day rate over the nine
 *       months before (activities_12m − activities_90d) / 3, with at least atRiskActivityMinEarlier activities in
 *       those nine months;</li>
 *   <li>reactivated — the previous stage was churned (an order came since), or was reactivated and began at
 *       most reactivatedDays ago;</li>
 *   <li>new — first order at most newDays ago;</li>
 *   <li>growing — order_trend ≥ growingTrend;</li>
 *   <li>mature — otherwise.</li>
 * </ol>
 * History ({@link #history}) compresses per-run stages into intervals [valid_from, valid_to).
 */
public final class Lifecycle {
  public static final String STAGE = "lifecycle_stage";
  /** Columns of the previous-stage input: the stage current before the run and the date it began. */
  public static final String PREVIOUS_STAGE = "previous_stage";
  public static final String PREVIOUS_SINCE = "previous_stage_since";

  private Lifecycle() {}

  /**
   * Adds {@code lifecycle_stage}. {@code previous} has customer_id, previous_stage, previous_stage_since (may be
   * empty on the first run).
   */
  public static Dataset<Row> assign(Dataset<Row> customers, Dataset<Row> previous, LocalDate asOf,
      LifecycleParameters params) {
    Column day = lit(Date.valueOf(asOf));
    Dataset<Row> joined = customers.join(previous.select("customer_id", PREVIOUS_STAGE, PREVIOUS_SINCE),
        new String[] {"customer_id"}, "left");
    Column sinceLast = coalesce(col("days_since_last_order"), datediff(day, col("last_order_date")));
    Column cycle = col("purchase_cycle_days");
    Column overdueLimit = when(cycle.isNull(), lit((double) params.atRiskDefaultDays()))
        .otherwise(greatest(lit((double) params.atRiskMinDays()), cycle.multiply(params.atRiskCycleMultiple())));
    Column trend = col("order_trend");
    Column falling = trend.isNotNull().and(trend.lt(params.atRiskTrend()))
        .and(coalesce(col("frequency_12m"), lit(0L)).geq(params.atRiskTrendMinOrders()));
    Column recent = coalesce(col("activities_90d"), lit(0L));
    Column earlier = coalesce(col("activities_12m"), lit(0L)).minus(recent);
    Column quieter = lit(params.atRiskActivityTrend() > 0)
        .and(datediff(day, col("first_order_date")).gt(params.newDays()))
        .and(earlier.geq(params.atRiskActivityMinEarlier()))
        .and(recent.lt(earlier.divide(3.0).multiply(params.atRiskActivityTrend())));
    Column previousStage = col(PREVIOUS_STAGE);
    Column reactivated = previousStage.equalTo("churned")
        .or(previousStage.equalTo("reactivated")
            .and(datediff(day, col(PREVIOUS_SINCE)).leq(params.reactivatedDays())));
    Column stage = when(col("first_order_date").isNull(), "prospect")
        .when(sinceLast.gt(params.churnedDays()), "churned")
        .when(sinceLast.gt(overdueLimit).or(falling).or(quieter), "at_risk")
        .when(reactivated, "reactivated")
        .when(datediff(day, col("first_order_date")).leq(params.newDays()), "new")
        .when(trend.isNotNull().and(trend.geq(params.growingTrend())), "growing")
        .otherwise("mature");
    return joined.withColumn(STAGE, stage).drop(PREVIOUS_STAGE, PREVIOUS_SINCE);
  }

  /**
   * Intervals of unchanged stage per customer from per-run stages ({@code customer_id, run_date,
   * lifecycle_stage}): valid_from = first run date of a streak, valid_to = first run date of the next streak
   * (exclusive), null for the current one. A function of all runs alone, so rebuilding it after a rerun or a
   * backfill gives the same rows as if the runs had happened in date order.
   */
  public static Dataset<Row> history(Dataset<Row> stages) {
    WindowSpec byDate = Window.partitionBy("customer_id").orderBy("run_date");
    Dataset<Row> streaks = stages.select("customer_id", "run_date", STAGE)
        .withColumn("_starts", when(lag(col(STAGE), 1).over(byDate).isNull()
            .or(lag(col(STAGE), 1).over(byDate).notEqual(col(STAGE))), 1).otherwise(0))
        .withColumn("_streak", sum("_starts").over(byDate.rowsBetween(Window.unboundedPreceding(),
            Window.currentRow())));
    Dataset<Row> intervals = streaks.groupBy("customer_id", "_streak", STAGE)
        .agg(min("run_date").as("valid_from"));
    return intervals
        .withColumn("valid_to", lead(col("valid_from"), 1).over(Window.partitionBy("customer_id")
            .orderBy("valid_from")))
        .select(col("customer_id"), col(STAGE).as("stage"), col("valid_from"), col("valid_to"));
  }

  /** The stage current at the end of {@code history} and the date it began, as {@link #assign}'s previous input. */
  public static Dataset<Row> current(Dataset<Row> history) {
    return history.where(col("valid_to").isNull())
        .select(col("customer_id"), col("stage").as(PREVIOUS_STAGE),
            col("valid_from").cast(DataTypes.DateType).as(PREVIOUS_SINCE));
  }
}
