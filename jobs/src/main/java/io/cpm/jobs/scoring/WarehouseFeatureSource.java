package io.cpm.jobs.scoring;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Features as of a date read from the {@code customer_features} partition the features stage wrote for that
 * run date (each partition is point-in-time by construction). A date without a partition is an input-missing
 * error that names the backfill command.
 */
public final class WarehouseFeatureSource implements FeatureSource {
  public static final String TABLE = GoldTable.CUSTOMER_FEATURES.table();

  /** Whether the features stage has written a partition for this date. */
  public boolean hasPartition(PipelineContext context, LocalDate asOf) {
    Tables tables = context.tables();
    return tables.exists(TABLE) && !tables.readRunDate(TABLE, asOf).isEmpty();
  }

  @Override
  public Dataset<Row> featuresAsOf(PipelineContext context, LocalDate asOf) {
    Tables tables = context.tables();
    if (!tables.exists(TABLE)) {
      throw CpmException.inputMissing("table " + TABLE + " does not exist at " + tables.location(TABLE)
          + "; run 'cpm features --run-date " + asOf + "' first");
    }
    Dataset<Row> partition = tables.readRunDate(TABLE, asOf).drop(Tables.RUN_DATE);
    if (partition.isEmpty()) {
      throw CpmException.inputMissing(TABLE + " has no rows for run date " + asOf + " (needed as a churn snapshot"
          + " or scoring date); run 'cpm features --run-date " + asOf + "' to backfill it");
    }
    return partition;
  }
}
