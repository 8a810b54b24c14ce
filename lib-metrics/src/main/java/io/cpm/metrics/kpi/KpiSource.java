package io.cpm.metrics.kpi;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One table feeding KPIs: its rows, the scope each row belongs to per scope type (e.g. {@code owner} →
 * the owner column), and the {@link Measure}s computed over it. Rows are repeated once per period and per
 * scope, then all measures are computed in a single {@code groupBy(scope, period).agg(...)} and returned in
 * long form ({@code scope_type, scope_value, period, measure, value}).
 *
 * <p>An optional breakdown column splits every measure by its value ({@code lost_deals.price}), for KPI
 * families whose members come from the data.
 */
final class KpiSource {
  static final String SCOPE_TYPE = "scope_type";
  static final String SCOPE_VALUE = "scope_value";
  static final String PERIOD = "period";
  static final String MEASURE = "measure";
  static final String VALUE = "value";

  /** A row's scope of one type: {@code (owner, col("owner_id"))}; a null value leaves the row out of it. */
  record Scope(String type, Column value) {}

  private final String name;
  private final Dataset<Row> rows;
  private final List<Scope> scopes;
  private final List<Measure> measures;
  private final Column breakdown;
  private final boolean hasPeriods;
  private java.util.Set<io.cpm.metrics.schema.Entity> entities = java.util.Set.of();

  private KpiSource(String name, Dataset<Row> rows, List<Scope> scopes, List<Measure> measures,
      Column breakdown, boolean hasPeriods) {
    this.name = Objects.requireNonNull(name, "name");
    this.rows = Objects.requireNonNull(rows, "rows");
    this.scopes = List.copyOf(scopes);
    this.measures = List.copyOf(measures);
    this.breakdown = breakdown;
    this.hasPeriods = hasPeriods;
    if (measures.isEmpty()) {
      throw new IllegalArgumentException("source " + name + " has no measures");
    }
  }

  /** Rows without a period: each row is offered to every period and measures filter on their own date. */
  static KpiSource of(String name, Dataset<Row> rows, List<Scope> scopes, List<Measure> measures) {
    return new KpiSource(name, rows, scopes, measures, null, false);
  }

  /** Rows that already carry {@code period, period_start, period_end} (facts computed per period). */
  static KpiSource perPeriod(String name, Dataset<Row> rows, List<Scope> scopes, List<Measure> measures) {
    return new KpiSource(name, rows, scopes, measures, null, true);
  }

  /** The same source with every measure split by the values of {@code column} (nulls dropped). */
  KpiSource brokenDownBy(Column column) {
    return new KpiSource(name, rows, scopes, measures, column, hasPeriods).from(
        entities.toArray(io.cpm.metrics.schema.Entity[]::new));
  }

  /**
   * The silver entities the source reads: when one has no rows at all (not exported), the source is not
   * computed and its measures are unavailable, so KPIs over them are null with the reason, not 0.
   */
  KpiSource from(io.cpm.metrics.schema.Entity... read) {
    this.entities = java.util.Set.of(read);
    return this;
  }

  java.util.Set<io.cpm.metrics.schema.Entity> entities() {
    return entities;
  }

  /** The measure names (with a breakdown, the prefix before the breakdown value). */
  List<String> measureNames() {
    return measures.stream().map(Measure::name).toList();
  }

  boolean brokenDown() {
    return breakdown != null;
  }

  /** Every row repeated for each period: adds {@code period, period_start, period_end}. */
  static Dataset<Row> withPeriods(Dataset<Row> rows, List<Period> periods) {
    List<Column> structs = new ArrayList<>();
    for (Period p : periods) {
      structs.add(struct(lit(p.name()).as(PERIOD), lit(Date.valueOf(p.start())).as("period_start"),
          lit(Date.valueOf(p.end())).as("period_end")));
    }
    return rows.withColumn("_period", explode(array(structs.toArray(Column[]::new))))
        .withColumn(PERIOD, col("_period.period"))
        .withColumn("period_start", col("_period.period_start"))
        .withColumn("period_end", col("_period.period_end"))
        .drop("_period");
  }

  /** The measures in long form, one row per scope, period and measure (a lazy plan; nothing runs yet). */
  Dataset<Row> measuresLong(List<Period> periods) {
    Dataset<Row> periodic = hasPeriods ? rows : withPeriods(rows, periods);
    List<Column> scopeStructs = new ArrayList<>();
    for (Scope scope : scopes) {
      scopeStructs.add(struct(lit(scope.type()).as(SCOPE_TYPE), scope.value().cast("string").as(SCOPE_VALUE)));
    }
    Dataset<Row> scoped = periodic
        .withColumn("_scope", explode(filter(array(scopeStructs.toArray(Column[]::new)),
            s -> s.getField(SCOPE_VALUE).isNotNull())))
        .withColumn(SCOPE_TYPE, col("_scope." + SCOPE_TYPE))
        .withColumn(SCOPE_VALUE, col("_scope." + SCOPE_VALUE))
        .drop("_scope");
    List<Column> keys = new ArrayList<>(List.of(col(SCOPE_TYPE), col(SCOPE_VALUE), col(PERIOD)));
    if (breakdown != null) {
      scoped = scoped.withColumn("_breakdown", breakdown.cast("string")).where(col("_breakdown").isNotNull());
      keys.add(col("_breakdown"));
    }
    // Measure names contain dots, so the wide intermediate columns get positional names.
    Column[] aggregations = new Column[measures.size()];
    for (int i = 0; i < measures.size(); i++) {
      aggregations[i] = measures.get(i).aggregation().as("_m" + i);
    }
    Dataset<Row> aggregated = scoped.groupBy(keys.toArray(Column[]::new))
        .agg(aggregations[0], java.util.Arrays.copyOfRange(aggregations, 1, aggregations.length));
    List<Column> entries = new ArrayList<>();
    for (int i = 0; i < measures.size(); i++) {
      String name = measures.get(i).name();
      Column measureName = breakdown == null ? lit(name) : concat(lit(name + "."), col("_breakdown"));
      entries.add(struct(measureName.as(MEASURE), col("_m" + i).cast("double").as(VALUE)));
    }
    return aggregated
        .withColumn("_entry", explode(array(entries.toArray(Column[]::new))))
        .select(col(SCOPE_TYPE), col(SCOPE_VALUE), col(PERIOD), col("_entry." + MEASURE).as(MEASURE),
            col("_entry." + VALUE).as(VALUE));
  }

  String name() {
    return name;
  }
}
