package io.cpm.jobs.publish;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.common.CellFormat;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of one run date's CRM score file: {@code customer_scores} joined with {@code customer_segments},
 * {@code customer_features} and (for allow-listed personal data) {@code customers}, reduced to the configured
 * columns and formatted as text cells ({@link CellFormat}). Each row also carries a SHA-256 of its exported
 * values (headers included, run date excluded) so an incremental export can tell which customers changed.
 */
public final class ScoreExport {
  static final String SCORES = GoldTable.CUSTOMER_SCORES.table();
  static final String SEGMENTS = GoldTable.CUSTOMER_SEGMENTS.table();
  static final String FEATURES = GoldTable.CUSTOMER_FEATURES.table();
  static final String CUSTOMER_ID = "customer_id";
  /** Column of the formatted rows holding the hash of the exported values. */
  public static final String ROW_HASH = "row_hash";

  /** Formatted rows ({@code customer_id}, one string column per header, {@code row_hash}) and their headers. */
  public record Prepared(Dataset<Row> rows, List<String> headers, List<String> columnTypes,
      List<String> excludedPii) {
    public Prepared {
      headers = List.copyOf(headers);
      columnTypes = List.copyOf(columnTypes);
      excludedPii = List.copyOf(excludedPii);
    }
  }

  private ScoreExport() {}

  public static Prepared prepare(Tables tables, LocalDate runDate, PublishSettings settings) {
    if (!tables.exists(SCORES)) {
      throw CpmException.inputMissing("table " + tables.qualifiedName(SCORES) + " does not exist at "
          + tables.location(SCORES) + "; run 'cpm score --run-date " + runDate + "' first");
    }
    Map<String, Dataset<Row>> sources = new LinkedHashMap<>();
    sources.put(SCORES, tables.readRunDate(SCORES, runDate));
    for (String table : List.of(SEGMENTS, FEATURES)) {
      if (tables.exists(table)) {
        sources.put(table, tables.readRunDate(table, runDate));
      }
    }
    String customers = Entity.ACCOUNTS.table();
    if (tables.exists(customers)) {
      sources.put(customers, customersAsOf(tables, runDate));
    }

    List<String> excludedPii = new ArrayList<>();
    Map<String, List<String>> columnsByTable = new LinkedHashMap<>();
    sources.keySet().forEach(t -> columnsByTable.put(t, new ArrayList<>()));
    List<String> exported = new ArrayList<>();
    for (String column : settings.columns()) {
      if (!settings.exportable(column)) {
        excludedPii.add(column);
        continue;
      }
      String table = sources.entrySet().stream()
          .filter(e -> List.of(e.getValue().columns()).contains(column))
          .map(Map.Entry::getKey).findFirst()
          .orElseThrow(() -> CpmException.usage("publish.crm.columns: column '" + column + "' is in none of "
              + sources.keySet() + " (tables present in " + tables.warehouse() + ")"));
      columnsByTable.get(table).add(column);
      exported.add(column);
    }

    Dataset<Row> scores = sources.get(SCORES);
    if (scores.isEmpty()) {
      throw CpmException.inputMissing("table " + tables.qualifiedName(SCORES) + " has no rows for run_date "
          + runDate + "; run 'cpm score --run-date " + runDate + "' first");
    }
    Dataset<Row> joined = select(scores, columnsByTable.get(SCORES));
    for (Map.Entry<String, List<String>> e : columnsByTable.entrySet()) {
      if (!e.getKey().equals(SCORES) && !e.getValue().isEmpty()) {
        joined = joined.join(select(sources.get(e.getKey()), e.getValue()), CUSTOMER_ID, "left");
      }
    }
    Column[] ordered = new Column[exported.size() + 1];
    ordered[0] = functions.col(CUSTOMER_ID);
    for (int i = 0; i < exported.size(); i++) {
      ordered[i + 1] = functions.col(exported.get(i));
    }
    Dataset<Row> values = joined.select(ordered);
    return format(values, runDate, settings, exported, excludedPii);
  }

