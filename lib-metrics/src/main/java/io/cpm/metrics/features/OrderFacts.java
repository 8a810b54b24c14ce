package io.cpm.metrics.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;

import io.cpm.metrics.DateParameter;
import io.cpm.metrics.schema.SilverTables;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The orders that count as purchases at a date (order date on or before it, status not excluded) and their
 * lines priced in the base currency ({@code amount_base = quantity * unit_price * rate}); shared by features
 * and KPIs so both count the same orders.
 */
public final class OrderFacts {
  private OrderFacts() {}

  /** Orders dated on or before {@code asOf} whose status is not excluded (a null status counts). */
  public static Dataset<Row> countedOrders(SilverTables silver, FeatureParameters params, LocalDate asOf) {
    Column kept = col("status").isNull()
        .or(not(lower(col("status")).isin(params.excludedOrderStatuses().toArray())));
    return silver.orders().where(col("order_date").leq(DateParameter.of(asOf))).where(kept);
  }

  /**
   * The counted orders that are purchases: not in a return status. Returns stay in {@link #countedOrders} so
   * their negative lines net revenue, but a return is not an order placed, a purchase date or a repeat.
   */
  public static Dataset<Row> purchases(Dataset<Row> countedOrders, FeatureParameters params) {
    return countedOrders.where(isPurchase(params));
  }

  /** True for an order row whose status is not a return status (a null status is a purchase). */
  public static Column isPurchase(FeatureParameters params) {
    return col("status").isNull().or(not(lower(col("status")).isin(params.returnOrderStatuses().toArray())));
  }

  /**
   * Lines of the given orders with {@code customer_id, order_date, currency} and every column of
   * {@code extraOrderColumns} from the order, plus {@code price_base, cost_base, amount_base} in the base currency.
   */
  public static Dataset<Row> pricedLines(SilverTables silver, Dataset<Row> orders, FeatureParameters params,
      String... extraOrderColumns) {
    CurrencyConversion currency = new CurrencyConversion(params);
    Column[] orderColumns = java.util.stream.Stream.concat(
            java.util.stream.Stream.of("order_id", "customer_id", "order_date", "currency"),
            java.util.Arrays.stream(extraOrderColumns))
        .map(functions::col).toArray(Column[]::new);
    return silver.orderLines().drop("order_date")
        .join(orders.select(orderColumns), "order_id")
        .withColumn("price_base", currency.toBase(col("unit_price"), col("currency")))
        .withColumn("cost_base", currency.toBase(col("unit_cost"), col("currency")))
        .withColumn("amount_base", col("quantity").multiply(col("price_base")));
  }
}
