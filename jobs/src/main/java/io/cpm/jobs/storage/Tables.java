package io.cpm.jobs.storage;

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
 * <p>Writes follow DESIGN.md's run semantics: run-date partitions are replaced atomically with
 * {@code replaceWhere} (a rerun of a date gives the same rows, a killed run leaves the last commit), entity
 * tables are upserted with MERGE on their business keys.
 */
public final class Tables {
  /** Partition column of every per-run output table. */
  public static final String RUN_DATE = "run_date";

  private final SparkSession spark;
  private final String warehouse;
  private final String database;

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

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, location(table));
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
    if (!exists(table)) {
      create(rows, table, tableProperties, partitionColumn);
    } else {
      rows.write().format("delta").mode("overwrite").option("replaceWhere", condition).save(location(table));
    }
    register(table);
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
    if (!exists(table)) {
      create(rows, table, java.util.Map.of());
    } else {
      ColumnDocs.withComments(rows, table).write().format("delta").mode("overwrite")
          .option("overwriteSchema", "true").save(location(table));
    }
    register(table);
  }

  /** Appends rows (audit tables such as {@code ingest_runs}). */
  public void append(Dataset<Row> rows, String table) {
    (exists(table) ? rows : ColumnDocs.withComments(rows, table)).write().format("delta").mode("append")
        .save(location(table));
    register(table);
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
  }

  /** Registers a table in the catalog database, pointing at its location (idempotent). */
  public void register(String table) {
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
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
        if (status.isDirectory() && fs.exists(new Path(status.getPath(), "_delta_log"))) {
          String name = status.getPath().getName();
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
