package io.cpm.jobs.storage;

import io.cpm.metrics.schema.GoldTable;
import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The warehouse: one Delta table per name at {@code <warehouse>/<name>}, registered in the catalog database
 * so analysts can query {@code cpm.<name>}.
 *
 * <p>Writes follow the run semantics of docs/architecture.md: run-date partitions are replaced atomically with
 * {@code replaceWhere} (a rerun of a date gives the same rows, a killed run leaves the last commit), entity
 * tables are upserted with MERGE on their business keys.
 */
public final class Tables {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tables.class);
  /** Attempts of one write when Delta reports a concurrent commit (see {@link #retryOnConflict}). */
  static final int CONFLICT_ATTEMPTS = 5;
  /** Partition column of every per-run output table. */
  public static final String RUN_DATE = GoldTable.RUN_DATE;

  private final SparkSession spark;
  private final String warehouse;
  private final String database;
  /** Tables already reported as interrupted first writes (one warning per table, not one per check). */
  private final java.util.Set<String> interruptedCreates = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Tables(SparkSession spark, String warehouse, String database) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.warehouse = stripTrailingSlash(Objects.requireNonNull(warehouse, "warehouse"));
    this.database = Objects.requireNonNull(database, "database");
  }

  public SparkSession spark() {
    return spark;
  }

  public String database() {
    return database;
  }

  public String warehouse() {
    return warehouse;
  }

  /** Absolute location of a table; local relative paths are made absolute so catalog entries stay valid. */
  public String location(String table) {
    return qualify(warehouse + "/" + table);
  }

  public String qualifiedName(String table) {
    return "`" + database + "`.`" + table + "`";
  }

  /**
   * Whether the table has at least one commit. A {@code _delta_log} folder without a commit is what a process
   * killed during the table's first write leaves behind; Delta (and the catalog's {@code CREATE TABLE ...
   * LOCATION}) refuse such a folder, so it counts as absent and the next write creates the table in place (its
   * first commit goes into the same log). Files the killed write left are referenced by no commit; VACUUM
   * removes them.
   */
  public boolean exists(String table) {
    String location = location(table);
    if (!DeltaTable.isDeltaTable(spark, location)) {
      return false;
    }
    if (hasCommit(new Path(location, "_delta_log"))) {
      return true;
    }
    if (interruptedCreates.add(table)) {
      LOG.warn("table {} at {} has a _delta_log without a commit (a first write was interrupted); treating it"
          + " as absent, the next write creates it", table, location);
    }
    return false;
  }

  private boolean hasCommit(Path log) {
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(new Path(log, "_last_checkpoint"))) {
        return true;
      }
      FileStatus[] commits = fs.globStatus(new Path(log, "[0-9]*.{json,parquet}"));
      return commits != null && commits.length > 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + log, e);
    }
  }

  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      throw new IllegalStateException("table " + table + " does not exist yet at " + location(table)
          + " (run the stage that writes it first)");
    }
    return spark.read().format("delta").load(location(table));
  }

  /** Reads one run date's partition of a per-run table. */
  public Dataset<Row> readRunDate(String table, LocalDate runDate) {
    return read(table).where(functions.col(RUN_DATE).equalTo(functions.lit(java.sql.Date.valueOf(runDate))));
  }

  /**
   * Atomically replaces one run date's rows of a table partitioned by {@code run_date}
   * (Delta {@code replaceWhere}); creates the table on first write.
   */
  public void replaceRunDate(Dataset<Row> rows, String table, LocalDate runDate) {
    retryOnConflict(table, () -> {
      Dataset<Row> withDate = rows.withColumn(RUN_DATE, functions.lit(java.sql.Date.valueOf(runDate)));
      if (!exists(table)) {
        create(withDate, table, java.util.Map.of(), RUN_DATE);
      } else {
        // mergeSchema: a column added by a newer version (customer_scores.health_components) is added to the
        // existing table instead of failing the write; older partitions read it as null.
        withDate.write().format("delta").mode("overwrite")
            .option("replaceWhere", RUN_DATE + " = DATE'" + runDate + "'")
            .option("mergeSchema", "true")
            .save(location(table));
      }
      register(table);
    });
  }

  /**
   * {@link #replaceRunDate} and then the number of rows the table holds for the run date, counted by reading the
   * written partition back (what later stages will see).
   */
  public long replaceRunDateAndCount(Dataset<Row> rows, String table, LocalDate runDate) {
    replaceRunDate(rows, table, runDate);
    return readRunDate(table, runDate).count();
  }

  /**
   * Atomically replaces the rows matching a SQL {@code condition} with {@code rows} (Delta
   * {@code replaceWhere}); creates the table partitioned by {@code partitionColumn} on first write, with the
   * given Delta table properties (e.g. {@code delta.dataSkippingNumIndexedCols}). For outputs whose reruns
   * replace a slice narrower than a run date (e.g. one source's ingest rows).
   */
  public void replaceWhere(Dataset<Row> rows, String table, String partitionColumn, String condition,
      java.util.Map<String, String> tableProperties) {
    replaceWhere(rows, table, partitionColumn, condition, tableProperties, false);
  }

  /**
   * {@link #replaceWhere(Dataset, String, String, String, java.util.Map)}; with {@code addColumns}, columns the
   * stored table lacks are added (Delta {@code mergeSchema}), so a warehouse written by an older release takes
   * a new nullable audit column instead of failing the write.
   */
  public void replaceWhere(Dataset<Row> rows, String table, String partitionColumn, String condition,
      java.util.Map<String, String> tableProperties, boolean addColumns) {
    retryOnConflict(table, () -> {
      if (!exists(table)) {
        create(rows, table, tableProperties, partitionColumn);
      } else {
        rows.write().format("delta").mode("overwrite").option("replaceWhere", condition)
            .option("mergeSchema", String.valueOf(addColumns)).save(location(table));
      }
      register(table);
    });
  }

  /**
   * Creates a table with its column comments. The save mode is {@code errorifexists}, not {@code overwrite}:
   * an overwrite first lists the files it replaces (a Spark job over the table's state, empty here), and a
   * table that another writer created in the meantime fails the write instead of being silently replaced.
   */
  private void create(Dataset<Row> rows, String table, java.util.Map<String, String> tableProperties,
      String... partitionColumns) {
    org.apache.spark.sql.DataFrameWriter<Row> writer = ColumnDocs.withComments(rows, table).write().format("delta")
        .mode("errorifexists").options(tableProperties);
    (partitionColumns.length == 0 ? writer : writer.partitionBy(partitionColumns)).save(location(table));
  }

  /** Replaces a whole table's contents atomically. */
  public void overwrite(Dataset<Row> rows, String table) {
    retryOnConflict(table, () -> {
      if (!exists(table)) {
        create(rows, table, java.util.Map.of());
      } else {
        ColumnDocs.withComments(rows, table).write().format("delta").mode("overwrite")
            .option("overwriteSchema", "true").save(location(table));
      }
      register(table);
    });
  }

  /** Appends rows (audit tables such as {@code ingest_runs}). */
  public void append(Dataset<Row> rows, String table) {
    retryOnConflict(table, () -> {
      (exists(table) ? rows : ColumnDocs.withComments(rows, table)).write().format("delta").mode("append")
          .save(location(table));
      register(table);
    });
  }

  /**
   * Upserts rows on business keys with Delta MERGE. A target row is replaced only when
   * {@code newerCondition} holds (a SQL condition over aliases {@code t} and {@code s}), so replaying an
   * older export cannot overwrite newer data. Rows must already be unique on the keys.
   */
  public void merge(Dataset<Row> updates, String table, List<String> keys, String newerCondition) {
    merge(updates, table, keys, newerCondition, java.util.Map.of());
  }

  /** {@link #merge(Dataset, String, List, String)}, creating the table with the given Delta table properties. */
  public void merge(Dataset<Row> updates, String table, List<String> keys, String newerCondition,
      java.util.Map<String, String> tableProperties) {
    retryOnConflict(table, () -> {
      if (!exists(table)) {
        create(updates, table, tableProperties);
        register(table);
        return;
      }
      String on = keys.stream().map(k -> "t.`" + k + "` = s.`" + k + "`").collect(Collectors.joining(" AND "));
      DeltaTable.forPath(spark, location(table)).as("t")
          .merge(updates.as("s"), on)
          .whenMatched(newerCondition).updateAll()
          .whenNotMatched().insertAll()
          .execute();
      register(table);
    });
  }

  /**
   * Runs a write, retrying it when Delta refuses the commit because another writer committed to the table first
   * (or created it first). Every write here is safe to repeat: a refused commit wrote nothing, replaceWhere,
   * overwrite and MERGE give the same table whichever writer wins, and an append that was refused was not made.
   * After {@link #CONFLICT_ATTEMPTS} refusals the command fails with exit 4 (retry later), naming the table.
   */
  private void retryOnConflict(String table, Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (RuntimeException e) {
        Throwable conflict = conflict(e);
        if (conflict == null) {
          throw e;
        }
        if (attempt >= CONFLICT_ATTEMPTS) {
          throw new io.cpm.jobs.CpmException(io.cpm.jobs.ExitCode.INPUT_MISSING, "concurrent write conflict on"
              + " table " + table + " at " + location(table) + ": another process kept committing to it ("
              + conflict.getClass().getSimpleName() + ", " + attempt + " attempts); nothing of this write was"
              + " committed, retry when the other run is done", e);
        }
        LOG.warn("table {}: concurrent write conflict ({}), retrying (attempt {} of {})", table,
            conflict.getClass().getSimpleName(), attempt + 1, CONFLICT_ATTEMPTS);
        try {
          Thread.sleep(200L * attempt + java.util.concurrent.ThreadLocalRandom.current().nextInt(200));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Delta's concurrent-modification exception in a cause chain, or a first write that lost the race to create. */
  private static Throwable conflict(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof org.apache.spark.sql.delta.DeltaConcurrentModificationException
          || t instanceof java.nio.file.FileAlreadyExistsException
          || t instanceof org.apache.hadoop.fs.FileAlreadyExistsException
          || String.valueOf(t.getMessage()).contains("DELTA_PATH_EXISTS")) {
        return t;
      }
    }
    return null;
  }

  /**
   * Creates the catalog database unless it exists. Ingest writes entities from several threads: two concurrent
   * {@code CREATE DATABASE IF NOT EXISTS} both see no database, one creation fails and Spark logs "Namespace
   * was created concurrently" on the console. One lock for the JVM (sessions share one catalog) avoids that.
   */
  public void createDatabase() {
    synchronized (Tables.class) {
      if (!spark.catalog().databaseExists(database)) {
        spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
      }
    }
  }

  /** Registers a table in the catalog database, pointing at its location (idempotent). */
  public void register(String table) {
    createDatabase();
    String location = location(table);
    if (spark.catalog().tableExists(database, table)) {
      String current = currentLocation(table);
      if (current != null && sameLocation(current, location)) {
        return;
      }
      spark.sql("DROP TABLE IF EXISTS " + qualifiedName(table));
    }
    spark.sql("CREATE TABLE IF NOT EXISTS " + qualifiedName(table) + " USING DELTA LOCATION '"
        + location.replace("'", "\\'") + "'");
  }

  /** Registers every Delta table found under the warehouse (the in-memory catalog forgets them at exit). */
  public List<String> registerAll() {
    List<String> registered = new ArrayList<>();
    try {
      Path root = new Path(location(""));
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return registered;
      }
      for (FileStatus status : fs.listStatus(root)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && fs.exists(new Path(status.getPath(), "_delta_log")) && exists(name)) {
          register(name);
          registered.add(name);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list warehouse " + warehouse, e);
    }
    registered.sort(String::compareTo);
    return registered;
  }

  /** Sets the comment on a column of a registered table (shown by DESCRIBE; analysts read it). */
  public void comment(String table, String column, String comment) {
    spark.sql("ALTER TABLE " + qualifiedName(table) + " ALTER COLUMN `" + column + "` COMMENT '"
        + comment.replace("'", "\\'") + "'");
  }

  private String currentLocation(String table) {
    List<Row> rows = spark.sql("DESCRIBE TABLE EXTENDED " + qualifiedName(table)).collectAsList();
    for (Row row : rows) {
      if ("Location".equals(row.getString(0))) {
        return row.getString(1);
      }
    }
    return null;
  }

  private static boolean sameLocation(String a, String b) {
    return stripTrailingSlash(a.replace("file:///", "file:/")).equals(stripTrailingSlash(b.replace("file:///", "file:/")));
  }

  private static String qualify(String path) {
    if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return path;
    }
    return java.nio.file.Paths.get(path).toAbsolutePath().normalize().toUri().toString();
  }

  private static String stripTrailingSlash(String path) {
    return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
  }

  /** Column helper for run-date equality in callers' filters. */
  public static Column isRunDate(LocalDate runDate) {
    return functions.col(RUN_DATE).equalTo(functions.lit(java.sql.Date.valueOf(runDate)));
  }
}
