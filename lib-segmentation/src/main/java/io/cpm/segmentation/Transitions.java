package io.cpm.segmentation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Segment-to-segment customer counts between two runs, per dimension: a full outer join on customer_id, so a
 * customer new in this run has from_segment null and one missing from it has to_segment null (null segments,
 * e.g. an unclustered prospect, are null too).
 */
public final class Transitions {
  private Transitions() {}

  /**
   * Rows (dimension, from_segment, to_segment, customers) for each dimension name → segment column of
   * {@code current} and {@code previous} (both one row per customer).
   */
  public static Dataset<Row> between(Dataset<Row> current, Dataset<Row> previous, Map<String, String> dimensions) {
    Dataset<Row> result = null;
    for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
      String column = dimension.getValue();
      Dataset<Row> to = current.select(col("customer_id").as("_to_id"), col(column).cast(DataTypes.StringType).as("to_segment"));
      Dataset<Row> from = previous.select(col("customer_id").as("_from_id"), col(column).cast(DataTypes.StringType).as("from_segment"));
      Dataset<Row> counts = from.join(to, from.col("_from_id").equalTo(to.col("_to_id")), "full_outer")
          .groupBy(lit(dimension.getKey()).as("dimension"), col("from_segment"), col("to_segment"))
          .agg(count(coalesce(col("_to_id"), col("_from_id"))).as("customers"));
      result = result == null ? counts : result.unionByName(counts);
    }
    if (result == null) {
      throw new IllegalArgumentException("No transition dimensions given");
    }
    return result;
  }
}
