package io.cpm.jobs.sql;

import io.cpm.jobs.storage.ColumnDocs;
import io.cpm.jobs.storage.Tables;
import org.apache.spark.sql.types.StructField;

/**
 * Column descriptions of the gold tables ({@link ColumnDocs}) applied as catalog column comments, so
 * {@code DESCRIBE cpm.customer_scores} and BI tools show what a column means. Tables get them when they are
 * created ({@link Tables} writes them into the schema); {@link #apply} mends tables created without them or
 * whose descriptions changed, altering only comments that differ (each change is a Delta commit).
 */
public final class TableDocs {
  private TableDocs() {}

  /** Sets the documented comments of one table; returns how many columns were changed (0 if absent). */
  public static int apply(Tables tables, String table) {
    if (!ColumnDocs.isDocumented(table) || !tables.exists(table)) {
      return 0;
    }
    tables.register(table);
    int changed = 0;
    for (StructField field : tables.spark().table(tables.qualifiedName(table)).schema().fields()) {
      String wanted = ColumnDocs.description(table, field.name());
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
    for (String table : ColumnDocs.documentedTables()) {
      changed += apply(tables, table);
    }
    return changed;
  }
}
