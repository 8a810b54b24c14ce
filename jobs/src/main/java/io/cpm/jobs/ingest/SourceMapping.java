package io.cpm.jobs.ingest;

import io.cpm.metrics.schema.Entity;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one export file maps to a canonical {@link Entity}: where it is, how it is encoded and which export
 * column feeds which canonical column ({@code sources.<source>.<entity>} in {@code conf/sources.conf}).
 *
 * @param file file name or glob inside {@code <landing>/<run date>/<source>/}
 * @param columns export column name (or 1-based position when {@code header} is false) to canonical name,
 *     complete: every canonical column the export provides is listed, identity renames included
 */
public record SourceMapping(
    Entity entity,
    String file,
    Format format,
    Compression compression,
    char delimiter,
    String encoding,
    boolean header,
    boolean required,
    String dateFormat,
    String timestampFormat,
    Map<String, String> columns,
    String configKey) implements Serializable {

  /** Export file format. */
  public enum Format { CSV, JSONL }

  /** Compression of the export; {@code AUTO} means gzip when the file name ends in {@code .gz}. */
  public enum Compression { AUTO, NONE, GZIP }

  public SourceMapping {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(dateFormat, "dateFormat");
    Objects.requireNonNull(timestampFormat, "timestampFormat");
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    Objects.requireNonNull(configKey, "configKey");
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

  /** The canonical columns that must be present in every export (non-nullable in {@link Entity#schema()}). */
  public List<String> requiredColumns() {
    return java.util.Arrays.stream(entity.schema().fields()).filter(f -> !f.nullable()).map(f -> f.name()).toList();
  }
}
