package io.cpm.metrics.schema;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.upper;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The silver entity tables, one typed dataset per canonical {@link Entity} (with the lineage columns), as
 * inputs to feature, KPI and model computations. Libraries receive this; the jobs module loads it.
 */
public final class SilverTables {
  private final Map<Entity, Dataset<Row>> tables;
  private Set<String> currencies;
  private final Map<Entity, Boolean> hasRows = new EnumMap<>(Entity.class);

  private SilverTables(Map<Entity, Dataset<Row>> tables) {
    this.tables = tables;
  }

  /** Builds the set from a loader that returns each entity's dataset (empty with its schema if absent). */
  public static SilverTables load(Function<Entity, Dataset<Row>> loader) {
    Map<Entity, Dataset<Row>> tables = new EnumMap<>(Entity.class);
    for (Entity entity : Entity.values()) {
      tables.put(entity, Objects.requireNonNull(loader.apply(entity), entity.table()));
    }
    return new SilverTables(tables);
  }

  public Dataset<Row> table(Entity entity) {
    return tables.get(entity);
  }

  public Dataset<Row> customers() {
    return tables.get(Entity.ACCOUNTS);
  }

  public Dataset<Row> leads() {
    return tables.get(Entity.LEADS);
  }

  public Dataset<Row> opportunities() {
    return tables.get(Entity.OPPORTUNITIES);
  }

  public Dataset<Row> activities() {
    return tables.get(Entity.ACTIVITIES);
  }

  public Dataset<Row> npsResponses() {
    return tables.get(Entity.NPS_RESPONSES);
  }

  public Dataset<Row> marketingSpend() {
    return tables.get(Entity.MARKETING_SPEND);
  }

  public Dataset<Row> orders() {
    return tables.get(Entity.ORDERS);
  }

  public Dataset<Row> orderLines() {
    return tables.get(Entity.ORDER_LINES);
  }

  public Dataset<Row> invoices() {
    return tables.get(Entity.INVOICES);
  }

  public Dataset<Row> contracts() {
    return tables.get(Entity.CONTRACTS);
  }

  public Dataset<Row> tickets() {
    return tables.get(Entity.TICKETS);
  }

  /**
   * Whether the entity's table has any row at all: a company that does not export an entity (no NPS, no ERP)
   * has it empty, and the features, KPIs and models fed only by it are then not computed (null with a reason)
   * rather than 0. Asked once per entity and kept (one small Spark job each), like {@link #currencies()}.
   */
  public synchronized boolean hasRows(Entity entity) {
    return hasRows.computeIfAbsent(entity, e -> !tables.get(e).isEmpty());
  }

  /** The entities without any row, in declaration order. */
  public Set<Entity> emptyEntities() {
    Set<Entity> result = java.util.EnumSet.noneOf(Entity.class);
    for (Entity entity : Entity.values()) {
      if (!hasRows(entity)) {
        result.add(entity);
      }
    }
    return result;
  }

  /**
   * The distinct upper-cased currency codes of all orders and invoices, computed once (one small Spark job) and
   * kept: features at several as-of dates and the KPIs all need to know that every currency has a rate, and
   * they read subsets of these rows.
   */
  public synchronized Set<String> currencies() {
    if (currencies == null) {
      Dataset<Row> codes = orders().select(upper(col("currency")).as("currency"))
          .union(invoices().select(upper(col("currency")).as("currency")))
          .where(col("currency").isNotNull()).distinct();
      Set<String> found = new TreeSet<>();
      for (Row row : codes.collectAsList()) {
        found.add(row.getString(0));
      }
      currencies = Collections.unmodifiableSet(found);
    }
    return currencies;
  }
}
