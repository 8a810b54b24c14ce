package io.cpm.jobs.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.ingest.SourceMapping.Compression;
import io.cpm.jobs.ingest.SourceMapping.Format;
import io.cpm.metrics.schema.Entity;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.types.StructField;

/**
 * Typed settings of the ingest stage: the gate and row rules from {@code ingest.*} and one
 * {@link SourceMapping} per entity from {@code sources.<source>.<entity>}. Building it validates every
 * mapping, so a bad mapping is a config error (exit 2) naming the key and the file before any data is read.
 *
 * @param ranges inclusive bounds per {@code <entity>.<column>}
 */
public record IngestSettings(
    double maxQuarantineRate,
    long gateMinRows,
    int maxRecordLines,
    long splitGzipBytes,
    Set<String> nonNegative,
    Map<String, Range> ranges,
    Map<Entity, SourceMapping> mappings) implements Serializable {

  /** Inclusive numeric bounds of a column. */
  public record Range(long min, long max) implements Serializable {}

  public IngestSettings {
    if (!(maxQuarantineRate >= 0 && maxQuarantineRate <= 1)) {
      throw CpmException.usage("ingest.max-quarantine-rate = " + maxQuarantineRate + " must be within [0, 1]");
    }
    if (maxRecordLines < 1) {
      throw CpmException.usage("ingest.max-record-lines = " + maxRecordLines + " must be at least 1");
    }
    if (splitGzipBytes < 1) {
      throw CpmException.usage("ingest.split-gzip-bytes = " + splitGzipBytes + " must be at least 1");
    }
    nonNegative = Set.copyOf(nonNegative);
    ranges = Map.copyOf(ranges);
    mappings = java.util.Collections.unmodifiableMap(new EnumMap<>(mappings));
  }

  public SourceMapping mapping(Entity entity) {
    return mappings.get(entity);
  }

  public Range range(Entity entity, String column) {
    return ranges.get(entity.entityName() + "." + column);
  }

  public boolean nonNegative(Entity entity, String column) {
    return nonNegative.contains(entity.entityName() + "." + column);
  }

  public static IngestSettings from(CpmConfig config) {
    Config root = config.raw();
    Config ingest = config.section("ingest");
    try {
      Set<String> nonNegative = new TreeSet<>(ingest.getStringList("non-negative"));
      for (String column : nonNegative) {
        checkColumn(column, "ingest.non-negative", root.getValue("ingest.non-negative"));
      }
      Map<String, Range> ranges = new LinkedHashMap<>();
      Config rangeConfig = ingest.getConfig("ranges");
      for (Map.Entry<String, ConfigValue> e : rangeConfig.entrySet()) {
        String column = e.getKey().replace("\"", "");
        checkColumn(column, "ingest.ranges." + e.getKey(), e.getValue());
        List<Number> bounds = rangeConfig.getNumberList(e.getKey());
        if (bounds.size() != 2 || bounds.get(0).longValue() > bounds.get(1).longValue()) {
          throw CpmException.usage("ingest.ranges." + e.getKey() + " = " + bounds + " must be [min, max] ("
              + where(e.getValue()) + ")");
        }
        ranges.put(column, new Range(bounds.get(0).longValue(), bounds.get(1).longValue()));
      }
      Map<Entity, SourceMapping> mappings = new EnumMap<>(Entity.class);
      for (Entity entity : Entity.values()) {
        String key = "sources." + entity.source() + "." + entity.entityName();
        if (!root.hasPath(key)) {
          throw CpmException.usage("config " + key + " missing in " + config.origin());
        }
        mappings.put(entity, mapping(entity, key, root.getConfig(key), root));
      }
      return new IngestSettings(ingest.getDouble("max-quarantine-rate"), ingest.getLong("gate-min-rows"),
          ingest.getInt("max-record-lines"), ingest.getBytes("split-gzip-bytes"), nonNegative, ranges, mappings);
    } catch (ConfigException e) {
      throw CpmException.usage("invalid ingest config: " + e.getMessage());
    }
  }

  private static void checkColumn(String qualified, String key, ConfigValue value) {
    int dot = qualified.indexOf('.');
    Entity entity = dot < 0 ? null : entityOrNull(qualified.substring(0, dot));
    if (entity == null || !Arrays.asList(entity.schema().fieldNames()).contains(qualified.substring(dot + 1))) {
      throw CpmException.usage(key + ": '" + qualified + "' is not <entity>.<canonical column> (" + where(value) + ")");
    }
  }

  private static Entity entityOrNull(String name) {
    return Arrays.stream(Entity.values()).filter(e -> e.entityName().equals(name)).findFirst().orElse(null);
  }

  private static SourceMapping mapping(Entity entity, String key, Config c, Config root) {
    String where = where(root.getValue(key));
    Format format = enumValue(Format.class, c.getString("format"), key + ".format", where);
    Compression compression = enumValue(Compression.class, c.getString("compression"), key + ".compression", where);
    String delimiter = c.getString("delimiter");
    if (delimiter.length() != 1 || delimiter.equals("\"") || delimiter.equals("\n") || delimiter.equals("\r")) {
      throw CpmException.usage(key + ".delimiter = '" + delimiter + "' must be one character other than a quote"
          + " or line break (" + where + ")");
    }
    String encoding = c.getString("encoding");
    checkEncoding(encoding, key + ".encoding", where);
    String dateFormat = c.getString("date-format");
    String timestampFormat = c.getString("timestamp-format");
    checkPattern(dateFormat, key + ".date-format", where);
    checkPattern(timestampFormat, key + ".timestamp-format", where);
    boolean header = c.getBoolean("header");
    Map<String, String> columns = columns(entity, key, c.getConfig("columns"), header, format, where);
    return new SourceMapping(entity, c.getString("file"), format, compression, delimiter.charAt(0), encoding,
        header, c.getBoolean("required"), dateFormat, timestampFormat, columns, key);
  }

  /** Completes the configured renames with identity mappings and checks every target is canonical. */
  private static Map<String, String> columns(Entity entity, String key, Config configured, boolean header,
      Format format, String where) {
    List<String> canonical = Arrays.asList(entity.schema().fieldNames());
    Map<String, String> result = new LinkedHashMap<>();
    Map<String, String> sourceOf = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : configured.entrySet()) {
      String export = e.getKey().replace("\"", "");
      String target = String.valueOf(e.getValue().unwrapped());
      String columnKey = key + ".columns.\"" + export + "\"";
      if (!canonical.contains(target)) {
        throw CpmException.usage(columnKey + " = " + target + ": not a canonical column of " + entity.entityName()
            + " (columns: " + String.join(", ", canonical) + ") (" + where + ")");
      }
      if (sourceOf.containsKey(target)) {
        throw CpmException.usage(columnKey + " and \"" + sourceOf.get(target) + "\" both map to " + target
            + " (" + where + ")");
      }
      if (!header && format == Format.CSV && !export.matches("[1-9][0-9]*")) {
        throw CpmException.usage(columnKey + ": with header = false, columns are keyed by 1-based position ("
            + where + ")");
      }
      sourceOf.put(target, export);
      result.put(export, target);
    }
    if (!header && format == Format.CSV && result.isEmpty()) {
      for (int i = 0; i < canonical.size(); i++) {
        result.put(String.valueOf(i + 1), canonical.get(i));
      }
      return result;
    }
    for (String column : canonical) {
      boolean usable = header || format == Format.JSONL;
      if (!sourceOf.containsKey(column) && !result.containsKey(column) && usable) {
        result.put(column, column);
        sourceOf.put(column, column);
      }
    }
    List<String> missing = new java.util.ArrayList<>();
    for (StructField field : entity.schema().fields()) {
      if (!field.nullable() && !sourceOf.containsKey(field.name())) {
        missing.add(field.name());
      }
    }
    if (!missing.isEmpty()) {
      throw CpmException.usage(key + ".columns leaves required canonical column(s) " + String.join(", ", missing)
          + " of " + entity.entityName() + " without a source column (" + where + ")");
    }
    return result;
  }

  private static void checkEncoding(String encoding, String key, String where) {
    Charset charset;
    try {
      charset = Charset.forName(encoding);
    } catch (IllegalArgumentException e) {
      throw CpmException.usage(key + " = " + encoding + ": unknown charset (" + where + ")");
    }
    byte[] ascii = "\n\r,;|\t\"{}:0aZ".getBytes(StandardCharsets.US_ASCII);
    if (!Arrays.equals(ascii, "\n\r,;|\t\"{}:0aZ".getBytes(charset))) {
      throw CpmException.usage(key + " = " + encoding + ": only ASCII-compatible charsets are supported, e.g."
          + " UTF-8, ISO-8859-1, windows-1252 (" + where + ")");
    }
  }

  private static void checkPattern(String pattern, String key, String where) {
    try {
      DateTimeFormatter.ofPattern(pattern);
    } catch (IllegalArgumentException e) {
      throw CpmException.usage(key + " = '" + pattern + "': " + e.getMessage() + " (" + where + ")");
    }
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String key, String where) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw CpmException.usage(key + " = " + value + ": expected one of "
          + Arrays.stream(type.getEnumConstants()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList()
          + " (" + where + ")");
    }
  }

  /** File and line a value was set in, e.g. {@code conf/sources.conf: 12}. */
  private static String where(ConfigValue value) {
    return value.origin().description();
  }
}
