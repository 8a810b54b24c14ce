package io.cpm.metrics.kpi;

import java.util.Objects;
import org.apache.spark.sql.Column;

/**
 * An additive quantity (a count or a sum) that KPIs divide: a name and the Column aggregation computing it
 * over a source's rows for one scope and period. Rows see the period as the columns {@code period_start} and
 * {@code period_end}, so a measure chooses its own date (created, closed, resolved, ...) to filter on. All
 * measures of one source are computed in one {@code agg(...)}.
 */
public record Measure(String name, Column aggregation) {
  public Measure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(aggregation, "aggregation");
  }
}
