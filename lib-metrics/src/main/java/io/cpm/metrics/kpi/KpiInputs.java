package io.cpm.metrics.kpi;

import io.cpm.metrics.schema.SilverTables;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What KPIs are computed from: the silver tables, the customer features of the run date
 * ({@code CustomerFeatures.compute}), and — when those stages have run — the customer segments
 * ({@code customer_id, rfm_segment, value_activity_tag}) for the segment scope and the customer scores
 * ({@code customer_id, health_score}) for the average health score.
 */
public record KpiInputs(
    SilverTables silver,
    Dataset<Row> features,
    Optional<Dataset<Row>> segments,
    Optional<Dataset<Row>> scores) {

  public KpiInputs {
    Objects.requireNonNull(silver, "silver");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(segments, "segments");
    Objects.requireNonNull(scores, "scores");
  }

  public static KpiInputs of(SilverTables silver, Dataset<Row> features) {
    return new KpiInputs(silver, features, Optional.empty(), Optional.empty());
  }

  public KpiInputs withSegments(Dataset<Row> customerSegments) {
    return new KpiInputs(silver, features, Optional.of(customerSegments), scores);
  }

  public KpiInputs withScores(Dataset<Row> customerScores) {
    return new KpiInputs(silver, features, segments, Optional.of(customerScores));
  }
}
