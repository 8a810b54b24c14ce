package io.cpm.segmentation.churn;

import static org.apache.spark.sql.functions.col;

import io.cpm.metrics.DateParameter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Point-in-time training data: features as of each snapshot S_i (from a supplied function that sees only
 * the date S_i) joined to labels from the H days after S_i. Every snapshot satisfies S_i + H ≤ D, so labels
 * are observed by the run date D and no label window reaches past it.
 */
public final class ChurnTrainingSet {
  public static final String SNAPSHOT = "snapshot_date";

  private ChurnTrainingSet() {}

  /** Snapshots {@code D − H − k·spacing} for k = 0..count−1, oldest first. */
  public static List<LocalDate> snapshots(LocalDate runDate, int horizonDays, int count, int spacingDays) {
    if (count < 1 || spacingDays < 1) {
      throw new IllegalArgumentException("Invalid snapshots: count " + count + ", spacing " + spacingDays
          + " days (both must be >= 1)");
    }
    List<LocalDate> result = new ArrayList<>();
    LocalDate latest = runDate.minusDays(horizonDays);
    for (int k = count - 1; k >= 0; k--) {
      result.add(latest.minusDays((long) k * spacingDays));
    }
    return result;
  }

  /**
   * Union over snapshots of {@code featuresAsOf(S_i)} inner-joined with {@link ChurnLabel#labels} at S_i, plus a
   * {@value #SNAPSHOT} column. Only customers active at S_i are in the set.
   */
  public static Dataset<Row> build(Function<LocalDate, Dataset<Row>> featuresAsOf, Dataset<Row> orders,
      Dataset<Row> contracts, ChurnLabel label, List<LocalDate> snapshots, LocalDate runDate) {
    Dataset<Row> result = null;
    for (LocalDate snapshot : snapshots) {
      if (snapshot.plusDays(label.horizonDays()).isAfter(runDate)) {
        throw new IllegalArgumentException("Invalid snapshot " + snapshot + ": its label window ends after the run"
            + " date " + runDate);
      }
      Dataset<Row> features = featuresAsOf.apply(snapshot);
      Dataset<Row> labels = label.labels(orders, contracts, snapshot)
          .withColumnRenamed(ChurnLabel.CUSTOMER, "_label_customer");
      Dataset<Row> one = features.join(labels, col(ChurnLabel.CUSTOMER).equalTo(col("_label_customer")))
          .drop("_label_customer")
          .withColumn(SNAPSHOT, DateParameter.of(snapshot));
      result = result == null ? one : result.unionByName(one);
    }
    if (result == null) {
      throw new IllegalArgumentException("Invalid snapshots: none given");
    }
    return result;
  }
}
