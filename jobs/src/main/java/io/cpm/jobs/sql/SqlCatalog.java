package io.cpm.jobs.sql;

import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The analyst-facing catalog: every warehouse table registered as {@code <database>.<table>}, gold column
 * comments ({@link TableDocs}) and the {@code customer_360} view — each customer's scores, segments and key
 * features as of the latest run date in {@code customer_scores}.
 */
public final class SqlCatalog {
  public static final String CUSTOMER_360 = GoldTable.CUSTOMER_360.table();
  private static final String SCORES = GoldTable.CUSTOMER_SCORES.table();
  private static final String SEGMENTS = GoldTable.CUSTOMER_SEGMENTS.table();
  private static final String FEATURES = GoldTable.CUSTOMER_FEATURES.table();

  /** customer_360's columns as table.column, in view order (columns a table lacks are left out). */
  private static final List<String> VIEW_COLUMNS = Stream.of(
      columns(FEATURES, "owner_id industry region size"),
      columns(SEGMENTS, "rfm_score rfm_segment value_tier activity_tier value_activity_tag lifecycle_stage"
          + " cluster_id cluster_label playbook_action owner_role"),
      columns(SCORES, "churn_probability churn_band churn_driver_1 churn_driver_2 churn_driver_3"
          + " expected_purchases_90d p_alive clv_12m clv_grade health_score health_change"),
      columns(FEATURES, "revenue_12m revenue_lifetime order_count_12m gross_margin_pct_12m overdue_amount"
          + " open_pipeline_amount tickets_12m recency_days nps_last tenure_days last_order_date"))
      .flatMap(List::stream).toList();

  /** What a refresh did: the tables it registered, comments changed, whether customer_360 exists. */
  public record Refreshed(List<String> tables, int commentedColumns, boolean customer360, List<String> notes) {
    public Refreshed {
      tables = List.copyOf(tables);
      notes = List.copyOf(notes);
    }
  }

  private SqlCatalog() {}

  private static List<String> columns(String table, String columns) {
    return Arrays.stream(columns.split(" ")).map(column -> table + "." + column).toList();
  }

  /** Registers the warehouse tables and (re)creates the customer_360 view; for query sessions. */
  public static Refreshed register(Tables tables) {
    // Queries may create tables in the database even when the warehouse is still empty.
    tables.createDatabase();
    List<String> registered = tables.registerAll();
    List<String> notes = new ArrayList<>();
    boolean view = createCustomer360(tables, notes);
    return new Refreshed(registered, 0, view, notes);
  }

  /**
   * {@link #register} and then makes the warehouse database the session's current one, so that queries may name
   * tables without it; for the query commands ({@code sql}, {@code sql-server}).
   */
  public static Refreshed registerAsCurrent(Tables tables) {
    Refreshed registered = register(tables);
    tables.spark().catalog().setCurrentDatabase(tables.database());
    return registered;
  }

  /**
   * The gold column comments and the customer_360 view, for a pipeline stage (whose command registered the
   * warehouse tables at start; tables it wrote since are registered by their writes).
   */
  public static Refreshed refresh(Tables tables) {
    List<String> registered = List.of();
    int commented = TableDocs.applyAll(tables);
    List<String> notes = new ArrayList<>();
    boolean view = createCustomer360(tables, notes);
    return new Refreshed(registered, commented, view, notes);
  }

  private static boolean createCustomer360(Tables tables, List<String> notes) {
    if (!tables.exists(SCORES)) {
      notes.add("view " + CUSTOMER_360 + " not created: table " + SCORES + " does not exist yet");
      return false;
    }
    Map<String, String> aliases = new LinkedHashMap<>();
    aliases.put(SCORES, "s");
    aliases.put(SEGMENTS, "g");
    aliases.put(FEATURES, "f");
    StringBuilder from = new StringBuilder(tables.qualifiedName(SCORES) + " s");
    Map<String, Set<String>> present = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> e : aliases.entrySet()) {
      String table = e.getKey();
      String alias = e.getValue();
      if (!tables.exists(table)) {
        missing.add(table);
        continue;
      }
      present.put(table, Set.of(tables.read(table).columns()));
      if (!table.equals(SCORES)) {
        from.append(" LEFT JOIN ").append(tables.qualifiedName(table)).append(' ').append(alias)
            .append(" ON ").append(alias).append(".customer_id = s.customer_id AND ").append(alias)
            .append(".run_date = s.run_date");
      }
    }
    List<String> select = new ArrayList<>(List.of("s.run_date", "s.customer_id"));
    for (String qualified : VIEW_COLUMNS) {
      String table = qualified.substring(0, qualified.indexOf('.'));
      String column = qualified.substring(qualified.indexOf('.') + 1);
      if (present.getOrDefault(table, Set.of()).contains(column)) {
        select.add(aliases.get(table) + ".`" + column + "`");
      }
    }
    if (!missing.isEmpty()) {
      notes.add("view " + CUSTOMER_360 + " created without " + missing + " (not written yet)");
    }
    tables.createDatabase();
    tables.spark().sql("CREATE OR REPLACE VIEW " + tables.qualifiedName(CUSTOMER_360)
        + " COMMENT 'Latest scores, segments and key features per customer (latest run_date of " + SCORES + ")'"
        + " AS SELECT " + String.join(", ", select) + " FROM " + from
        + " WHERE s.run_date = (SELECT max(run_date) FROM " + tables.qualifiedName(SCORES) + ")");
    return true;
  }

}
