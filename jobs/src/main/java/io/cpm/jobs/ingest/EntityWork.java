package io.cpm.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import io.cpm.metrics.schema.Entity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One entity's export files of an ingest run and, as the run goes on, its cached parsed rows, their counts by
 * file and reason, and the rows flagged by cross-row checks. Ingest's steps (parse, cross-row checks, gate,
 * writes) hand it from one to the next; it is mutable and lives for one run.
 */
final class EntityWork {
  private static final String FLAG_REASON = "_flag_reason";
  private static final String FLAG_MESSAGE = "_flag_message";
  private static final StructType FLAG_SCHEMA = new StructType()
      .add(ExportReader.SOURCE_FILE, DataTypes.StringType, false)
      .add(ExportReader.ROW_NUMBER, DataTypes.LongType, false)
      .add(FLAG_REASON, DataTypes.StringType, false)
      .add(FLAG_MESSAGE, DataTypes.StringType, false);

  final Entity entity;
  final SourceMapping mapping;
  /** File system paths of the entity's files, sorted; empty: nothing delivered (an optional file). */
  final List<String> paths;
  /** The same files as named in messages and tables ({@code <run date>/<folder>/<file>}). */
  final List<String> names;
  final List<Long> sizes;
  /** Parsed rows (cached), once parsed. */
  Dataset<Row> parsed;
  /** Rows quarantined per file and reason by the reader's row checks (and DEDUPLICATED). */
  Map<String, Map<String, Long>> parseCounts = Map.of();
  Map<String, Long> readByFile = Map.of();
  /** Rows whose key hash repeats an earlier one of their file (candidates for DUPLICATE_KEY). */
  long repeatedKeys;
  /** Rows flagged by cross-row checks (file, line, reason, message), or null. */
  private Dataset<Row> flags;
  private final Map<String, Map<String, Long>> flagCounts = new HashMap<>();

  EntityWork(Entity entity, SourceMapping mapping, List<String> paths, List<String> names, List<Long> sizes) {
    this.entity = Objects.requireNonNull(entity, "entity");
    this.mapping = Objects.requireNonNull(mapping, "mapping");
    this.paths = List.copyOf(paths);
    this.names = List.copyOf(names);
    this.sizes = List.copyOf(sizes);
  }

  boolean delivered() {
    return !paths.isEmpty();
  }

  /** The file name the mapping expects, for a file not delivered. */
  String expectedName(LocalDate runDate) {
    return runDate + "/" + mapping.folder() + "/" + mapping.file();
  }

  /** Adds cross-row flags (a small local table joined back by file and line). */
  void addFlags(SparkSession spark, List<Row> newFlags) {
    if (newFlags.isEmpty()) {
      return;
    }
    for (Row f : newFlags) {
      flagCounts.computeIfAbsent(f.getString(0), k -> new HashMap<>()).merge(f.getString(2), 1L, Long::sum);
    }
    Dataset<Row> added = spark.createDataFrame(newFlags, FLAG_SCHEMA);
    flags = flags == null ? added : flags.union(added);
  }

  /** Whether any row of the entity was quarantined (by the reader or a cross-row check). */
  boolean anyQuarantined() {
    return flags != null || !parseCounts.values().stream().allMatch(Map::isEmpty);
  }

  /** All rows with their final reason: the parse reason, else a cross-row flag. */
  Dataset<Row> classified() {
    if (flags == null) {
      return parsed;
    }
    Dataset<Row> joined = parsed.join(broadcast(flags),
        Tasks.seq(List.of(ExportReader.SOURCE_FILE, ExportReader.ROW_NUMBER)), "left");
    return joined
        .withColumn(ExportReader.REASON, coalesce(col(ExportReader.REASON), col(FLAG_REASON)))
        .withColumn(ExportReader.MESSAGE, coalesce(col(ExportReader.MESSAGE), col(FLAG_MESSAGE)))
        .drop(FLAG_REASON, FLAG_MESSAGE);
  }

  /** Rows that passed every check so far. */
  Dataset<Row> accepted() {
    return classified().where(col(ExportReader.REASON).isNull());
  }

  /** Row accounting per delivered file (status "pending" until the gate decides). */
  List<FileCounts> fileCounts() {
    List<FileCounts> result = new ArrayList<>();
    for (String name : names) {
      Map<String, Long> reasons = new HashMap<>(parseCounts.get(name));
      flagCounts.getOrDefault(name, Map.of()).forEach((reason, n) -> reasons.merge(reason, n, Long::sum));
      result.add(new FileCounts(entity, name, readByFile.get(name), reasons, "pending"));
    }
    return result;
  }

  /** Rows of the entity's files that passed every check (read minus quarantined by any reason). */
  long acceptedRows() {
    return fileCounts().stream().mapToLong(FileCounts::rowsAccepted).sum();
  }

  long rowsRead() {
    return readByFile.values().stream().mapToLong(Long::longValue).sum();
  }

  void unpersist() {
    if (parsed != null) {
      parsed.unpersist();
    }
  }
}
