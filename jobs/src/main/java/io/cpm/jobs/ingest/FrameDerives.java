package io.cpm.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.cpm.metrics.schema.Entity;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.WindowSpecDefinition;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import scala.collection.JavaConverters;

/**
 * Derive expressions with a window function (a line number within an order), evaluated on the parsed rows of one
 * mapping, since they need the other rows. Only rows that passed the per-record checks and the row filter take part
 * (a quarantined row gets no number and takes none); the result is cast to the canonical type and written into the
 * row's typed and raw values. {@value MappingExpressions#LINE_NUMBER} is the row's line and
 * {@value MappingExpressions#SOURCE_FILE} its file; {@code row_number()} windows are ordered last by file and line
 * (see {@link MappingExpressions#windowExpression}), so numbers do not depend on how files were split into tasks.
 * A null result in a key or required column quarantines the row (MISSING_KEY / MISSING_REQUIRED), as an empty
 * field would, and a number outside {@code ingest.ranges} as OUT_OF_RANGE.
 */
final class FrameDerives {
  private FrameDerives() {}

  /** {@code parsed} (rows of {@link ExportReader#schema}) with the mapping's window columns filled; as is if none. */
  static Dataset<Row> apply(Dataset<Row> parsed, SourceMapping mapping, IngestSettings settings) {
    Objects.requireNonNull(parsed, "parsed");
    Objects.requireNonNull(settings, "settings");
    List<MappingExpressions.Source> windows = mapping.windowDerived();
    if (windows.isEmpty()) {
      return parsed;
    }
    Entity entity = mapping.entity();
    // Quarantined rows take no part: every window is also partitioned by whether the row passed the reader's
    // checks (one pass over the parsed rows; splitting and re-uniting them would read the files twice).
    Column accepted = col(ExportReader.REASON).isNull();
    Dataset<Row> rows = parsed;
    List<String> values = new ArrayList<>();
    for (MappingExpressions.Source s : windows) {
      DataType type = entity.schema().apply(s.column()).dataType();
      Expression expression = MappingExpressions.rebuild(MappingExpressions.windowExpression(s, type),
          e -> e instanceof UnresolvedAttribute a && a.nameParts().size() == 1
              ? input(mapping, a.nameParts().head()).expr() : null);
      expression = MappingExpressions.rebuild(expression, e -> {
        if (e instanceof WindowSpecDefinition spec) {
          List<Expression> partitions = new ArrayList<>(JavaConverters.seqAsJavaList(spec.partitionSpec()));
          partitions.add(accepted.expr());
          return new WindowSpecDefinition(JavaConverters.asScalaBuffer(partitions).toSeq(), spec.orderSpec(),
              spec.frameSpecification());
        }
        return null;
      });
      String value = "_window_" + values.size();
      rows = rows.withColumn(value, functions.when(accepted, new Column(expression)));
      values.add(value);
    }
    Column reason = col(ExportReader.REASON);
    Column message = col(ExportReader.MESSAGE);
    for (int i = windows.size() - 1; i >= 0; i--) {
      // Checked in reverse, so the first window column that is empty names the row's reason, as in the reader.
      String column = windows.get(i).column();
      StructField field = entity.schema().apply(column);
      boolean key = entity.keys().contains(column);
      Column value = col(values.get(i));
      IngestSettings.Range range = settings.range(entity, column);
      if (range != null) {
        Column outside = accepted.and(value.lt(lit(range.min())).or(value.gt(lit(range.max()))));
        reason = functions.when(outside, lit(ReasonCode.OUT_OF_RANGE.name())).otherwise(reason);
        message = functions.when(outside, functions.concat(lit(column + " = '"), value.cast("string"),
            lit("' is outside [" + range.min() + ", " + range.max() + "] (" + windows.get(i).key() + ")")))
            .otherwise(message);
      }
      if (key || !field.nullable()) {
        Column empty = accepted.and(value.isNull());
        reason = functions.when(empty, lit((key ? ReasonCode.MISSING_KEY : ReasonCode.MISSING_REQUIRED).name()))
            .otherwise(reason);
        message = functions.when(empty, lit(column + " is empty: " + windows.get(i).key() + " gave no value"))
            .otherwise(message);
      }
    }
    Column typed = col(ExportReader.TYPED);
    Column raw = col(ExportReader.RAW);
    for (int i = 0; i < windows.size(); i++) {
      typed = typed.withField(windows.get(i).column(), col(values.get(i)));
      raw = raw.withField(windows.get(i).column(), col(values.get(i)).cast("string"));
    }
    rows = rows.withColumn(ExportReader.REASON, reason).withColumn(ExportReader.MESSAGE, message);
    Column ok = col(ExportReader.REASON).isNull();
    rows = rows.withColumn(ExportReader.RAW, raw)
        .withColumn(ExportReader.TYPED, functions.when(ok, typed));
    if (windows.stream().anyMatch(s -> entity.keys().contains(s.column()))) {
      // The reader hashed the key without the window columns; hash the whole key again, so only rows that
      // really share a key are DUPLICATE_KEY candidates.
      Column hash = functions.xxhash64(entity.keys().stream().map(k -> col(ExportReader.TYPED + "." + k))
          .toArray(Column[]::new));
      rows = rows.withColumn(ExportReader.KEY_HASH, functions.when(ok, hash))
          .withColumn(ExportReader.KEY_REPEATED, ok.and(functions.row_number().over(Window
              .partitionBy(col(ExportReader.SOURCE_FILE), col(ExportReader.KEY_HASH))
              .orderBy(col(ExportReader.ROW_NUMBER))).gt(1)));
    } else {
      rows = rows.withColumn(ExportReader.KEY_HASH, functions.when(ok, col(ExportReader.KEY_HASH)))
          .withColumn(ExportReader.KEY_REPEATED, ok.and(col(ExportReader.KEY_REPEATED)));
    }
    return rows.select(java.util.Arrays.stream(parsed.columns()).map(functions::col).toArray(Column[]::new));
  }

  /**
   * An export column as the per-record expressions see it (null for an empty field): its renamed canonical raw
   * value, else its {@code _unmapped} entry; or the row's line or file.
   */
  private static Column input(SourceMapping mapping, String name) {
    if (name.equals(MappingExpressions.LINE_NUMBER)) {
      return col(ExportReader.ROW_NUMBER);
    }
    if (name.equals(MappingExpressions.SOURCE_FILE)) {
      return col(ExportReader.SOURCE_FILE);
    }
    String canonical = mapping.canonicalOf(name);
    if (canonical == null) {
      for (String exportColumn : mapping.columns().keySet()) {
        canonical = exportColumn.equalsIgnoreCase(name) ? mapping.canonicalOf(exportColumn) : canonical;
      }
    }
    if (canonical == null && !mapping.header() && name.startsWith("column_")) {
      canonical = mapping.canonicalOf(name.substring("column_".length()));
    }
    Column value = canonical != null ? col(ExportReader.RAW + "." + canonical)
        : col(ExportReader.UNMAPPED).getItem(name);
    return functions.when(value.notEqual(lit("")), value);
  }
}
