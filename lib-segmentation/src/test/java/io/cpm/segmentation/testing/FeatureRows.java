package io.cpm.segmentation.testing;

import io.cpm.metrics.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds {@code customer_features} rows (the contract's column names and types) in code, and a generated
 * population with planted customer types for ground-truth tests.
 */
public final class FeatureRows {
  public static final StructType SCHEMA = schema();
  private final List<Row> rows = new ArrayList<>();

  private static StructType schema() {
    Object[][] columns = {
        {"customer_id", DataTypes.StringType}, {"owner_id", DataTypes.StringType}, {"industry", DataTypes.StringType},
        {"region", DataTypes.StringType}, {"size", DataTypes.StringType}, {"revenue_12m", DataTypes.DoubleType},
        {"revenue_lifetime", DataTypes.DoubleType}, {"order_count_12m", DataTypes.LongType},
        {"order_count_lifetime", DataTypes.LongType}, {"annual_contract_value", DataTypes.DoubleType},
        {"gross_margin_12m", DataTypes.DoubleType}, {"gross_margin_pct_12m", DataTypes.DoubleType},
        {"avg_days_to_pay", DataTypes.DoubleType}, {"overdue_amount", DataTypes.DoubleType},
        {"open_pipeline_amount", DataTypes.DoubleType}, {"product_lines_held", DataTypes.IntegerType},
        {"tickets_12m", DataTypes.LongType}, {"complaints_12m", DataTypes.LongType},
        {"top_ticket_topic", DataTypes.StringType}, {"preferred_product_line", DataTypes.StringType},
        {"price_sensitivity", DataTypes.DoubleType}, {"activities_30d", DataTypes.LongType},
        {"activities_prev_30d", DataTypes.LongType}, {"activities_90d", DataTypes.LongType},
        {"activities_12m", DataTypes.LongType},
        {"logins_30d", DataTypes.LongType}, {"recency_days", DataTypes.IntegerType},
        {"frequency_12m", DataTypes.LongType}, {"monetary_12m", DataTypes.DoubleType},
        {"purchase_cycle_days", DataTypes.DoubleType}, {"avg_order_value", DataTypes.DoubleType},
        {"is_repeat_buyer", DataTypes.BooleanType}, {"order_trend", DataTypes.DoubleType},
        {"return_rate", DataTypes.DoubleType}, {"nps_last", DataTypes.IntegerType}, {"nps_avg", DataTypes.DoubleType},
        {"first_contact_date", DataTypes.DateType}, {"first_order_date", DataTypes.DateType},
        {"last_order_date", DataTypes.DateType}, {"tenure_days", DataTypes.IntegerType},
        {"days_since_last_order", DataTypes.IntegerType}};
    List<StructField> fields = new ArrayList<>();
    for (Object[] column : columns) {
      fields.add(DataTypes.createStructField((String) column[0], (DataType) column[1], true));
    }
    return DataTypes.createStructType(fields);
  }

  /** Adds one customer; unset columns are null (activity counts 0). Values: column, value, column, value, ... */
  public FeatureRows add(String customerId, Object... columnValues) {
    Map<String, Object> values = new HashMap<>();
    values.put("customer_id", customerId);
    values.put("owner_id", "O1");
    values.put("activities_30d", 0L);
    values.put("activities_prev_30d", 0L);
    values.put("activities_90d", 0L);
    for (int i = 0; i < columnValues.length; i += 2) {
      values.put((String) columnValues[i], columnValues[i + 1]);
    }
    Object[] row = new Object[SCHEMA.size()];
    for (int f = 0; f < row.length; f++) {
      Object value = values.remove(SCHEMA.fields()[f].name());
      row[f] = value instanceof LocalDate date ? Date.valueOf(date) : value;
    }
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("unknown columns " + values.keySet());
    }
    rows.add(RowFactory.create(row));
    return this;
  }

  public Dataset<Row> dataset() {
    return TestSpark.session().createDataFrame(rows, SCHEMA);
  }

  /** A generated customer with the planted type it was drawn from. */
  public record Planted(String customerId, String type) {}

  /**
   * {@code count} customers of 5 planted types with distinct feature distributions as of {@code asOf}:
   * champion (recent, frequent, big), steady (regular mid spend), decliner (long history, buying far less
   * lately), new (first order in the last weeks), lapsed (last order long ago).
   */
  public static List<Planted> planted(FeatureRows rows, int count, long seed, LocalDate asOf) {
    Random random = new Random(seed);
    String[] types = {"champion", "steady", "decliner", "new", "lapsed"};
    double[] shares = {0.15, 0.30, 0.20, 0.15, 0.20};
    List<Planted> planted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double u = random.nextDouble();
      int t = 0;
      double cumulative = shares[0];
      while (u > cumulative && t < types.length - 1) {
        cumulative += shares[++t];
      }
      String id = String.format("C%05d", i);
      String type = types[t];
      planted.add(new Planted(id, type));
      double noise = Math.exp(random.nextGaussian() * 0.25);
      switch (type) {
        case "champion" -> add(rows, id, asOf, 1 + random.nextInt(10), 20 + random.nextInt(12), 2500 * noise,
            60 + random.nextInt(40), 900, 1.1, 12 + random.nextInt(8), 12 + random.nextInt(8));
        case "steady" -> add(rows, id, asOf, 15 + random.nextInt(30), 7 + random.nextInt(5), 1000 * noise,
            20 + random.nextInt(15), 700, 1.0, 3 + random.nextInt(3), 3 + random.nextInt(3));
        case "decliner" -> add(rows, id, asOf, 60 + random.nextInt(70), 3 + random.nextInt(3), 1200 * noise,
            22 + random.nextInt(10), 700, 0.3, random.nextInt(2), 4 + random.nextInt(4));
        case "new" -> add(rows, id, asOf, 1 + random.nextInt(20), 1 + random.nextInt(2), 800 * noise,
            1 + random.nextInt(2), 30, null, 3 + random.nextInt(3), 2 + random.nextInt(3));
        default -> add(rows, id, asOf, 300 + random.nextInt(300), 0, 900 * noise,
            5 + random.nextInt(5), 900, null, 0, 0);
      }
    }
    return planted;
  }

  private static void add(FeatureRows rows, String id, LocalDate asOf, int recency, int orders12m, double orderValue,
      int ordersLifetime, int tenureDays, Double trend, int activities30, int activitiesPrev30) {
    double cycle = tenureDays / (double) Math.max(ordersLifetime, 1);
    rows.add(id, "recency_days", recency, "days_since_last_order", recency,
        "frequency_12m", (long) orders12m, "order_count_12m", (long) orders12m,
        "monetary_12m", orders12m * orderValue, "revenue_12m", orders12m * orderValue,
        "order_count_lifetime", (long) ordersLifetime, "revenue_lifetime", ordersLifetime * orderValue,
        "purchase_cycle_days", ordersLifetime > 1 ? cycle : null, "order_trend", trend,
        "activities_30d", (long) activities30, "activities_prev_30d", (long) activitiesPrev30,
        "activities_90d", (long) (activities30 + activitiesPrev30 + activitiesPrev30),
        "first_order_date", asOf.minusDays(Math.max(tenureDays, recency)), "last_order_date", asOf.minusDays(recency),
        "tenure_days", Math.max(tenureDays, recency));
  }
}
