package io.cpm.jobs.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.upper;

import io.cpm.metrics.schema.SilverTables;
import io.cpm.segmentation.clv.RepeatPurchaseData;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Purchases from silver orders: one row per order dated on or before the run date and not in an excluded
 * status, with the order's amount (Σ quantity × unit_price over its lines, returns negative) converted to the
 * base currency with the configured rates (a currency without a rate is taken as base).
 */
final class Transactions {
  private Transactions() {}

  static Dataset<Row> orders(SilverTables silver, LocalDate asOf, List<String> excludedStatuses) {
    Column excluded = lower(functions.coalesce(col("status"), lit(""))).isin(
        excludedStatuses.stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toArray());
    return silver.orders().where(col("order_date").leq(lit(Date.valueOf(asOf))).and(functions.not(excluded)));
  }

  static Dataset<Row> purchases(SilverTables silver, LocalDate asOf, List<String> excludedStatuses,
      Map<String, Double> rates) {
    Dataset<Row> amounts = silver.orderLines()
        .groupBy(col("order_id").as("_line_order"))
        .agg(sum(col("quantity").cast(DataTypes.DoubleType).multiply(col("unit_price").cast(DataTypes.DoubleType)))
            .as("_amount"));
    Column rate = lit(1.0);
    for (Map.Entry<String, Double> e : rates.entrySet()) {
      rate = functions.when(upper(col("currency")).equalTo(e.getKey().toUpperCase(java.util.Locale.ROOT)), e.getValue())
          .otherwise(rate);
    }
    return orders(silver, asOf, excludedStatuses)
        .join(amounts, col("order_id").equalTo(col("_line_order")), "left")
        .select(col("customer_id").as(RepeatPurchaseData.CUSTOMER),
            col("order_date").as(RepeatPurchaseData.DATE),
            functions.coalesce(col("_amount"), lit(0.0)).multiply(rate).as(RepeatPurchaseData.AMOUNT));
  }
}
