package io.cpm.jobs.kpis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.features.CurrencyConversion;
import io.cpm.metrics.features.OrderFacts;
import io.cpm.metrics.features.UnknownCurrencyException;
import io.cpm.metrics.kpi.KpiAlerts;
import io.cpm.metrics.kpi.KpiInputs;
import io.cpm.metrics.kpi.KpiLibrary;
import io.cpm.metrics.schema.GoldTable;
import io.cpm.metrics.schema.SilverTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code kpis}: silver + {@code customer_features} (+ {@code customer_segments} and {@code customer_scores}
 * of the run date when they exist) → {@code kpi_values}, and {@code kpi_alerts} against the targets and the
 * latest earlier run's values.
 */
public final class KpisStage implements Stage {
  public static final String NAME = "kpis";
  public static final String VALUES = GoldTable.KPI_VALUES.table();
  public static final String ALERTS = GoldTable.KPI_ALERTS.table();
  static final String FEATURES = GoldTable.CUSTOMER_FEATURES.table();
  static final String SEGMENTS = GoldTable.CUSTOMER_SEGMENTS.table();
  static final String SCORES = GoldTable.CUSTOMER_SCORES.table();

  private final KpisSettings settings;

  public KpisStage(KpisSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The stage with the {@code kpis} settings (and the features' currency settings) of {@code config}. */
  public static KpisStage from(io.cpm.jobs.config.CpmConfig config) {
    return new KpisStage(KpisSettings.from(config));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(PipelineContext context) {
    Tables tables = context.tables();
    LocalDate runDate = context.runDate();
    SilverTables silver = context.silver();
    try {
      new CurrencyConversion(settings.parameters().features())
          .requireKnownCurrencies(silver, List.of(OrderFacts.countedOrders(silver, settings.parameters().features(), runDate)));
    } catch (UnknownCurrencyException e) {
      throw CpmException.dataQuality("orders: " + e.getMessage());
    }
    Dataset<Row> features = forRunDate(tables, FEATURES, runDate).orElseThrow(() -> CpmException.inputMissing(
        FEATURES + " has no rows for run date " + runDate + "; run 'cpm features --run-date " + runDate + "' first"));
    KpiInputs inputs = new KpiInputs(silver, features, forRunDate(tables, SEGMENTS, runDate),
        forRunDate(tables, SCORES, runDate));
    Dataset<Row> values = KpiLibrary.compute(inputs, settings.parameters(), runDate).cache();
    tables.replaceRunDate(values, VALUES, runDate);
    Dataset<Row> alerts = KpiAlerts.evaluate(values, previousValues(tables, runDate),
        KpiLibrary.directions(settings.parameters()), settings.alertRules());
    long alertCount = tables.replaceRunDateAndCount(alerts, ALERTS, runDate);
    long rows = values.count();
    values.unpersist();
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put(VALUES, tables.qualifiedName(VALUES));
    outputs.put(ALERTS, tables.qualifiedName(ALERTS));
    List<String> notes = new java.util.ArrayList<>(List.of(alertCount + " KPI alerts"
        + (inputs.segments().isEmpty() ? "; no customer_segments for the run date (no segment scope)" : "")
        + (inputs.scores().isEmpty() ? "; no customer_scores for the run date (no health score)" : "")));
    // KPIs over an entity that is not exported are null with that reason: one note per reason, naming them.
    Map<String, List<String>> byReason = new java.util.TreeMap<>();
    KpiLibrary.notComputed(inputs, settings.parameters(), runDate)
        .forEach((kpi, reason) -> byReason.computeIfAbsent(reason, r -> new java.util.ArrayList<>()).add(kpi));
    byReason.forEach((reason, kpis) -> notes.add(io.cpm.jobs.pipeline.NotComputed.note("kpi", String.join(",", kpis),
        reason)));
    io.cpm.jobs.pipeline.NotComputed.record(context, NAME, notes);
    return new StageResult(NAME, rows, outputs, notes);
  }

  /** A per-run table's rows for the run date, if the table exists and has any. */
  private static Optional<Dataset<Row>> forRunDate(Tables tables, String table, LocalDate runDate) {
    if (!tables.exists(table)) {
      return Optional.empty();
    }
    Dataset<Row> rows = tables.readRunDate(table, runDate);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows);
  }

  /** The values of the latest run before this one (null on the first run). */
  private static Dataset<Row> previousValues(Tables tables, LocalDate runDate) {
    if (!tables.exists(VALUES)) {
      return null;
    }
    Dataset<Row> earlier = tables.read(VALUES).where(col(Tables.RUN_DATE).lt(lit(Date.valueOf(runDate))));
    Row latest = earlier.agg(max(Tables.RUN_DATE)).first();
    return latest.isNullAt(0) ? null : earlier.where(col(Tables.RUN_DATE).equalTo(lit(latest.getDate(0))));
  }
}
