package io.cpm.jobs.ingest;

import static io.cpm.jobs.ingest.InternalValues.days;
import static io.cpm.jobs.ingest.InternalValues.map;
import static io.cpm.jobs.ingest.InternalValues.micros;
import static io.cpm.jobs.ingest.InternalValues.utf8;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.ingest.IngestSettings.Range;
import io.cpm.jobs.ingest.SourceMapping.Format;
import io.cpm.metrics.schema.Entity;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Streams one export file into rows of {@link #schema(Entity)}: the raw values (for bronze), the typed
 * canonical values (for silver) and the first row-level {@link ReasonCode} with a message naming the
 * field and value. Runs inside a Spark task, one file per task, so files are parsed on executors while
 * keeping exact line numbers.
 *
 * <p>Rows are produced in Spark's internal form ({@link InternalRow}: {@link UTF8String} text, dates as days
 * and timestamps as microseconds since the epoch, {@link Decimal} money), so building the DataFrame runs no
 * {@code Row} encoder; the values are exactly those the encoder made of {@code java.sql.Date}, {@code
 * java.sql.Timestamp} and {@code BigDecimal}.
 *
 * <p>Problems with the file as a whole (no header, a required column missing from the header, truncated or
 * corrupt gzip, unreadable bytes in the header, an empty file) throw {@link CpmException#dataQuality}
 * naming the file and what to fix.
 */
final class ExportReader implements Serializable {
  static final String SOURCE_FILE = Entity.SOURCE_FILE;
  static final String ROW_NUMBER = Entity.ROW_NUMBER;
  static final String RAW = "raw";
  static final String UNMAPPED = "_unmapped";
  static final String RAW_RECORD = "_raw_record";
  static final String TYPED = "typed";
  static final String REASON = "_reason";
  static final String MESSAGE = "_message";
  /** 64-bit hash of an accepted row's business key, and whether an earlier row of the file had the same hash. */
  static final String KEY_HASH = "_key_hash";
  static final String KEY_REPEATED = "_key_repeated";
  private static final int MAX_VALUE_IN_MESSAGE = 80;
  /** Marks a record another part of the file emits (see {@link #read(String, String, Configuration, int, int)}). */
  private static final InternalRow SKIPPED = new GenericInternalRow(0);
  private enum Kind { STRING, DATE, TIMESTAMP, INT, DECIMAL, BOOLEAN }

  private record Column(int index, String name, Kind kind, DecimalType decimal, boolean key, boolean nullable,
      boolean nonNegative, Range range, boolean businessDate) implements Serializable {}

  /** Default of {@code ingest.max-line-bytes}. */
  static final long DEFAULT_MAX_LINE_BYTES = 16L << 20;

  private final SourceMapping mapping;
  private final long maxLineBytes;
  private final LocalDate runDate;
  private final int maxRecordLines;
  private final Column[] columns;
  private final int[] checkOrder;
  private final int[] keyColumns;
  /** Date and timestamp parsers per canonical column (null for other columns). */
  private final ValueParser[] values;
  /** The mapping's derive and where expressions, or null for a rename-only mapping (the fast path). */
  private final MappingExpressions expressions;
  /** Canonical column index of each expression output. */
  private final int[] derivedColumn;

  ExportReader(SourceMapping mapping, IngestSettings settings, LocalDate runDate) {
    this(mapping, settings, runDate, DEFAULT_MAX_LINE_BYTES);
  }

  /** {@code maxLineBytes}: longest physical line read ({@code ingest.max-line-bytes}); longer fails the file. */
  ExportReader(SourceMapping mapping, IngestSettings settings, LocalDate runDate, long maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
    this.mapping = mapping;
    this.runDate = runDate;
    this.maxRecordLines = settings.maxRecordLines();
    Entity entity = mapping.entity();
    StructField[] fields = entity.schema().fields();
    this.columns = new Column[fields.length];
    List<Integer> keysFirst = new ArrayList<>();
    List<Integer> others = new ArrayList<>();
    // Window-derived columns are filled and checked after the read, over all rows (FrameDerives): the reader
    // neither checks them nor uses them to pick a task's part.
    List<String> frame = mapping.windowDerived().stream().map(MappingExpressions.Source::column).toList();
    for (int i = 0; i < fields.length; i++) {
      StructField f = fields[i];
      boolean key = entity.keys().contains(f.name());
      columns[i] = new Column(i, f.name(), kind(f.dataType()),
          f.dataType() instanceof DecimalType d ? d : null, key, f.nullable(),
          settings.nonNegative(entity, f.name()), settings.range(entity, f.name()),
          f.name().equals(entity.businessDateColumn()));
      if (!frame.contains(f.name())) {
        (key ? keysFirst : others).add(i);
      }
    }
    this.keyColumns = keysFirst.stream().mapToInt(Integer::intValue).toArray();
    keysFirst.addAll(others);
    this.checkOrder = keysFirst.stream().mapToInt(Integer::intValue).toArray();
    this.expressions = mapping.compile();
    List<String> canonical = Arrays.asList(fields).stream().map(StructField::name).toList();
    this.derivedColumn = expressions == null ? new int[0]
        : expressions.outputs().stream().mapToInt(canonical::indexOf).toArray();
    this.values = new ValueParser[fields.length];
    for (int i = 0; i < fields.length; i++) {
      List<String> patterns = mapping.patterns(fields[i].name());
      if (patterns != null) {
        boolean iso = expressions != null && expressions.isoOutputs().contains(fields[i].name());
        values[i] = new ValueParser(!iso ? patterns
            : List.of(columns[i].kind() == Kind.DATE ? ValueParser.ISO_DATE : ValueParser.ISO_TIMESTAMP));
      }
    }
  }

  /** Export columns the expressions read that {@code header} lacks, with the keys that use them; null if none. */
  String missingInputs(List<String> header) {
    List<MappingExpressions.Source> sources = new ArrayList<>(mapping.derived());
    if (mapping.where() != null) {
      sources.add(mapping.where());
    }
    java.util.Set<String> missing = new java.util.LinkedHashSet<>();
    List<String> keys = new ArrayList<>();
    for (MappingExpressions.Source s : sources) {
      List<String> lacking = MappingExpressions.missingFrom(MappingExpressions.check(s), header);
      if (!lacking.isEmpty()) {
        missing.addAll(lacking);
        keys.add(s.key() + " (" + s.where() + ")");
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    return "header lacks column(s) " + missing.stream().map(m -> "'" + m + "'").collect(
        java.util.stream.Collectors.joining(", ")) + " used by " + String.join(", ", keys);
  }

  private static Kind kind(DataType type) {
    if (type.equals(DataTypes.DateType)) {
      return Kind.DATE;
    } else if (type.equals(DataTypes.TimestampType)) {
      return Kind.TIMESTAMP;
    } else if (type.equals(DataTypes.IntegerType)) {
      return Kind.INT;
    } else if (type instanceof DecimalType) {
      return Kind.DECIMAL;
    } else if (type.equals(DataTypes.BooleanType)) {
      return Kind.BOOLEAN;
    }
    return Kind.STRING;
  }

  /** Parsed-row layout: lineage, raw strings, typed values, reason. Typed is null for a quarantined row. */
  static StructType schema(Entity entity) {
    StructType raw = new StructType();
    StructType typed = new StructType();
    for (StructField f : entity.schema().fields()) {
      raw = raw.add(f.name(), DataTypes.StringType, true);
      typed = typed.add(f.name(), f.dataType(), true);
    }
    return new StructType()
        .add(SOURCE_FILE, DataTypes.StringType, false)
        .add(ROW_NUMBER, DataTypes.LongType, false)
        .add(RAW, raw, false)
        .add(UNMAPPED, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true)
        .add(RAW_RECORD, DataTypes.StringType, true)
        .add(TYPED, typed, true)
        .add(REASON, DataTypes.StringType, true)
        .add(MESSAGE, DataTypes.StringType, true)
        .add(KEY_HASH, DataTypes.LongType, true)
        .add(KEY_REPEATED, DataTypes.BooleanType, false);
  }

  /** Opens {@code path} (gunzipping as the mapping says) and streams its rows; {@code name} goes into lineage. */
  Iterator<InternalRow> read(String path, String name, Configuration hadoopConf) {
    return read(path, name, hadoopConf, 0, 1);
  }

  /**
   * Streams part {@code part} of {@code parts} of a CSV file's rows, so several tasks can share one file that
   * cannot be split by bytes (gzip). Every part reads the whole file, so line numbers and record boundaries are
   * the same in each; a part types and emits only the records it owns. A record whose key columns parse is owned
   * by the part its key hash selects, so all rows of one key meet in one part and duplicate keys are still found;
   * any other record (malformed, bad bytes, a missing or unparseable key) by its record index.
   */
  Iterator<InternalRow> read(String path, String name, Configuration hadoopConf, int part, int parts) {
    if (parts < 1 || part < 0 || part >= parts || (parts > 1 && mapping.format() == Format.JSONL)) {
      throw new IllegalArgumentException("part " + part + " of " + parts + " of " + name);
    }
    ExportLines lines = open(path, name, hadoopConf);
    return mapping.format() == Format.JSONL ? new JsonRows(lines, name) : new CsvRows(lines, name, part, parts);
  }

  /**
   * Reads only the header of a CSV file and checks it as the full read would (required columns, the columns
   * the expressions use), so ingest can judge every file before it parses any. A JSON Lines file has no header.
   */
  List<String> checkHeader(String path, String name, Configuration hadoopConf) {
    if (mapping.format() != Format.CSV || !mapping.header()) {
      return null;
    }
    ExportLines lines = open(path, name, hadoopConf);
    try {
      return new CsvRows(lines, name, 0, 1).header;
    } finally {
      lines.close();
    }
  }

  /** The first {@code limit} rows of a file, read as ingest reads them (for {@code cpm check-mapping}). */
  List<InternalRow> sample(String path, String name, Configuration hadoopConf, int limit) {
    ExportLines lines = open(path, name, hadoopConf);
    try {
      Iterator<InternalRow> rows = mapping.format() == Format.JSONL ? new JsonRows(lines, name)
          : new CsvRows(lines, name, 0, 1);
      List<InternalRow> result = new ArrayList<>();
      while (result.size() < limit && rows.hasNext()) {
        result.add(rows.next().copy());
      }
      return result;
    } finally {
      lines.close();
    }
  }

  private ExportLines open(String path, String name, Configuration hadoopConf) {
    try {
      Path file = new Path(path);
      FileSystem fs = file.getFileSystem(hadoopConf);
      InputStream in = fs.open(file, 1 << 20);
      if (mapping.gzipped(path)) {
        try {
          in = new GZIPInputStream(in, 1 << 16);
        } catch (ZipException | EOFException e) {
          in.close();
          throw fileProblem(name, "not a readable gzip file (" + e.getMessage() + "); re-export it, or set "
              + mapping.configKey() + ".compression = none if it is not compressed");
        }
      }
      return new ExportLines(in, name, mapping.encoding(), maxLineBytes, what -> fileProblem(name, what));
    } catch (IOException e) {
      throw fileProblem(name, "cannot be read: " + e.getMessage());
    }
  }

  private CpmException fileProblem(String name, String what) {
    return CpmException.dataQuality("file " + name + " (" + mapping.configKey() + "): " + what);
  }

  /** Iterates rows, reading ahead one row so {@link #hasNext()} is exact. */
  private abstract class RowIterator implements Iterator<InternalRow> {
    protected final ExportLines lines;
    protected final String name;
    private final UTF8String file;
    private final LongSet keysSeen = new LongSet();
    private InternalRow next;

    RowIterator(ExportLines lines, String name) {
      this.lines = lines;
      this.name = name;
      this.file = UTF8String.fromString(name);
    }

    /** The next row, or null at the end of the file. */
    protected abstract InternalRow advance();

    @Override
    public boolean hasNext() {
      if (next == null) {
        next = advance();
      }
      return next != null;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      InternalRow result = next;
      next = null;
      return result;
    }

    /** Whether this part emits record {@code index} when its key cannot decide (see {@link #read}). */
    protected boolean ownsIndex(long index, int part, int parts) {
      return parts == 1 || Math.floorMod(index, parts) == part;
    }

    /** Whether this part emits the record with these raw values: by its parsed key's hash, else by index. */
    protected boolean ownsKey(String[] raw, long index, int part, int parts) {
      if (parts == 1) {
        return true;
      }
      Object[] keys = new Object[columns.length];
      for (int i : keyColumns) {
        String value = raw[i] == null ? null : raw[i].trim();
        Object parsed = value == null || value.isEmpty() ? null : parse(columns[i], value);
        if (parsed == null) {
          return ownsIndex(index, part, parts);
        }
        keys[i] = parsed;
      }
      return Math.floorMod(keyHash(keys), parts) == part;
    }

    protected ExportLines.Line nextNonBlank() {
      ExportLines.Line line;
      do {
        line = lines.next();
      } while (line != null && line.text().isBlank());
      return line;
    }

    protected InternalRow rejected(long number, String record, ReasonCode reason, String message) {
      return row(number, new GenericInternalRow(columns.length), null, record, null, reason, message, null, false);
    }

    /** One row of {@link #schema(Entity)}, in its field order. */
    private InternalRow row(long number, InternalRow raw, ArrayBasedMapData unmapped, String record,
        InternalRow typed, ReasonCode reason, String message, Long keyHash, boolean repeated) {
      return new GenericInternalRow(new Object[] {file, number, raw, unmapped, utf8(record), typed,
          reason == null ? null : utf8(reason.name()), utf8(message), keyHash, repeated});
    }

    /**
     * Evaluates the mapping's expressions for one record: fills the derived canonical columns into {@code raw},
     * and returns null; or returns the record's FILTERED row when the row filter drops it (its raw values kept for
     * bronze), or a BAD_VALUE row when an expression fails on this record's values.
     */
    protected InternalRow derive(long number, String record, String[] raw, Map<String, String> unmapped,
        Object[] inputs) {
      String[] derived;
      try {
        derived = expressions.evaluate(inputs);
      } catch (RuntimeException e) {
        return row(number, rawRow(raw), map(unmapped), record, null, ReasonCode.BAD_VALUE, "a derive or where"
            + " expression of " + mapping.configKey() + " failed on this row: " + shorten(String.valueOf(
                e.getMessage())), null, false);
      }
      if (derived == null) {
        return row(number, rawRow(raw), map(unmapped), record, null, ReasonCode.FILTERED, "dropped by "
            + mapping.where().key() + " = \"" + shorten(mapping.where().sql()) + "\"", null, false);
      }
      for (int j = 0; j < derived.length; j++) {
        raw[derivedColumn[j]] = derived[j];
      }
      return null;
    }

    protected InternalRow invalidEncoding(ExportLines.Line line) {
      return rejected(line.number(), line.text(), ReasonCode.INVALID_UTF8, "line " + line.number()
          + ": byte at offset " + line.badByte() + " is not valid " + mapping.encoding());
    }

    /** Types and checks one record's raw values, producing its row with the first reason that applies. */
    protected InternalRow typed(long number, String record, String[] raw, Map<String, String> unmapped) {
      Object[] typed = new Object[columns.length];
      Object[] parsedValues = new Object[columns.length];
      ReasonCode reason = null;
      String message = null;
      for (int i : checkOrder) {
        Column column = columns[i];
        String value = raw[i] == null ? null : raw[i].trim();
        if (value == null || value.isEmpty()) {
          if (column.key()) {
            reason = ReasonCode.MISSING_KEY;
          } else if (!column.nullable()) {
            reason = ReasonCode.MISSING_REQUIRED;
          } else {
            continue;
          }
          message = column.name() + " is empty";
          break;
        }
        Object parsed = parse(column, value);
        if (parsed == null) {
          reason = switch (column.kind()) {
            case DATE, TIMESTAMP -> ReasonCode.BAD_DATE;
            case BOOLEAN -> ReasonCode.BAD_VALUE;
            default -> ReasonCode.BAD_NUMBER;
          };
          message = column.name() + " = '" + shorten(value) + "' is not " + describe(column);
          break;
        }
        if (column.nonNegative() && ((BigDecimal) parsed).signum() < 0) {
          reason = ReasonCode.NEGATIVE_AMOUNT;
          message = column.name() + " = '" + shorten(value) + "' is negative";
          break;
        }
        if (column.range() != null && outside(parsed, column.range())) {
          reason = ReasonCode.OUT_OF_RANGE;
          message = column.name() + " = '" + shorten(value) + "' is outside [" + column.range().min() + ", "
              + column.range().max() + "]";
          break;
        }
        if (column.businessDate() && businessDay(parsed).isAfter(runDate)) {
          reason = ReasonCode.FUTURE_DATE;
          message = column.name() + " = '" + shorten(value) + "' is after the run date " + runDate;
          break;
        }
        parsedValues[i] = parsed;
        typed[i] = internal(column, parsed);
      }
      InternalRow typedRow = null;
      Long keyHash = null;
      boolean repeated = false;
      if (reason == null) {
        typedRow = new GenericInternalRow(typed);
        long hash = keyHash(parsedValues);
        keyHash = hash;
        repeated = !keysSeen.add(hash);
      }
      return row(number, rawRow(raw), map(unmapped), record, typedRow, reason, message, keyHash, repeated);
    }

    private InternalRow rawRow(String[] raw) {
      Object[] rawValues = new Object[raw.length];
      for (int i = 0; i < raw.length; i++) {
        rawValues[i] = utf8(raw[i]);
      }
      return new GenericInternalRow(rawValues);
    }

    /** FNV-1a over the key values; equal keys give equal hashes, so a first-seen hash is a first-seen key. */
    private long keyHash(Object[] parsed) {
      long hash = 0xcbf29ce484222325L;
      for (int i : keyColumns) {
        String value = String.valueOf(parsed[i]);
        for (int c = 0; c < value.length(); c++) {
          hash = (hash ^ value.charAt(c)) * 0x100000001b3L;
        }
        hash = (hash ^ 0x1F) * 0x100000001b3L;
      }
      return hash;
    }

    private Object parse(Column column, String value) {
      return switch (column.kind()) {
        case STRING -> value;
        case DATE -> values[column.index()].date(value);
        case TIMESTAMP -> values[column.index()].timestamp(value);
        case INT -> ValueParser.integer(value);
        case DECIMAL -> ValueParser.decimal(value, column.decimal());
        case BOOLEAN -> ValueParser.bool(value);
      };
    }

    private String describe(Column column) {
      return switch (column.kind()) {
        case DATE, TIMESTAMP -> (column.kind() == Kind.DATE ? "a date (" : "a timestamp (")
            + String.join(" or ", mapping.patterns(column.name())) + ")";
        case INT -> "an integer";
        case DECIMAL -> "a decimal(" + column.decimal().precision() + "," + column.decimal().scale() + ")";
        case BOOLEAN -> "a boolean (true/false)";
        case STRING -> "text";
      };
    }
  }

  private static boolean outside(Object value, Range range) {
    if (value instanceof Integer i) {
      return i < range.min() || i > range.max();
    }
    BigDecimal d = (BigDecimal) value;
    return d.compareTo(BigDecimal.valueOf(range.min())) < 0 || d.compareTo(BigDecimal.valueOf(range.max())) > 0;
  }

  private static LocalDate businessDay(Object value) {
    return value instanceof LocalDateTime t ? t.toLocalDate() : (LocalDate) value;
  }

  /** A parsed value in Spark's internal form for the column's type. */
  private static Object internal(Column column, Object value) {
    return switch (column.kind()) {
      case STRING -> UTF8String.fromString((String) value);
      case DATE -> days((LocalDate) value);
      case TIMESTAMP -> micros((LocalDateTime) value);
      case DECIMAL -> Decimal.apply((BigDecimal) value, column.decimal().precision(), column.decimal().scale());
      case INT, BOOLEAN -> value;
    };
  }

  /** An export value as an expression sees it: an empty field is null, as in Spark's own CSV reader. */
  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String shorten(String value) {
    return value.length() <= MAX_VALUE_IN_MESSAGE ? value : value.substring(0, MAX_VALUE_IN_MESSAGE) + "...";
  }

  /** CSV: header by name (or positions), fields counted per record, quoted fields over several lines. */
  private final class CsvRows extends RowIterator {
    private final int[] columnOfField;
    private final String[] unmappedNames;
    private final int expectedFields;
    private final List<String> fields = new ArrayList<>();

    private final int part;
    private final int parts;
    /** The header's column names (trimmed), or null without a header. */
    private List<String> header;
    /** Header field of each expression input; -1 for the line number. */
    private int[] fieldOfInput;
    private long records;

    CsvRows(ExportLines lines, String name, int part, int parts) {
      super(lines, name);
      this.part = part;
      this.parts = parts;
      char delimiter = mapping.delimiter();
      if (mapping.header()) {
        ExportLines.Line header = nextNonBlank();
        if (header == null) {
          throw fileProblem(name, "file is empty: not even a header line; a day without rows must still"
              + " deliver the header (or set " + mapping.configKey() + ".required = false and omit the file)");
        }
        if (header.badByte() >= 0) {
          throw fileProblem(name, "header line is not valid " + mapping.encoding() + " (byte offset "
              + header.badByte() + "); re-export in " + mapping.encoding() + " or set " + mapping.configKey()
              + ".encoding");
        }
        if (CsvRecord.split(header.text(), delimiter, fields) != CsvRecord.Status.OK) {
          throw fileProblem(name, "header line is malformed (unbalanced quotes)");
        }
        expectedFields = fields.size();
        columnOfField = new int[expectedFields];
        unmappedNames = new String[expectedFields];
        Map<String, Integer> seen = new HashMap<>();
        List<String> canonical = Arrays.asList(mapping.entity().schema().fieldNames());
        for (int f = 0; f < expectedFields; f++) {
          String column = fields.get(f).trim();
          if (seen.put(column, f) != null) {
            throw fileProblem(name, "header names column '" + column + "' twice");
          }
          String target = mapping.canonicalOf(column);
          columnOfField[f] = target == null ? -1 : canonical.indexOf(target);
          unmappedNames[f] = target == null ? column : null;
        }
        this.header = fields.stream().map(String::trim).toList();
        checkRequired(seen.keySet(), name);
        bindInputs(new ArrayList<>(fields), name);
      } else {
        int max = mapping.columns().keySet().stream().mapToInt(Integer::parseInt).max().orElse(0);
        expectedFields = max;
        columnOfField = new int[max];
        Arrays.fill(columnOfField, -1);
        unmappedNames = new String[max];
        List<String> canonical = Arrays.asList(mapping.entity().schema().fieldNames());
        for (int f = 0; f < max; f++) {
          String target = mapping.canonicalOf(String.valueOf(f + 1));
          columnOfField[f] = target == null ? -1 : canonical.indexOf(target);
          unmappedNames[f] = target == null ? "column_" + (f + 1) : null;
        }
        List<String> names = new ArrayList<>();
        for (int f = 0; f < max; f++) {
          names.add("column_" + (f + 1));
        }
        bindInputs(names, name);
      }
    }

    /** Finds each expression input among the header's columns (trimmed; Spark's case-insensitive rule). */
    private void bindInputs(List<String> header, String name) {
      List<String> trimmed = header.stream().map(String::trim).toList();
      String missing = missingInputs(trimmed);
      if (missing != null) {
        throw fileProblem(name, missing + "; fix the export or the expression");
      }
      if (expressions == null) {
        return;
      }
      List<String> inputs = expressions.inputs();
      fieldOfInput = new int[inputs.size()];
      for (int k = 0; k < inputs.size(); k++) {
        fieldOfInput[k] = inputs.get(k).equals(MappingExpressions.LINE_NUMBER) ? -1
            : MappingExpressions.indexOf(trimmed, inputs.get(k));
      }
    }

    private void checkRequired(java.util.Set<String> header, String name) {
      List<String> missing = new ArrayList<>();
      for (Map.Entry<String, String> e : mapping.columns().entrySet()) {
        if (!header.contains(e.getKey()) && mapping.requiredColumns().contains(e.getValue())) {
          missing.add("'" + e.getKey() + "'" + (e.getKey().equals(e.getValue()) ? "" : " (-> " + e.getValue() + ")"));
        }
      }
      if (!missing.isEmpty()) {
        throw fileProblem(name, "header lacks required column(s) " + String.join(", ", missing)
            + "; fix the export or the column mapping " + mapping.configKey() + ".columns (" + mapping.origin() + ")");
      }
    }

    @Override
    protected InternalRow advance() {
      while (true) {
        InternalRow row = nextRecord();
        if (row != SKIPPED) {
          return row;
        }
      }
    }

    /** The next record's row, {@link #SKIPPED} if another part owns it, or null at the end of the file. */
    private InternalRow nextRecord() {
      ExportLines.Line first = nextNonBlank();
      if (first == null) {
        return null;
      }
      long index = records++;
      boolean ownsIndex = ownsIndex(index, part, parts);
      if (first.badByte() >= 0) {
        return ownsIndex ? invalidEncoding(first) : SKIPPED;
      }
      char delimiter = mapping.delimiter();
      String record = first.text();
      CsvRecord.Status status = CsvRecord.split(record, delimiter, fields);
      if (status == CsvRecord.Status.OPEN_QUOTE && maxRecordLines > 1) {
        List<ExportLines.Line> extra = new ArrayList<>();
        StringBuilder joined = new StringBuilder(record);
        boolean clean = true;
        while (status == CsvRecord.Status.OPEN_QUOTE && extra.size() < maxRecordLines - 1) {
          ExportLines.Line line = lines.next();
          if (line == null) {
            break;
          }
          extra.add(line);
          clean &= line.badByte() < 0;
          joined.append('\n').append(line.text());
          status = CsvRecord.split(joined.toString(), delimiter, fields);
        }
        if (status == CsvRecord.Status.OK && clean && fields.size() == expectedFields) {
          record = joined.toString();
        } else {
          lines.pushBack(extra);
          status = CsvRecord.Status.OPEN_QUOTE;
        }
      }
      if (status != CsvRecord.Status.OK) {
        String why = switch (status) {
          case OPEN_QUOTE -> "a quoted field is never closed (unbalanced quotes) within ingest.max-record-lines = "
              + maxRecordLines + " lines; raise that key if the export has longer multi-line texts";
          case TEXT_AFTER_QUOTE -> "text follows a closing quote";
          default -> "a quote inside an unquoted field";
        };
        return ownsIndex ? rejected(first.number(), record, ReasonCode.MALFORMED_LINE, "line " + first.number()
            + ": " + why) : SKIPPED;
      }
      if (fields.size() != expectedFields) {
        return !ownsIndex ? SKIPPED : rejected(first.number(), record, ReasonCode.WRONG_FIELD_COUNT, "line "
            + first.number() + " has " + fields.size() + " fields, "
            + (mapping.header() ? "the header has " : "the mapping expects ") + expectedFields);
      }
      String[] raw = new String[columns.length];
      Map<String, String> unmapped = null;
      for (int f = 0; f < expectedFields; f++) {
        int c = columnOfField[f];
        if (c >= 0) {
          raw[c] = fields.get(f);
        } else {
          if (unmapped == null) {
            unmapped = new LinkedHashMap<>();
          }
          unmapped.put(unmappedNames[f], fields.get(f));
        }
      }
      if (expressions != null) {
        Object[] inputs = new Object[fieldOfInput.length];
        for (int k = 0; k < inputs.length; k++) {
          int f = fieldOfInput[k];
          inputs[k] = f < 0 ? (Object) first.number() : emptyToNull(fields.get(f));
        }
        InternalRow dropped = derive(first.number(), record, raw, unmapped, inputs);
        if (dropped != null) {
          return ownsIndex ? dropped : SKIPPED;
        }
      }
      return ownsKey(raw, index, part, parts) ? typed(first.number(), record, raw, unmapped) : SKIPPED;
    }
  }

  /** JSON Lines: one object per line; values may be strings, numbers, booleans or null. */
  private final class JsonRows extends RowIterator {
    private final ObjectMapper json = new ObjectMapper()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final List<String> canonical = Arrays.asList(mapping.entity().schema().fieldNames());
    private boolean any;

    JsonRows(ExportLines lines, String name) {
      super(lines, name);
    }

    @Override
    protected InternalRow advance() {
      ExportLines.Line line = nextNonBlank();
      if (line == null) {
        if (!any) {
          throw fileProblem(name, "file is empty (no JSON lines); omit it and set " + mapping.configKey()
              + ".required = false if a day can have no rows");
        }
        return null;
      }
      any = true;
      if (line.badByte() >= 0) {
        return invalidEncoding(line);
      }
      JsonNode node;
      try {
        node = json.readTree(line.text());
      } catch (IOException e) {
        node = null;
      }
      if (node == null || !node.isObject()) {
        return rejected(line.number(), line.text(), ReasonCode.MALFORMED_LINE, "line " + line.number()
            + ": not a JSON object");
      }
      String[] raw = new String[columns.length];
      Map<String, String> unmapped = null;
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> field = it.next();
        String value = text(field.getValue());
        String target = mapping.canonicalOf(field.getKey());
        if (target != null) {
          raw[canonical.indexOf(target)] = value;
        } else {
          if (unmapped == null) {
            unmapped = new LinkedHashMap<>();
          }
          unmapped.put(field.getKey(), value);
        }
      }
      if (expressions != null) {
        List<String> inputs = expressions.inputs();
        Object[] values = new Object[inputs.size()];
        for (int k = 0; k < values.length; k++) {
          String input = inputs.get(k);
          if (input.equals(MappingExpressions.LINE_NUMBER)) {
            values[k] = line.number();
            continue;
          }
          JsonNode value = node.get(input);
          if (value == null) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext() && value == null; ) {
              String candidate = names.next();
              value = candidate.equalsIgnoreCase(input) ? node.get(candidate) : null;
            }
          }
          values[k] = value == null ? null : emptyToNull(text(value));
        }
        InternalRow dropped = derive(line.number(), line.text(), raw, unmapped, values);
        if (dropped != null) {
          return dropped;
        }
      }
      return typed(line.number(), line.text(), raw, unmapped);
    }

    private String text(JsonNode value) {
      if (value.isNull()) {
        return null;
      }
      if (value.isTextual()) {
        return value.textValue();
      }
      if (value.isDouble() && !Double.isFinite(value.doubleValue())) {
        // Jackson keeps a float literal beyond double's range (1e400) as Infinity even with BigDecimal floats on;
        // "Infinity" fails every numeric column, so the row is quarantined as BAD_NUMBER.
        return value.asText();
      }
      if (value.isBigDecimal() || value.isFloatingPointNumber()) {
        return value.decimalValue().toPlainString();
      }
      return value.isValueNode() ? value.asText() : value.toString();
    }
  }
}
