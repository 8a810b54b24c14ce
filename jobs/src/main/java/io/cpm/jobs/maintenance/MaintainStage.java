package io.cpm.jobs.maintenance;

import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.jobs.storage.Tables;
import io.delta.tables.DeltaOptimizeBuilder;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Table maintenance for one run date: Delta OPTIMIZE then VACUUM on every selected warehouse table.
 *
 * <p>OPTIMIZE compacts small files (each nightly replaceWhere/MERGE adds a few); tables partitioned by
 * {@code run_date} are compacted only in the run date's partition, older partitions were compacted by
 * earlier runs. Z-order by customer id is used where the table has that column and is big enough for
 * data skipping to pay for the rewrite. VACUUM then deletes files unreferenced for longer than the
 * configured retention. The notes report, per table, files compacted and files deleted.
 */
public final class MaintainStage implements Stage {
  private static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";

  private final MaintenanceSettings settings;

  public MaintainStage(MaintenanceSettings settings) {
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
  }

  /** The stage with the {@code maintenance} settings of {@code config}. */
  public static MaintainStage from(io.cpm.jobs.config.CpmConfig config) {
    return new MaintainStage(MaintenanceSettings.from(config.section("maintenance")));
  }

  @Override
  public boolean writesSilver() {
    return true;
  }

  @Override
  public String name() {
    return "maintain";
  }

  @Override
  public StageResult run(PipelineContext context) {
    Tables tables = context.tables();
    List<String> selected = tables.registerAll().stream().filter(settings::selects).toList();
    Map<String, String> outputs = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (String table : selected) {
      TableReport report = maintain(context, table);
      outputs.put(table, tables.qualifiedName(table));
      notes.add(report.describe());
      context.progress().step(name(), report.describe());
    }
    if (selected.isEmpty()) {
      notes.add("no Delta tables selected under " + tables.warehouse());
    }
    return new StageResult(name(), selected.size(), outputs, notes);
  }

  private TableReport maintain(PipelineContext context, String table) {
    SparkSession spark = context.spark();
    String location = context.tables().location(table);
    DeltaTable delta = DeltaTable.forPath(spark, location);
    Row detail = delta.detail().first();
    long sizeBytes = detail.getAs("sizeInBytes");
    List<String> partitionColumns = detail.getList(detail.fieldIndex("partitionColumns"));
    List<String> columns = Arrays.asList(delta.toDF().columns());

    DeltaOptimizeBuilder optimize = delta.optimize();
    String scope = "whole table";
    if (partitionColumns.contains(Tables.RUN_DATE)) {
      optimize = optimize.where(Tables.RUN_DATE + " = DATE'" + context.runDate() + "'");
      scope = Tables.RUN_DATE + " " + context.runDate();
    }
    boolean zorder = settings.zorder() && columns.contains(settings.zorderColumn())
        && !partitionColumns.contains(settings.zorderColumn()) && sizeBytes >= settings.zorderMinBytes();
    Row metrics = (zorder ? optimize.executeZOrderBy(settings.zorderColumn()) : optimize.executeCompaction())
        .first().getAs("metrics");
    long filesRemoved = metrics.getAs("numFilesRemoved");
    long filesAdded = metrics.getAs("numFilesAdded");

    long before = dataFiles(spark, location);
    vacuum(spark, delta);
    long after = dataFiles(spark, location);
    return new TableReport(table, scope, zorder ? settings.zorderColumn() : null, filesRemoved, filesAdded,
        before - after, settings.vacuumRetentionHours());
  }

  /** VACUUM with the configured retention; Delta's safety check is lifted only for this call when lower. */
  private void vacuum(SparkSession spark, DeltaTable delta) {
    boolean belowDefault = settings.vacuumRetentionHours() < MaintenanceSettings.DELTA_DEFAULT_RETENTION_HOURS;
    String previous = spark.conf().get(RETENTION_CHECK, "true");
    if (belowDefault) {
      spark.conf().set(RETENTION_CHECK, "false");
    }
    try {
      delta.vacuum(settings.vacuumRetentionHours());
    } finally {
      spark.conf().set(RETENTION_CHECK, previous);
    }
  }

  /** Files of the table outside its transaction log (what VACUUM may delete), on any Hadoop file system. */
  private static long dataFiles(SparkSession spark, String location) {
    try {
      Path root = new Path(location);
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      long count = 0;
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      while (files.hasNext()) {
        Path file = files.next().getPath();
        if (!file.toString().contains("/_delta_log/") && file.getName().endsWith(".parquet")) {
          count++;
        }
      }
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + location, e);
    }
  }

  /** What maintenance did to one table. */
  record TableReport(String table, String scope, String zorderColumn, long filesCompacted, long filesWritten,
      long filesVacuumed, double retentionHours) {
    String describe() {
      return String.format(Locale.ROOT, "%s (%s): optimize %d files -> %d%s; vacuum deleted %d files older than %s h",
          table, scope, filesCompacted, filesWritten, zorderColumn == null ? "" : " (z-order " + zorderColumn + ")",
          filesVacuumed, retentionHours % 1 == 0 ? String.valueOf((long) retentionHours) : String.valueOf(retentionHours));
    }
  }
}
