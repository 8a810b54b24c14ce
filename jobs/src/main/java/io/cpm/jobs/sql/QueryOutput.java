package io.cpm.jobs.sql;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.common.CellFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Prints a query result as an aligned text table, RFC 4180 CSV (header row) or JSON Lines (one object per
 * row, nulls kept). Cells use {@link CellFormat}: ISO dates, plain decimals, no locale.
 */
public final class QueryOutput {
  /** Output formats of {@code cpm sql}. */
  public enum Format { TABLE, CSV, JSON }

  private static final int DECIMALS = 10;

  private QueryOutput() {}

  /** Prints up to {@code maxRows} rows (table) or all rows, streamed (csv, json); returns rows printed. */
  public static long print(Dataset<Row> result, Format format, int maxRows, PrintWriter out) {
    String[] columns = result.columns();
    try {
      switch (format) {
        case TABLE:
          return printTable(result, columns, maxRows, out);
        case CSV: {
          CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator("\n").build());
          printer.printRecord((Object[]) columns);
          long n = 0;
          for (Iterator<Row> it = result.toLocalIterator(); it.hasNext(); n++) {
            Row row = it.next();
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < columns.length; i++) {
              cells.add(CellFormat.plain(row.get(i), DECIMALS));
            }
            printer.printRecord(cells);
          }
          printer.flush();
          return n;
        }
        case JSON: {
          ObjectMapper mapper = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
          long n = 0;
          for (Iterator<Row> it = result.toLocalIterator(); it.hasNext(); n++) {
            Row row = it.next();
            java.util.Map<String, Object> object = new java.util.LinkedHashMap<>();
            for (int i = 0; i < columns.length; i++) {
              object.put(columns[i], jsonValue(row.get(i)));
            }
            out.println(mapper.writeValueAsString(object));
          }
          out.flush();
          return n;
        }
        default:
          throw new IllegalArgumentException("format " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object jsonValue(Object value) {
    if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof Byte) {
      return value;
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      String text = CellFormat.plain(value, DECIMALS);
      return text.isEmpty() ? null : new BigDecimal(text);
    }
    return CellFormat.plain(value, DECIMALS);
  }

  private static long printTable(Dataset<Row> result, String[] columns, int maxRows, PrintWriter out) {
    List<Row> rows = result.limit(maxRows + 1).collectAsList();
    boolean truncated = rows.size() > maxRows;
    List<String[]> cells = new ArrayList<>();
    int[] widths = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      widths[i] = columns[i].length();
    }
    for (Row row : rows.subList(0, Math.min(rows.size(), maxRows))) {
      String[] line = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        line[i] = row.isNullAt(i) ? "NULL" : CellFormat.plain(row.get(i), DECIMALS).replace('\n', ' ');
        widths[i] = Math.max(widths[i], line[i].length());
      }
      cells.add(line);
    }
    out.println(line(columns, widths));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    out.println(rule);
    cells.forEach(c -> out.println(line(c, widths)));
    out.println("(" + cells.size() + (truncated ? "+ rows, output limited by --max-rows)" : " rows)"));
    out.flush();
    return cells.size();
  }

  private static String line(String[] cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      sb.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", cells[i]));
    }
    return sb.toString().stripTrailing();
  }
}
