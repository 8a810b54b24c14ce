package io.cpm.metrics.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of the tables the stages write besides bronze and silver ({@link Entity}): the gold outputs,
 * the ingest and run audit tables and the {@code customer_360} view. Each table's name, key, partition column
 * and writing stage is declared here once; stages, exports, the SQL catalog, the report and tests name a table
 * through its constant, so renaming a table is a one-line change that every reader follows.
 *
 * <p>Column descriptions (and so the documented columns) of the gold tables are in the jobs resource
 * {@code cpm-table-docs.conf}; the writer builds the columns. See {@code docs/architecture.md} ("Table
 * catalogue") and {@code docs/tables.md}.
 */
public enum GoldTable {
  QUARANTINE("quarantine", "ingest", Kind.TABLE, List.of("run_date", "file", "row_number"), GoldTable.RUN_DATE),
  INGEST_RUNS("ingest_runs", "ingest", Kind.TABLE, List.of("run_date", "source", "entity", "file"),
      GoldTable.RUN_DATE),
  /**
   * Which unified customer_id each other system's customer reference (ERP number, help-desk e-mail) was given,
   * by which rule, first seen when (docs/identity.md). Rows are only ever inserted: an id never moves.
   */
  CUSTOMER_IDENTITY("customer_identity", "ingest", Kind.TABLE, List.of("source", "entity", "source_id"), null),
  CUSTOMER_FEATURES("customer_features", "features", Kind.TABLE, List.of("run_date", "customer_id"),
      GoldTable.RUN_DATE),
  CUSTOMER_SEGMENTS("customer_segments", "segment", Kind.TABLE, List.of("run_date", "customer_id"),
      GoldTable.RUN_DATE),
  SEGMENT_TRANSITIONS("segment_transitions", "segment", Kind.TABLE,
      List.of("run_date", "dimension", "from_segment", "to_segment"), GoldTable.RUN_DATE),
  SEGMENT_MODEL_RUNS("segment_model_runs", "segment", Kind.TABLE, List.of("run_date", "k"), GoldTable.RUN_DATE),
  SEGMENT_CENTROIDS("segment_centroids", "segment", Kind.TABLE, List.of("run_date", "cluster_id", "feature"),
      GoldTable.RUN_DATE),
  LIFECYCLE_HISTORY("lifecycle_history", "segment", Kind.TABLE, List.of("customer_id", "valid_from"), null),
  CUSTOMER_TASKS("customer_tasks", "segment", Kind.TABLE, List.of("task_id"), null),
  CUSTOMER_SCORES("customer_scores", "score", Kind.TABLE, List.of("run_date", "customer_id"), GoldTable.RUN_DATE),
  MODEL_RUNS("model_runs", "score", Kind.TABLE, List.of("run_date", "model"), null),
  KPI_VALUES("kpi_values", "kpis", Kind.TABLE, List.of("run_date", "kpi", "scope_type", "scope_value", "period"),
      GoldTable.RUN_DATE),
  KPI_ALERTS("kpi_alerts", "kpis", Kind.TABLE, List.of("run_date", "kpi", "scope_type", "scope_value", "period"),
      GoldTable.RUN_DATE),
  PUBLISHED_SCORES("published_scores", "publish", Kind.TABLE, List.of("run_date", "customer_id"),
      GoldTable.RUN_DATE),
  CUSTOMER_360("customer_360", "publish", Kind.VIEW, List.of("customer_id"), null),
  /** What a run could not compute and why; features, score and kpis each replace their own rows of a run date. */
  NOT_COMPUTED("not_computed", "features", Kind.TABLE, List.of("run_date", "stage", "kind", "name"),
      GoldTable.RUN_DATE),
  PIPELINE_RUNS("pipeline_runs", "nightly", Kind.TABLE, List.of("run_date", "attempt", "stage"), null);

  /** Partition column of every per-run output table. */
  public static final String RUN_DATE = "run_date";

  /** A Delta table, or a view over tables (no storage of its own). */
  public enum Kind { TABLE, VIEW }

  private final String table;
  private final String writer;
  private final Kind kind;
  private final List<String> keys;
  private final String partitionColumn;

  GoldTable(String table, String writer, Kind kind, List<String> keys, String partitionColumn) {
    this.table = table;
    this.writer = writer;
    this.kind = kind;
    this.keys = List.copyOf(keys);
    this.partitionColumn = partitionColumn;
  }

  /** Table (or view) name in the warehouse and in the catalog database. */
  public String table() {
    return table;
  }

  /** Name of the stage that writes it ({@code pipeline_runs}: the nightly run itself). */
  public String writer() {
    return writer;
  }

  public Kind kind() {
    return kind;
  }

  /** Columns that identify a row. */
  public List<String> keys() {
    return keys;
  }

  /** The Delta partition column (each run date's rows are replaced atomically), if the table has one. */
  public Optional<String> partitionColumn() {
    return Optional.ofNullable(partitionColumn);
  }

  /** The tables (and view) the given stage writes, in catalogue order. */
  public static List<GoldTable> writtenBy(String stage) {
    return Arrays.stream(values()).filter(t -> t.writer.equals(stage)).toList();
  }

  public static Optional<GoldTable> byName(String table) {
    return Arrays.stream(values()).filter(t -> t.table.equals(table)).findFirst();
  }
}
