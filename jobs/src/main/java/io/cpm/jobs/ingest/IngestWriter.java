package io.cpm.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ingest's writes: {@code bronze_<entity>} (raw rows, replaced per run date), the silver entity tables (MERGE on
 * business keys, the later record wins), {@code quarantine} and {@code ingest_runs} (replaced per run date and
 * source, so ingesting one source leaves the others' rows).
 */
final class IngestWriter {
  static final StructType QUARANTINE_SCHEMA = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("entity", DataTypes.StringType, false)
      .add("file", DataTypes.StringType, false)
      .add("row_number", DataTypes.LongType, false)
      .add("raw_record", DataTypes.StringType, true)
      .add("reason_code", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, true)
      .add(Tables.RUN_DATE, DataTypes.DateType, false);

  static final StructType INGEST_RUNS_SCHEMA = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("entity", DataTypes.StringType, false)
      .add("file", DataTypes.StringType, false)
      .add("rows_read", DataTypes.LongType, false)
      .add("rows_accepted", DataTypes.LongType, false)
      .add("rows_quarantined", DataTypes.LongType, false)
      .add("status", DataTypes.StringType, false)
      .add("quarantined_by_reason", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true)
      .add(Tables.RUN_DATE, DataTypes.DateType, false)
      // Distinct customer references of the entity per identity outcome (docs/identity.md); null when its
      // ingest.identity rules resolve nothing. Added after run_date: older tables gain it by mergeSchema.
      .add("identity_references", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true);

  /** The MERGE condition: the incoming row replaces the stored one when it is not older. */
  static final String NEWER = "s._run_date > t._run_date OR (s._run_date = t._run_date AND"
      + " (s._source_file > t._source_file OR (s._source_file = t._source_file AND s._row_number >= t._row_number)))";

  /**
   * Bronze is read by run date (its partition) or in full, never filtered on data columns, so per-file
   * min/max statistics would only cost write time (they are a large share of it for wide string rows).
   */
  private static final Map<String, String> NO_COLUMN_STATS = Map.of("delta.dataSkippingNumIndexedCols", "0");
  private static final String CUSTOMER_ID = "customer_id";

  private final PipelineContext context;
  private final List<String> sources;
  private final ExecutorService pool;

  /** Identity counts per entity for ingest_runs (null: not resolved). */
  private java.util.function.Function<Entity, Map<String, Long>> identityCounts = e -> null;

  IngestWriter(PipelineContext context, List<String> sources, ExecutorService pool) {
    this.context = context;
    this.sources = List.copyOf(sources);
    this.pool = pool;
  }

  /** Where ingest_runs.identity_references comes from ({@link IdentityPass#counts}). */
  IngestWriter identityCounts(java.util.function.Function<Entity, Map<String, Long>> counts) {
    this.identityCounts = java.util.Objects.requireNonNull(counts, "counts");
    return this;
  }

  /** Writes bronze and (when the gate passed, {@code toSilver}) silver of every entity, then quarantine and runs. */
  void write(List<EntityWork> work, List<FileCounts> counts, boolean toSilver) {
    Tables tables = context.tables();
    LocalDate runDate = context.runDate();
    Column runDateValue = lit(Date.valueOf(runDate));
    // Bronze and silver of an entity are separate tasks, biggest entity first: a gzipped export is one
    // Spark partition, so its two writes would otherwise run one after the other on a single core.
    List<EntityWork> biggestFirst = new ArrayList<>(work);
    biggestFirst.sort(Comparator.comparingLong(EntityWork::rowsRead).reversed());
    List<Map.Entry<EntityWork, Boolean>> writes = new ArrayList<>();
    for (EntityWork w : biggestFirst) {
      writes.add(Map.entry(w, false));
      if (toSilver) {
        writes.add(Map.entry(w, true));
      }
    }
    Tasks.runAll(pool, writes, write -> {
      EntityWork w = write.getKey();
      String table;
      if (write.getValue()) {
        table = w.entity.table();
        if (w.acceptedRows() == 0 && tables.exists(table)) {
          // Nothing to upsert (e.g. a header-only export): a MERGE would only read the table and commit nothing.
          context.progress().step(IngestStage.NAME, table + " unchanged (" + w.entity.entityName()
              + ": no accepted rows)");
          return;
        }
        mergeSilver(tables, w, runDateValue);
      } else {
        table = w.entity.bronzeTable();
        Dataset<Row> bronze = w.parsed.select(col(ExportReader.RAW + ".*"), col(ExportReader.UNMAPPED),
            col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER), runDateValue.as(Entity.RUN_DATE));
        tables.replaceWhere(bronze, table, Entity.RUN_DATE, Entity.RUN_DATE + " = DATE'" + runDate + "'",
            NO_COLUMN_STATS);
      }
      context.progress().step(IngestStage.NAME, "wrote " + table + " (" + w.entity.entityName() + ")");
    });
    if (!toSilver) {
      context.progress().step(IngestStage.NAME, "silver tables not written: the quarantine-rate gate failed");
    }
    Dataset<Row> quarantine = context.spark().createDataFrame(List.of(), QUARANTINE_SCHEMA);
    for (EntityWork w : work) {
      if (!w.anyQuarantined()) {
        continue;
      }
      quarantine = quarantine.unionByName(w.classified().where(col(ExportReader.REASON).isNotNull()).select(
          lit(w.entity.source()).as("source"), lit(w.entity.entityName()).as("entity"),
          col(ExportReader.SOURCE_FILE).as("file"), col(ExportReader.ROW_NUMBER).as("row_number"),
          col(ExportReader.RAW_RECORD).as("raw_record"), col(ExportReader.REASON).as("reason_code"),
          col(ExportReader.MESSAGE).as("message"), runDateValue.as(Tables.RUN_DATE)));
    }
    String mine = Tables.RUN_DATE + " = DATE'" + runDate + "' AND source IN ("
        + sources.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", ")) + ")";
    tables.replaceWhere(quarantine, GoldTable.QUARANTINE.table(), Tables.RUN_DATE, mine, Map.of());
    List<Row> runs = new ArrayList<>();
    for (FileCounts c : counts) {
      runs.add(RowFactory.create(c.entity().source(), c.entity().entityName(), c.file(), c.rowsRead(),
          c.rowsAccepted(), c.rowsQuarantined(), c.status(), c.quarantinedByReason(), Date.valueOf(runDate),
          identityCounts.apply(c.entity())));
    }
    tables.replaceWhere(context.spark().createDataFrame(runs, INGEST_RUNS_SCHEMA), GoldTable.INGEST_RUNS.table(),
        Tables.RUN_DATE, mine, Map.of(), true);
  }

  /** Upserts accepted rows; within this run the last file (by name) and line of a key wins. */
  private static void mergeSilver(Tables tables, EntityWork w, Column runDateValue) {
    Dataset<Row> rows = w.accepted().select(col(ExportReader.TYPED + ".*"), col(ExportReader.SOURCE_FILE),
        col(ExportReader.ROW_NUMBER), runDateValue.as(Entity.RUN_DATE));
    if (w.paths.size() > 1) {
      Column[] keys = w.entity.keys().stream().map(functions::col).toArray(Column[]::new);
      rows = rows.withColumn("_latest", functions.row_number().over(Window.partitionBy(keys)
              .orderBy(col(Entity.SOURCE_FILE).desc(), col(Entity.ROW_NUMBER).desc())))
          .where(col("_latest").equalTo(1)).drop("_latest");
    }
    tables.merge(rows, w.entity.table(), w.entity.keys(), NEWER, statsColumns(w.entity));
  }

  /**
   * Silver keeps file statistics (for data skipping) on the columns queries filter by: keys, the business
   * date and customer_id; statistics on every column cost a large share of the write time.
   */
  private static Map<String, String> statsColumns(Entity entity) {
    Set<String> columns = new LinkedHashSet<>(entity.keys());
    columns.add(entity.businessDateColumn());
    if (Arrays.asList(entity.schema().fieldNames()).contains(CUSTOMER_ID)) {
      columns.add(CUSTOMER_ID);
    }
    return Map.of("delta.dataSkippingStatsColumns", String.join(",", columns));
  }
}
