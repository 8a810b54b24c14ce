package io.cpm.segmentation;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * RFM quintile scores and named segments.
 *
 * <p>The scoring population P is every customer with an order whose recency is within the active window.
 * For a value v of a dimension, {@code score = min(5, 1 + floor(5 · |{p ∈ P : value(p) < v}| / |P|))}:
 * the quintile of v's position among the active customers, where ties share the position of their lowest
 * member, so identical values always get identical scores and the result does not depend on row order.
 * Recency is scored on {@code -recency_days} (recent = 5). Customers outside the window are scored against
 * the same population (their recency score is 1); customers without orders (null recency) get null scores and
 * a null segment. The segment comes from the (R, FM) grid of {@link RfmParameters#segments()}.
 *
 * <p>The score is computed without a window over all customers (which Spark runs as one task on one core):
 * {@code score(v) >= k + 1} exactly when at least {@code m_k = ceil(k·|P|/5)} active values lie below v, that
 * is when v is greater than the m_k-th smallest active value. So four order statistics per dimension, found
 * by one distributed sort of the active values, give the same scores as the formula above.
 */
public final class Rfm {
  public static final String RECENCY_SCORE = "rfm_recency_score";
  public static final String FREQUENCY_SCORE = "rfm_frequency_score";
  public static final String MONETARY_SCORE = "rfm_monetary_score";
  public static final String SCORE = "rfm_score";
  public static final String SEGMENT = "rfm_segment";

  private Rfm() {}

  /** Adds the five RFM columns to {@code customers} (one row per customer). */
  public static Dataset<Row> score(Dataset<Row> customers, RfmParameters params) {
    Column recency = col(params.recencyColumn());
    Column active = recency.isNotNull().and(recency.leq(params.activeWindowDays()));
    List<Column> values = List.of(recency.cast(DataTypes.DoubleType).multiply(-1),
        coalesce(col(params.frequencyColumn()).cast(DataTypes.DoubleType), lit(0.0)),
        coalesce(col(params.monetaryColumn()).cast(DataTypes.DoubleType), lit(0.0)));
    double[][] thresholds = quintileThresholds(customers.where(active), values);
    Dataset<Row> scored = customers
        .withColumn(RECENCY_SCORE, quintile(values.get(0), recency, thresholds, 0))
        .withColumn(FREQUENCY_SCORE, quintile(values.get(1), recency, thresholds, 1))
        .withColumn(MONETARY_SCORE, quintile(values.get(2), recency, thresholds, 2));
    Column r = col(RECENCY_SCORE);
    Column fm = floor(col(FREQUENCY_SCORE).plus(col(MONETARY_SCORE)).divide(2.0).plus(0.5)).cast(DataTypes.IntegerType);
    return scored
        .withColumn(SCORE, concat(r.cast("string"), col(FREQUENCY_SCORE).cast("string"),
            col(MONETARY_SCORE).cast("string")))
        .withColumn(SEGMENT, segment(r, fm, params.segments()));
  }

  /**
   * For each value column, the m_k-th smallest value (k = 1..4, m_k = ceil(k·n/5)) among the n active rows;
   * null if there are none. One range-partitioned sort of (column index, value) over all columns, then each
   * row's global position from {@code zipWithIndex}: column d's values occupy positions d·n .. d·n + n - 1.
   */
  private static double[][] quintileThresholds(Dataset<Row> activeCustomers, List<Column> values) {
    List<Column> pairs = new ArrayList<>();
    for (int d = 0; d < values.size(); d++) {
      pairs.add(struct(lit(d).as("d"), values.get(d).as("v")));
    }
    Dataset<Row> points = activeCustomers.select(explode(array(pairs.toArray(Column[]::new))).as("p"))
        .select(col("p.d").as("d"), col("p.v").as("v")).cache();
    try {
      long n = points.count() / values.size();
      if (n == 0) {
        return null;
      }
      // Several k share a position when n < 5, so a position maps to every (column, k) it answers.
      Map<Long, List<int[]>> wanted = new HashMap<>();
      for (int d = 0; d < values.size(); d++) {
        for (int k = 1; k <= 4; k++) {
          wanted.computeIfAbsent(d * n + (k * n + 4) / 5 - 1, p -> new ArrayList<>()).add(new int[] {d, k - 1});
        }
      }
      Set<Long> positions = Set.copyOf(wanted.keySet());
      double[][] thresholds = new double[values.size()][4];
      for (scala.Tuple2<Row, Long> hit : points.orderBy(col("d"), col("v")).javaRDD().zipWithIndex()
          .filter(t -> positions.contains(t._2())).collect()) {
        for (int[] at : wanted.get(hit._2())) {
          thresholds[at[0]][at[1]] = hit._1().getDouble(1);
        }
      }
      return thresholds;
    } finally {
      points.unpersist();
    }
  }

  /** 1 + the number of thresholds below the value: the quintile score; null without orders or population. */
  private static Column quintile(Column value, Column recency, double[][] thresholds, int dimension) {
    if (thresholds == null) {
      return lit(null).cast(DataTypes.IntegerType);
    }
    Column score = lit(1);
    for (double threshold : thresholds[dimension]) {
      score = score.plus(when(value.gt(lit(threshold)), 1).otherwise(0));
    }
    return when(recency.isNull(), lit(null).cast(DataTypes.IntegerType)).otherwise(score.cast(DataTypes.IntegerType));
  }

  private static Column segment(Column r, Column fm, List<RfmSegmentRule> rules) {
    Column result = lit(null).cast(DataTypes.StringType);
    for (int i = rules.size() - 1; i >= 0; i--) {
      RfmSegmentRule rule = rules.get(i);
      Column matches = r.between(rule.recencyMin(), rule.recencyMax())
          .and(fm.between(rule.frequencyMonetaryMin(), rule.frequencyMonetaryMax()));
      result = when(matches, lit(rule.segment())).otherwise(result);
    }
    return result;
  }
}
