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
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /** Per-customer (x, t_x, T, monetary) for customers whose first purchase is on or before the calibration end. */
  public static Dataset<Row> summarize(Dataset<Row> transactions, LocalDate calibrationEnd, ClvTimeUnit unit) {
    Date end = Date.valueOf(calibrationEnd);
    Dataset<Row> days = transactions
        .where(col(DATE).leq(lit(end)))
        .groupBy(col(CUSTOMER), col(DATE))
        .agg(sum(col(AMOUNT).cast(DataTypes.DoubleType)).as("day_amount"));
    Dataset<Row> firstDay = days.groupBy(CUSTOMER).agg(min(DATE).as("first_day"));
    return days.join(firstDay, CUSTOMER)
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

  /** Sufficient statistics: distinct (x, t_x, T) with customer counts, ordered by x; collected to the driver. */
  public static PurchaseCounts purchaseCounts(Dataset<Row> summary) {
    List<Row> rows = summary.groupBy(FREQUENCY, RECENCY, AGE).agg(count(lit(1)).as("customers"))
        .orderBy(FREQUENCY, RECENCY, AGE).collectAsList();
    int n = rows.size();
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] age = new double[n];
    double[] weight = new double[n];
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      x[i] = row.getDouble(0);
      tx[i] = row.getDouble(1);
      age[i] = row.getDouble(2);
      weight[i] = row.getLong(3);
    }
    return new PurchaseCounts(x, tx, age, weight);
  }

  /** Gamma-Gamma input: repeat customers with positive mean spend, grouped by distinct (x, m). */
  public static SpendObservations spendObservations(Dataset<Row> summary) {
    List<Row> rows = summary.where(col(FREQUENCY).gt(0).and(col(MONETARY).gt(0)))
        .groupBy(FREQUENCY, MONETARY).agg(count(lit(1)).as("customers"))
        .orderBy(FREQUENCY, MONETARY).collectAsList();
    int n = rows.size();
    double[] x = new double[n];
    double[] m = new double[n];
    double[] weight = new double[n];
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      x[i] = row.getDouble(0);
      m[i] = row.getDouble(1);
      weight[i] = row.getLong(2);
    }
    return new SpendObservations(x, m, weight);
  }
}
