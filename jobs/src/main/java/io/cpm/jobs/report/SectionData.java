package io.cpm.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.report.Svg.Bar;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/** Aggregations several report sections chart. */
final class SectionData {
  private SectionData() {}

  /** Customers per value of a column, largest first (ties by label). */
  static List<Bar> counts(Dataset<Row> rows, String column) {
    List<Bar> bars = new ArrayList<>();
    for (Row r : rows.groupBy(functions.coalesce(col(column).cast(DataTypes.StringType), lit("(none)")).as("k"))
        .agg(count(lit(1)).as("n")).orderBy(col("n").desc(), col("k")).collectAsList()) {
      bars.add(new Bar(r.getString(0), r.getLong(1)));
    }
    return bars;
  }
}
