package io.cpm.segmentation.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns transactions into the BTYD per-customer summary with the conventions of Fader, Hardie & Lee (and
 * {@code lifetimes}' {@code summary_data_from_transaction_data}): purchases are counted per day; frequency x =
 * number of purchase days after the first, recency t_x = first → last purchase day, age T = first purchase
 * day → calibration end (both in the chosen time unit), monetary value = mean daily spend over the repeat
 * purchase days (the first day's spend excluded; 0 when x = 0).
 *
 * <p>Input columns: {@value #CUSTOMER} (string), {@value #DATE} (date), {@value #AMOUNT} (double).
 */
public final class RepeatPurchaseData {
  public static final String CUSTOMER = "customer_id";
  public static final String DATE = "purchase_date";
  public static final String AMOUNT = "amount";
  public static final String FREQUENCY = "frequency";
  public static final String RECENCY = "recency";
  public static final String AGE = "T";
  public static final String MONETARY = "monetary_value";
  public static final String HOLDOUT_PURCHASES = "holdout_purchases";

  private RepeatPurchaseData() {}

  /**
   * Per-customer (x, t_x, T, monetary) for customers whose first purchase is on or before the calibration end.
   * One shuffle: transactions are partitioned by customer, after which the per-day sums, the first day (a window
   * over the customer's days) and the per-customer aggregates all run within partitions.
   */
  public static Dataset<Row> summarize(Dataset<Row> transactions, LocalDate calibrationEnd, ClvTimeUnit unit) {
    Date end = Date.valueOf(calibrationEnd);
    Dataset<Row> days = transactions
        .where(col(DATE).leq(lit(end)))
        .repartition(col(CUSTOMER))
        .groupBy(col(CUSTOMER), col(DATE))
        .agg(sum(col(AMOUNT).cast(DataTypes.DoubleType)).as("day_amount"))
        .withColumn("first_day", min(col(DATE)).over(Window.partitionBy(col(CUSTOMER))));
    return days
        .groupBy(CUSTOMER)
        .agg(min("first_day").as("first_day"),
            max(DATE).as("last_day"),
            count(lit(1)).minus(1).cast(DataTypes.DoubleType).as(FREQUENCY),
            sum(when(col(DATE).gt(col("first_day")), col("day_amount")).otherwise(0.0)).as("repeat_amount"))
        .select(col(CUSTOMER),
            col(FREQUENCY),
            datediff(col("last_day"), col("first_day")).cast(DataTypes.DoubleType).divide(unit.days()).as(RECENCY),
            datediff(lit(end), col("first_day")).cast(DataTypes.DoubleType).divide(unit.days()).as(AGE),
            when(col(FREQUENCY).gt(0), col("repeat_amount").divide(col(FREQUENCY))).otherwise(0.0).as(MONETARY),
            col("first_day").as("first_purchase_date"));
  }

  /** Number of purchase days per customer in (calibrationEnd, holdoutEnd], joined to a summary (0 if none). */
  public static Dataset<Row> withHoldoutPurchases(Dataset<Row> summary, Dataset<Row> transactions,
      LocalDate calibrationEnd, LocalDate holdoutEnd) {
    if (!holdoutEnd.isAfter(calibrationEnd)) {
      throw new IllegalArgumentException("Invalid holdout end " + holdoutEnd + ": must be after the calibration end "
          + calibrationEnd);
    }
    Dataset<Row> holdout = transactions
        .where(col(DATE).gt(lit(Date.valueOf(calibrationEnd))).and(col(DATE).leq(lit(Date.valueOf(holdoutEnd)))))
        .groupBy(col(CUSTOMER).as("_holdout_customer"))
        .agg(countDistinct(col(DATE)).cast(DataTypes.DoubleType).as(HOLDOUT_PURCHASES));
    // Renamed key: both sides derive from the same transactions, so equal column names would be ambiguous.
    return summary.join(holdout, col(CUSTOMER).equalTo(col("_holdout_customer")), "left")
        .drop("_holdout_customer")
        .na().fill(0.0, new String[] {HOLDOUT_PURCHASES});
  }

  /**
   * Sufficient statistics: distinct (x, t_x, T) with customer counts, ordered by x, t_x, T (sorted on the driver,
   * which is cheaper than a distributed sort of a few hundred thousand rows); collected to the driver.
   */
  public static PurchaseCounts purchaseCounts(Dataset<Row> summary) {
    List<Row> rows = summary.groupBy(FREQUENCY, RECENCY, AGE).agg(count(lit(1)).as("customers")).collectAsList();
    int n = rows.size();
    double[][] columns = new double[4][n];
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      columns[0][i] = row.getDouble(0);
      columns[1][i] = row.getDouble(1);
      columns[2][i] = row.getDouble(2);
      columns[3][i] = row.getLong(3);
    }
    int[] order = order(columns, 3);
    return new PurchaseCounts(permute(columns[0], order), permute(columns[1], order), permute(columns[2], order),
        permute(columns[3], order));
  }

  /**
   * Gamma-Gamma input: repeat customers with positive mean spend, as distinct (x, m) with counts ordered by x, m.
   * Mean spend is nearly unique per customer, so the rows are collected as they are and merged on the driver.
   */
  public static SpendObservations spendObservations(Dataset<Row> summary) {
    List<Row> rows = summary.where(col(FREQUENCY).gt(0).and(col(MONETARY).gt(0)))
        .select(FREQUENCY, MONETARY).collectAsList();
    int n = rows.size();
    double[][] columns = new double[2][n];
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      columns[0][i] = row.getDouble(0);
      columns[1][i] = row.getDouble(1);
    }
    int[] order = order(columns, 2);
    double[] x = new double[n];
    double[] m = new double[n];
    double[] weight = new double[n];
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      double xi = columns[0][order[i]];
      double mi = columns[1][order[i]];
      if (distinct > 0 && x[distinct - 1] == xi && m[distinct - 1] == mi) {
        weight[distinct - 1]++;
      } else {
        x[distinct] = xi;
        m[distinct] = mi;
        weight[distinct++] = 1;
      }
    }
    return new SpendObservations(Arrays.copyOf(x, distinct), Arrays.copyOf(m, distinct),
        Arrays.copyOf(weight, distinct));
  }

  /** Row order sorting by the first {@code keys} columns lexicographically. */
  private static int[] order(double[][] columns, int keys) {
    Integer[] boxed = new Integer[columns[0].length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, (i, j) -> {
      for (int k = 0; k < keys; k++) {
        int c = Double.compare(columns[k][i], columns[k][j]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
  }

  private static double[] permute(double[] values, int[] order) {
    double[] result = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      result[i] = values[order[i]];
    }
    return result;
  }
}
