package io.cpm.jobs.storage;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.MetadataBuilder;

/**
 * Column descriptions of the gold tables, kept in the resource {@code cpm-table-docs.conf}. {@link Tables}
 * writes them into a table's schema when it creates the table (so a first run needs no ALTER COLUMN commit per
 * column); {@code TableDocs} applies them as catalog comments to tables that lack them.
 */
public final class ColumnDocs {
  static final String RESOURCE = "cpm-table-docs.conf";
  private static final Map<String, Map<String, String>> DOCS = load();

  private ColumnDocs() {}

  /** The tables that have descriptions. */
  public static List<String> documentedTables() {
    return List.copyOf(DOCS.keySet());
  }

  /** Whether the table has descriptions. */
  public static boolean isDocumented(String table) {
    return DOCS.containsKey(table);
  }

  /** The description of a column, or {@code null}. */
  public static String description(String table, String column) {
    return DOCS.getOrDefault(table, Map.of()).get(column);
  }

  /** The rows with each documented column's description in its schema metadata ({@code comment}). */
  static Dataset<Row> withComments(Dataset<Row> rows, String table) {
    Map<String, String> docs = DOCS.get(table);
    if (docs == null) {
      return rows;
    }
    Column[] columns = Arrays.stream(rows.schema().fields()).map(field -> {
      Column column = functions.col("`" + field.name() + "`");
      String comment = docs.get(field.name());
      return comment == null ? column
          : column.as(field.name(), new MetadataBuilder().withMetadata(field.metadata())
              .putString("comment", comment).build());
    }).toArray(Column[]::new);
    return rows.select(columns);
  }

  private static Map<String, Map<String, String>> load() {
    Config config = ConfigFactory.parseResources(ColumnDocs.class.getClassLoader(), RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    Map<String, Map<String, String>> docs = new TreeMap<>();
    for (String table : config.root().keySet()) {
      Map<String, String> columns = new TreeMap<>();
      Config section = config.getConfig(table);
      for (String column : section.root().keySet()) {
        columns.put(column, section.getString(column));
      }
      docs.put(table, Collections.unmodifiableMap(columns));
    }
    return Collections.unmodifiableMap(docs);
  }
}
