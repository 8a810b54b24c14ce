package io.cpm.segmentation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
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
 */
public final class Rfm {
  public static final String RECENCY_SCORE = "rfm_recency_score";
  public static final String FREQUENCY_SCORE = "rfm_frequency_score";
  public static final String MONETARY_SCORE = "rfm_monetary_score";
  public static final String SCORE = "rfm_score";
  public static final String SEGMENT = "rfm_segment";
  private static final String ACTIVE = "_rfm_active";

  private Rfm() {}

  /** Adds the five RFM columns to {@code customers} (one row per customer). */
  public static Dataset<Row> score(Dataset<Row> customers, RfmParameters params) {
    Column recency = col(params.recencyColumn());
    Dataset<Row> withActive = customers.withColumn(ACTIVE,
        when(recency.isNotNull().and(recency.leq(params.activeWindowDays())), 1).otherwise(0));
    Row total = withActive.agg(sum(ACTIVE)).first();
    long population = total.isNullAt(0) ? 0 : total.getLong(0);
    Dataset<Row> scored = withActive
        .withColumn(RECENCY_SCORE, quintile(recency.cast(DataTypes.DoubleType).multiply(-1), recency, population))
        .withColumn(FREQUENCY_SCORE, quintile(coalesce(col(params.frequencyColumn()).cast(DataTypes.DoubleType),
            lit(0.0)), recency, population))
        .withColumn(MONETARY_SCORE, quintile(coalesce(col(params.monetaryColumn()).cast(DataTypes.DoubleType),
            lit(0.0)), recency, population))
        .drop(ACTIVE);
    Column r = col(RECENCY_SCORE);
    Column fm = floor(col(FREQUENCY_SCORE).plus(col(MONETARY_SCORE)).divide(2.0).plus(0.5)).cast(DataTypes.IntegerType);
    return scored
        .withColumn(SCORE, concat(r.cast("string"), col(FREQUENCY_SCORE).cast("string"),
            col(MONETARY_SCORE).cast("string")))
        .withColumn(SEGMENT, segment(r, fm, params.segments()));
  }

  private static Column quintile(Column value, Column recency, long population) {
    if (population == 0) {
      return lit(null).cast(DataTypes.IntegerType);
    }
    // active customers with value <= v, minus those with value == v, = active customers strictly below v
    Column atOrBelow = sum(col(ACTIVE)).over(Window.orderBy(value)
        .rangeBetween(Window.unboundedPreceding(), Window.currentRow()));
    Column equal = sum(col(ACTIVE)).over(Window.partitionBy(value));
    Column below = atOrBelow.minus(equal);
    Column score = least(lit(5), floor(below.multiply(5).divide(population)).plus(1)).cast(DataTypes.IntegerType);
    return when(recency.isNull(), lit(null).cast(DataTypes.IntegerType)).otherwise(score);
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
