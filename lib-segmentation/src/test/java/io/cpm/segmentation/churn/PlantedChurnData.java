package io.cpm.segmentation.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * In-code customers with planted churn: each customer buys every ~20–45 days until a hidden end date; in the
 * 120 days before it they buy half as often, file more tickets and answer NPS lower. Features as of a date are
 * computed from the records dated on or before it only.
 */
final class PlantedChurnData {
  static final LocalDate START = LocalDate.of(2023, 4, 1);
  static final StructType ORDERS = new StructType().add("customer_id", DataTypes.StringType)
      .add("order_date", DataTypes.DateType).add("amount", DataTypes.DoubleType);
  static final StructType TICKETS = new StructType().add("customer_id", DataTypes.StringType)
      .add("created_date", DataTypes.DateType).add("nps", DataTypes.IntegerType);
  static final StructType CUSTOMERS = new StructType().add("customer_id", DataTypes.StringType)
      .add("region", DataTypes.StringType);

  final Dataset<Row> orders;
  final Dataset<Row> tickets;
  final Dataset<Row> customers;

  PlantedChurnData(Dataset<Row> orders, Dataset<Row> tickets, Dataset<Row> customers) {
    this.orders = orders;
    this.tickets = tickets;
    this.customers = customers;
  }

  static PlantedChurnData generate(SparkSession spark, int customerCount, LocalDate runDate, long seed) {
    Random random = new Random(seed);
    List<Row> orders = new ArrayList<>();
    List<Row> tickets = new ArrayList<>();
    List<Row> customers = new ArrayList<>();
    String[] regions = {"north", "south", "east", "west"};
    long span = runDate.toEpochDay() - START.toEpochDay();
    for (int i = 0; i < customerCount; i++) {
      String id = String.format("C%05d", i);
      customers.add(RowFactory.create(id, regions[random.nextInt(regions.length)]));
      LocalDate first = START.plusDays(random.nextInt(200));
      // 45% stop somewhere in the history, the rest stay beyond the run date.
      LocalDate end = random.nextDouble() < 0.45 ? first.plusDays(150 + random.nextInt((int) span))
          : runDate.plusDays(365);
      double gap = 20 + random.nextInt(25);
      double spend = 100 + random.nextInt(400);
      for (LocalDate day = first; day.isBefore(end) && !day.isAfter(runDate.plusDays(120)); ) {
        boolean declining = day.isAfter(end.minusDays(120));
        orders.add(RowFactory.create(id, Date.valueOf(day), spend * (declining ? 0.6 : 1.0) * (0.5 + random.nextDouble())));
        if (random.nextDouble() < (declining ? 0.6 : 0.08)) {
          tickets.add(RowFactory.create(id, Date.valueOf(day.plusDays(3)),
              random.nextDouble() < 0.5 ? null : (declining ? 2 + random.nextInt(4) : 6 + random.nextInt(5))));
        }
        day = day.plusDays(Math.max(1, Math.round(gap * (declining ? 2.0 : 1.0) * (0.5 + random.nextDouble()))));
      }
    }
    return new PlantedChurnData(spark.createDataFrame(orders, ORDERS), spark.createDataFrame(tickets, TICKETS),
        spark.createDataFrame(customers, CUSTOMERS));
  }

  /** Features as of {@code asOf} from records dated on or before it (a stand-in for CustomerFeatures.compute). */
  static Dataset<Row> featuresAsOf(Dataset<Row> orders, Dataset<Row> tickets, Dataset<Row> customers, LocalDate asOf) {
    Column at = lit(Date.valueOf(asOf));
    Column last90 = col("order_date").gt(lit(Date.valueOf(asOf.minusDays(90))));
    Column prev90 = col("order_date").gt(lit(Date.valueOf(asOf.minusDays(180)))).and(last90.unary_$bang());
    Dataset<Row> orderFeatures = orders.where(col("order_date").leq(at)).groupBy("customer_id").agg(
        datediff(at, max("order_date")).as("recency_days"),
        sum(when(last90, 1).otherwise(0)).cast(DataTypes.LongType).as("orders_90d"),
        sum(when(prev90, 1).otherwise(0)).cast(DataTypes.LongType).as("orders_prev_90d"),
        sum(when(last90, col("amount")).otherwise(0.0)).as("revenue_90d"));
    Dataset<Row> ticketFeatures = tickets.where(col("created_date").leq(at)).groupBy(col("customer_id").as("t_id")).agg(
        sum(when(col("created_date").gt(lit(Date.valueOf(asOf.minusDays(90)))), 1).otherwise(0))
            .cast(DataTypes.LongType).as("tickets_90d"),
        org.apache.spark.sql.functions.avg("nps").as("nps_avg"),
        count(lit(1)).as("tickets_lifetime"));
    return customers.join(orderFeatures, "customer_id")
        .join(ticketFeatures, col("customer_id").equalTo(col("t_id")), "left").drop("t_id")
        .na().fill(0L, new String[] {"tickets_90d", "tickets_lifetime"});
  }
}
