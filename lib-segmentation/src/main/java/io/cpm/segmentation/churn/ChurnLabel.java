package io.cpm.segmentation.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.cpm.metrics.DateParameter;
import java.time.LocalDate;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The churn label at a snapshot date S: a customer is <em>active</em> at S when they ordered within
 * {@code activityWindowDays} before S (order date in (S − window, S]); an active customer has
 * {@code label = 1} (churned) when they place no order in (S, S + H]. With contract non-renewal enabled, an
 * active customer whose contract ends in (S, S + H] without another contract running at S + H also churns.
 *
 * <p>Orders need {@code customer_id, order_date}; contracts {@code customer_id, start_date, end_date}.
 */
public record ChurnLabel(int activityWindowDays, int horizonDays, boolean contractNonRenewal) {
  public static final String CUSTOMER = "customer_id";
  public static final String LABEL = "label";

  public ChurnLabel {
    if (activityWindowDays < 1 || horizonDays < 1) {
      throw new IllegalArgumentException("Invalid churn label: activity window " + activityWindowDays
          + " days, horizon " + horizonDays + " days (both must be >= 1)");
    }
  }

  /** One row per customer active at {@code snapshot}: customer_id, label (1.0 churned, 0.0 retained). */
  public Dataset<Row> labels(Dataset<Row> orders, Dataset<Row> contracts, LocalDate snapshot) {
    Objects.requireNonNull(orders, "orders");
    // Not literals: the training set labels several snapshots, and literal dates would compile each anew.
    Column start = DateParameter.of(snapshot.minusDays(activityWindowDays));
    Column at = DateParameter.of(snapshot);
    Column end = DateParameter.of(snapshot.plusDays(horizonDays));
    Dataset<Row> perCustomer = orders
        .where(col("order_date").gt(start).and(col("order_date").leq(end)))
        .groupBy(CUSTOMER)
        .agg(max(when(col("order_date").leq(at), 1).otherwise(0)).as("active"),
            max(when(col("order_date").gt(at), 1).otherwise(0)).as("bought_after"))
        .where(col("active").equalTo(1));
    Dataset<Row> labelled = perCustomer.select(col(CUSTOMER),
        when(col("bought_after").equalTo(1), 0.0).otherwise(1.0).cast(DataTypes.DoubleType).as(LABEL));
    if (!contractNonRenewal || contracts == null) {
      return labelled;
    }
    Dataset<Row> ending = contracts.where(col("end_date").gt(at).and(col("end_date").leq(end)))
        .select(col(CUSTOMER).as("_ending")).distinct();
    Dataset<Row> running = contracts.where(col("start_date").leq(end)
            .and(col("end_date").isNull().or(col("end_date").gt(end))))
        .select(col(CUSTOMER).as("_running")).distinct();
    return labelled
        .join(ending, col(CUSTOMER).equalTo(col("_ending")), "left")
        .join(running, col(CUSTOMER).equalTo(col("_running")), "left")
        .select(col(CUSTOMER), when(col("_ending").isNotNull().and(col("_running").isNull()), 1.0)
            .otherwise(col(LABEL)).as(LABEL));
  }
}
