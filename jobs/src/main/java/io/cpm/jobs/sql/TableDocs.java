package io.cpm.jobs.sql;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.cpm.jobs.storage.Tables;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.types.StructField;

/**
 * Column descriptions of the gold tables, kept in the resource {@code cpm-table-docs.conf} and applied as
 * catalog column comments, so {@code DESCRIBE cpm.customer_scores} and BI tools show what a column means.
 * A stage calls {@link #apply} after writing a table; only comments that differ are altered (each change
 * is a Delta commit).
 */
public final class TableDocs {
  static final String RESOURCE = "cpm-table-docs.conf";
  private static final Map<String, Map<String, String>> DOCS = load();

  private TableDocs() {}

  /** The tables that have descriptions. */
  public static List<String> documentedTables() {
    return List.copyOf(DOCS.keySet());
  }

  /** The description of a column, or {@code null}. */
  public static String description(String table, String column) {
    return DOCS.getOrDefault(table, Map.of()).get(column);
  }

  /** Sets the documented comments of one table; returns how many columns were changed (0 if absent). */
  public static int apply(Tables tables, String table) {
    Map<String, String> docs = DOCS.get(table);
    if (docs == null || !tables.exists(table)) {
      return 0;
    }
    tables.register(table);
    int changed = 0;
    for (StructField field : tables.spark().table(tables.qualifiedName(table)).schema().fields()) {
      String wanted = docs.get(field.name());
      if (wanted != null && !wanted.equals(field.getComment().getOrElse(() -> null))) {
        tables.comment(table, field.name(), wanted);
        changed++;
      }
    }
    return changed;
  }

  /** Applies {@link #apply} to every documented table that exists; returns the number of changed columns. */
  public static int applyAll(Tables tables) {
    int changed = 0;
    for (String table : DOCS.keySet()) {
      changed += apply(tables, table);
    }
    return changed;
  }

  private static Map<String, Map<String, String>> load() {
    Config config = ConfigFactory.parseResources(TableDocs.class.getClassLoader(), RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    Map<String, Map<String, String>> docs = new TreeMap<>();
    for (String table : config.root().keySet()) {
      Map<String, String> columns = new TreeMap<>();
      Config section = config.getConfig(table);
      for (String column : section.root().keySet()) {
        columns.put(column, section.getString(column));
      }
      docs.put(table, java.util.Collections.unmodifiableMap(columns));
    }
    return java.util.Collections.unmodifiableMap(docs);
  }
}
