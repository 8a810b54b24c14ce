package io.cpm.jobs.scoring;

import io.cpm.jobs.pipeline.PipelineContext;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Customer features as of a date (the {@code customer_features} columns, without run_date), computed only
 * from records dated on or before that date. Churn training asks for past snapshot dates; scoring for the run
 * date.
 */
@FunctionalInterface
public interface FeatureSource {
  Dataset<Row> featuresAsOf(PipelineContext context, LocalDate asOf);
}
