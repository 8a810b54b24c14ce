package io.cpm.metrics.schema;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The silver entity tables, one typed dataset per canonical {@link Entity} (with the lineage columns), as
 * inputs to feature, KPI and model computations. Libraries receive this; the jobs module loads it.
 */
public final class SilverTables {
  private final Map<Entity, Dataset<Row>> tables;

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
}
