package io.cpm.jobs.ingest;

import io.cpm.metrics.schema.Entity;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * How one export file maps to a canonical {@link Entity}: where it is, how it is encoded, which export column
 * feeds which canonical column, which canonical columns are Spark SQL expressions over the export's columns,
 * which rows are kept and how repeated rows collapse ({@code sources.<source>.<entity>} in
 * {@code conf/sources.conf}, or a preset under {@code conf/presets/}).
 *
 * @param folder folder under {@code <landing>/<run date>/} holding the file; the source name by default, another
 *     source's folder when several entities come from one export
 * @param file file name or glob inside that folder
 * @param columns export column name (or 1-based position when {@code header} is false) to canonical name,
 *     complete: every canonical column the export provides is listed, identity renames included
 * @param enabled false for an entity the exporting system does not deliver: no file is looked for, its folder
 *     need not exist
 * @param patterns accepted date or timestamp patterns per date/timestamp canonical column, tried in order
 * @param derived Spark SQL expression per canonical column ({@code derive}), with key and origin for messages
 * @param where row filter ({@code where}); null when every row is kept
 * @param distinctBy canonical columns whose repeats in this mapping's files collapse to one row (DEDUPLICATED);
 *     empty for none
 * @param newestBy with {@code distinctBy}: the canonical column whose latest value wins; null: the first row wins
 * @param origin config file and line the mapping was set in (Typesafe Config's origin), for messages
 */
public record SourceMapping(
    Entity entity,
    String folder,
    String file,
    Format format,
    Compression compression,
    char delimiter,
    String encoding,
    boolean header,
    boolean required,
    boolean enabled,
    Map<String, List<String>> patterns,
    Map<String, String> columns,
    List<MappingExpressions.Source> derived,
    MappingExpressions.Source where,
    List<String> distinctBy,
    String newestBy,
    String configKey,
    String origin) implements Serializable {

  /** Export file format. */
  public enum Format { CSV, JSONL }

  /** Compression of the export; {@code AUTO} means gzip when the file name ends in {@code .gz}. */
  public enum Compression { AUTO, NONE, GZIP }

  public SourceMapping {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(encoding, "encoding");
    patterns = Map.copyOf(patterns);
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    derived = List.copyOf(derived);
    distinctBy = List.copyOf(distinctBy);
    Objects.requireNonNull(configKey, "configKey");
    Objects.requireNonNull(origin, "origin");
  }

  public String source() {
    return entity.source();
  }

  /** Whether a file of this mapping is gzip-compressed. */
  public boolean gzipped(String fileName) {
    return compression == Compression.GZIP || (compression == Compression.AUTO && fileName.endsWith(".gz"));
  }

  /** The canonical column an export column feeds, or null when the export column is not mapped. */
  public String canonicalOf(String exportColumn) {
    return columns.get(exportColumn);
  }

  /** The accepted patterns of a date or timestamp canonical column. */
  public List<String> patterns(String column) {
    return patterns.get(column);
  }

  /** Whether any column is an expression or rows are filtered. */
  public boolean hasExpressions() {
    return !derived.isEmpty() || where != null;
  }

  /** The derive expressions with a window function, evaluated over all rows of the mapping ({@link FrameDerives}). */
  public List<MappingExpressions.Source> windowDerived() {
    return derived.stream().filter(MappingExpressions::isWindow).toList();
  }

  /**
   * The per-record expressions compiled by Spark's analyzer (config errors name the key and origin), or null when
   * there are none (the rename-only fast path); the window expressions are checked here too, so a bad one fails at
   * config load like the others.
   */
  public MappingExpressions compile() {
    if (!hasExpressions()) {
      return null;
    }
    Map<String, DataType> types = new LinkedHashMap<>();
    for (StructField f : entity.schema().fields()) {
      types.put(f.name(), f.dataType());
    }
    List<MappingExpressions.Source> windows = windowDerived();
    for (MappingExpressions.Source s : windows) {
      MappingExpressions.checkWindow(s, types.get(s.column()));
    }
    if (where != null && MappingExpressions.isWindow(where)) {
      throw MappingExpressions.problem(where, "a row filter is checked per record and cannot use a window"
          + " function; use distinct-by / newest-by to keep one row per key");
    }
    List<MappingExpressions.Source> perRecord = derived.stream().filter(s -> !windows.contains(s)).toList();
    if (perRecord.isEmpty() && where == null) {
      return null;
    }
    return MappingExpressions.compile(perRecord, where, types);
  }

  /** The canonical columns that must be present in every export (non-nullable in {@link Entity#schema()}). */
  public List<String> requiredColumns() {
    return java.util.Arrays.stream(entity.schema().fields()).filter(f -> !f.nullable()).map(f -> f.name()).toList();
  }

  static boolean temporal(DataType type) {
    return type.equals(DataTypes.DateType) || type.equals(DataTypes.TimestampType);
  }
}