  /**
   * Silver customers as they were after run date D was ingested, so re-publishing D later gives the same personal
   * data. Silver is MERGEd (a later export replaces a customer's row, with a later {@code _run_date}), so when a
   * row is newer than D the newest Delta version holding nothing newer than D is read (time travel; {@code
   * max(_run_date)} only grows from version to version, so a binary search finds it). If the log no longer reaches
   * back that far (log retention), the file cannot be reproduced and publishing fails rather than mixing dates.
   */
  static Dataset<Row> customersAsOf(Tables tables, LocalDate runDate) {
    String table = Entity.ACCOUNTS.table();
    Dataset<Row> current = tables.read(table);
    if (!List.of(current.columns()).contains(Entity.RUN_DATE) || !newerThan(current, runDate)) {
      return current;
    }
    String location = tables.location(table);
    List<Long> versions = new ArrayList<>();
    for (Row r : io.delta.tables.DeltaTable.forPath(tables.spark(), location).history().select("version")
        .collectAsList()) {
      versions.add(r.getLong(0));
    }
    versions.sort(null);
    int low = 0;
    int high = versions.size() - 1;
    Long found = null;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      Dataset<Row> snapshot = tables.spark().read().format("delta").option("versionAsOf", versions.get(middle))
          .load(location);
      if (newerThan(snapshot, runDate)) {
        high = middle - 1;
      } else {
        found = versions.get(middle);
        low = middle + 1;
      }
    }
    if (found == null) {
      throw CpmException.dataQuality("cannot publish " + runDate + " reproducibly: " + tables.qualifiedName(table)
          + " holds rows ingested after it and its Delta history no longer reaches back to " + runDate
          + " (delta.logRetentionDuration); publish run dates in order, or export without personal-data columns");
    }
    return tables.spark().read().format("delta").option("versionAsOf", found).load(location);
  }

  private static boolean newerThan(Dataset<Row> customers, LocalDate runDate) {
    return !customers.where(functions.col(Entity.RUN_DATE).gt(functions.lit(java.sql.Date.valueOf(runDate))))
        .isEmpty();
  }

  private static Dataset<Row> select(Dataset<Row> table, List<String> columns) {
    List<Column> selected = new ArrayList<>();
    selected.add(functions.col(CUSTOMER_ID));
    columns.forEach(c -> selected.add(functions.col(c)));
    // One row per customer even if an upstream table was appended twice for a date.
    return table.select(selected.toArray(Column[]::new)).dropDuplicates(CUSTOMER_ID);
  }

  private static Prepared format(Dataset<Row> values, LocalDate runDate, PublishSettings settings,
      List<String> exported, List<String> excludedPii) {
    List<String> headers = new ArrayList<>();
    List<String> types = new ArrayList<>();
    headers.add(settings.externalIdColumn());
    types.add("string");
    boolean withRunDate = !settings.runDateColumn().isBlank();
    if (withRunDate) {
      headers.add(settings.runDateColumn());
      types.add("date");
    }
    boolean[] text = new boolean[exported.size()];
    for (int i = 0; i < exported.size(); i++) {
      StructField field = values.schema().apply(exported.get(i));
      text[i] = field.dataType().equals(DataTypes.StringType);
      headers.add(settings.header(exported.get(i)));
      types.add(field.dataType().typeName());
    }
    if (headers.stream().distinct().count() != headers.size()) {
      throw CpmException.usage("publish.crm: exported headers are not unique: " + headers);
    }
    StructType schema = new StructType().add(CUSTOMER_ID, DataTypes.StringType, false);
    for (int i = 0; i < headers.size(); i++) {
      schema = schema.add("c" + i, DataTypes.StringType, false);
    }
    schema = schema.add(ROW_HASH, DataTypes.StringType, false);
    RowFormatter formatter = new RowFormatter(text, settings.decimalPlaces(), withRunDate ? runDate.toString() : null,
        String.join("\u001f", headers.subList(withRunDate ? 2 : 1, headers.size())));
    Dataset<Row> rows = values.map(formatter, Encoders.row(schema));
    return new Prepared(rows, headers, types, excludedPii);
  }

  /** Formats one joined row into text cells and hashes the exported values. */
  private static final class RowFormatter implements MapFunction<Row, Row> {
    private final boolean[] text;
    private final int decimalPlaces;
    private final String runDate;
    private final String headerKey;

    RowFormatter(boolean[] text, int decimalPlaces, String runDate, String headerKey) {
      this.text = text;
      this.decimalPlaces = decimalPlaces;
      this.runDate = runDate;
      this.headerKey = headerKey;
    }

    @Override
    public Row call(Row row) throws NoSuchAlgorithmException {
      List<Object> cells = new ArrayList<>();
      String customerId = row.getString(0);
      cells.add(customerId);
      cells.add(CellFormat.neutralize(customerId));
      if (runDate != null) {
        cells.add(runDate);
      }
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(headerKey.getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < text.length; i++) {
        Object value = row.get(i + 1);
        String cell = text[i] ? CellFormat.neutralize((String) value) : CellFormat.plain(value, decimalPlaces);
        if (cell == null) {
          cell = "";
        }
        cells.add(cell);
        digest.update((byte) 0x1e);
        // Null and empty text are both empty cells but different values; the marker keeps them apart.
        digest.update(value == null ? new byte[] {0} : cell.getBytes(StandardCharsets.UTF_8));
      }
      cells.add(HexFormat.of().formatHex(digest.digest()));
      return RowFactory.create(cells.toArray());
    }
  }
}
