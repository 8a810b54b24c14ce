package io.cpm.jobs.ingest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.ingest.identity.IdentitySettings;
import io.cpm.jobs.ingest.SourceMapping.Compression;
import io.cpm.jobs.ingest.SourceMapping.Format;
import io.cpm.metrics.schema.Entity;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Typed settings of the ingest stage: the gate and row rules from {@code ingest.*} and one
 * {@link SourceMapping} per entity from {@code sources.<source>.<entity>}. Building it validates every
 * mapping, so a bad mapping is a config error (exit 2) naming the key and the file before any data is read.
 *
 * @param completionMarker file each source folder must hold before it is read ({@code ingest.completion-marker});
 *     empty: none; see {@link #completionMarker(String)}
 * @param completionMarkerBySource per-source overrides of it ({@code ingest.completion-markers.<source>})
 * @param maxLineBytes longest physical line of an export ({@code ingest.max-line-bytes}); a longer one fails the
 *     file (exit 3)
 * @param ranges inclusive bounds per {@code <entity>.<column>}
 * @param identity how customer references of other systems map to customers ({@code ingest.identity})
 */
public record IngestSettings(
    double maxQuarantineRate,
    long gateMinRows,
    int maxRecordLines,
    long splitGzipBytes,
    String completionMarker,
    Map<String, String> completionMarkerBySource,
    long maxLineBytes,
    Set<String> nonNegative,
    Map<String, Range> ranges,
    Map<Entity, SourceMapping> mappings,
    IdentitySettings identity) implements Serializable {

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
    completionMarker = completionMarker.trim();
    completionMarkerBySource = Map.copyOf(completionMarkerBySource);
    nonNegative = Set.copyOf(nonNegative);
    ranges = Map.copyOf(ranges);
    mappings = java.util.Collections.unmodifiableMap(new EnumMap<>(mappings));
    java.util.Objects.requireNonNull(identity, "identity");
  }

  /**
   * The file the landing folder of {@code source} must hold before it is read, empty for none: its
   * {@code ingest.completion-markers.<source>} when set (exporters of different systems write different
   * markers, or only some write one), else {@code ingest.completion-marker}.
   */
  public String completionMarker(String source) {
    return completionMarkerBySource.getOrDefault(source, completionMarker);
  }

  /** The config key that sets {@link #completionMarker(String)} of {@code source}, for messages. */
  public String completionMarkerKey(String source) {
    return completionMarkerBySource.containsKey(source) ? "ingest.completion-markers." + source
        : "ingest.completion-marker";
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
      long maxLineBytes = ingest.getBytes("max-line-bytes");
      if (maxLineBytes < 1024) {
        throw CpmException.usage("ingest.max-line-bytes = " + maxLineBytes + " must be at least 1k ("
            + where(root.getValue("ingest.max-line-bytes")) + ")");
      }
      Map<String, String> markers = new LinkedHashMap<>();
      Config markerConfig = ingest.getConfig("completion-markers");
      for (String source : markerConfig.root().keySet()) {
        if (!Entity.sources().contains(source)) {
          throw CpmException.usage("ingest.completion-markers." + source + ": not a source, expected one of "
              + Entity.sources() + " (" + where(markerConfig.root().get(source)) + ")");
        }
        markers.put(source, markerConfig.getString(source).trim());
      }
      return new IngestSettings(ingest.getDouble("max-quarantine-rate"), ingest.getLong("gate-min-rows"),
          ingest.getInt("max-record-lines"), ingest.getBytes("split-gzip-bytes"),
          ingest.getString("completion-marker"), markers, maxLineBytes, nonNegative, ranges, mappings,
          IdentitySettings.from(root));
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
    boolean header = c.getBoolean("header");
    Map<String, String> columns = columns(entity, key, c.getConfig("columns"), header, format, where,
        c.getConfig("derive"));
    List<MappingExpressions.Source> derived = new ArrayList<>();
    List<String> canonical = Arrays.asList(entity.schema().fieldNames());
    for (Map.Entry<String, ConfigValue> e : c.getConfig("derive").entrySet()) {
      String column = e.getKey().replace("\"", "");
      String deriveKey = key + ".derive." + e.getKey();
      if (!canonical.contains(column)) {
        throw CpmException.usage(deriveKey + ": not a canonical column of " + entity.entityName() + " (columns: "
            + String.join(", ", canonical) + ") (" + where(e.getValue()) + ")");
      }
      if (columns.containsValue(column)) {
        throw CpmException.usage(deriveKey + ": " + column + " is also renamed from an export column in " + key
            + ".columns; keep one (" + where(e.getValue()) + ")");
      }
      derived.add(new MappingExpressions.Source(column, String.valueOf(e.getValue().unwrapped()), deriveKey,
          where(e.getValue())));
    }
    String filter = c.getString("where").trim();
    MappingExpressions.Source rowFilter = filter.isEmpty() ? null
        : new MappingExpressions.Source(null, filter, key + ".where", where(c.getValue("where")));
    Map<String, List<String>> patterns = patterns(entity, key, c, where);
    List<String> distinctBy = c.getStringList("distinct-by");
    for (String column : distinctBy) {
      if (!canonical.contains(column)) {
        throw CpmException.usage(key + ".distinct-by: '" + column + "' is not a canonical column of "
            + entity.entityName() + " (" + where(c.getValue("distinct-by")) + ")");
      }
    }
    String newestBy = c.getString("newest-by").trim();
    if (!newestBy.isEmpty() && !canonical.contains(newestBy)) {
      throw CpmException.usage(key + ".newest-by = " + newestBy + ": not a canonical column of " + entity.entityName()
          + " (" + where(c.getValue("newest-by")) + ")");
    }
    String folder = c.getString("folder").trim();
    if (!folder.isEmpty() && !Entity.sources().contains(folder)) {
      throw CpmException.usage(key + ".folder = " + folder + ": expected one of " + Entity.sources()
          + " (the landing folder holding the file; empty for " + entity.source() + ") ("
          + where(c.getValue("folder")) + ")");
    }
    SourceMapping mapping = new SourceMapping(entity, folder.isEmpty() ? entity.source() : folder,
        c.getString("file"), format, compression, delimiter.charAt(0), encoding, header, c.getBoolean("required"),
        c.getBoolean("enabled"),
        patterns, columns, derived, rowFilter, distinctBy, newestBy.isEmpty() ? null : newestBy, key, where);
    // Resolves every expression with Spark's analyzer now, so --dry-run reports a wrong function, type or
    // argument count before any file is read.
    mapping.compile();
    return mapping;
  }

  /**
   * Accepted patterns per date and timestamp column: {@code formats.<column>} (a pattern or a list), else
   * {@code date-format} or {@code timestamp-format} (each also a pattern or a list). Every pattern must parse
   * back a full date (and time), so a year-only pattern is a config error, not a night of BAD_DATE rows.
   */
  private static Map<String, List<String>> patterns(Entity entity, String key, Config c, String where) {
    List<String> dates = stringOrList(c, "date-format");
    List<String> timestamps = stringOrList(c, "timestamp-format");
    Config formats = c.getConfig("formats");
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : formats.entrySet()) {
      String column = e.getKey().replace("\"", "");
      StructField field = Arrays.stream(entity.schema().fields()).filter(f -> f.name().equals(column))
          .findFirst().orElse(null);
      if (field == null || !SourceMapping.temporal(field.dataType())) {
        throw CpmException.usage(key + ".formats." + e.getKey() + ": not a date or timestamp column of "
            + entity.entityName() + " (" + where(e.getValue()) + ")");
      }
    }
    for (StructField f : entity.schema().fields()) {
      if (!SourceMapping.temporal(f.dataType())) {
        continue;
      }
      boolean timestamp = f.dataType().equals(DataTypes.TimestampType);
      String patternKey = formats.hasPath(f.name()) ? key + ".formats." + f.name()
          : key + (timestamp ? ".timestamp-format" : ".date-format");
      List<String> list = formats.hasPath(f.name()) ? stringOrList(formats, f.name()) : timestamp ? timestamps : dates;
      String origin = formats.hasPath(f.name()) ? where(formats.getValue(f.name()))
          : where(c.getValue(timestamp ? "timestamp-format" : "date-format"));
      if (list.isEmpty()) {
        throw CpmException.usage(patternKey + " lists no pattern (" + origin + ")");
      }
      for (String pattern : list) {
        String why = ValueParser.unusable(pattern, timestamp);
        if (why != null) {
          throw CpmException.usage(patternKey + " = '" + pattern + "' for " + f.name() + ": " + why + " (" + origin
              + ")");
        }
      }
      result.put(f.name(), List.copyOf(list));
    }
    return result;
  }

  private static List<String> stringOrList(Config c, String path) {
    return c.getValue(path).valueType() == com.typesafe.config.ConfigValueType.LIST ? c.getStringList(path)
        : List.of(c.getString(path));
  }

  /** Completes the configured renames with identity mappings and checks every target is canonical. */
  private static Map<String, String> columns(Entity entity, String key, Config configured, boolean header,
      Format format, String where, Config derive) {
    java.util.Set<String> derived = new java.util.HashSet<>();
    derive.root().keySet().forEach(k -> derived.add(k.replace("\"", "")));
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
      if (!sourceOf.containsKey(column) && !result.containsKey(column) && usable && !derived.contains(column)) {
        result.put(column, column);
        sourceOf.put(column, column);
      }
    }
    List<String> missing = new java.util.ArrayList<>();
    for (StructField field : entity.schema().fields()) {
      if (!field.nullable() && !sourceOf.containsKey(field.name()) && !derived.contains(field.name())) {
        missing.add(field.name());
      }
    }
    if (!missing.isEmpty()) {
      throw CpmException.usage(key + ".columns leaves required canonical column(s) " + String.join(", ", missing)
          + " of " + entity.entityName() + " without a source column or a derive expression (" + where + ")");
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

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String key, String where) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw CpmException.usage(key + " = " + value + ": expected one of "
          + Arrays.stream(type.getEnumConstants()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList()
          + " (" + where + ")");
    }
  }

  /**
   * File and line a value was set in, e.g. {@code conf/sources.conf: 12}: for a value merged from several files
   * the one that set it last (the user's file, before the built-in defaults).
   */
  public static String where(ConfigValue value) {
    String description = value.origin().description();
    if (description.startsWith("merge of ")) {
      description = description.substring("merge of ".length());
      int comma = description.indexOf(',');
      description = comma < 0 ? description : description.substring(0, comma);
    }
    return description;
  }
}
