package io.cpm.metrics.kpi;

import static io.cpm.metrics.kpi.KpiDefinition.Direction.HIGHER_IS_BETTER;
import static io.cpm.metrics.kpi.KpiDefinition.Direction.LOWER_IS_BETTER;
import static io.cpm.metrics.kpi.KpiDefinition.Importance.AUXILIARY;
import static io.cpm.metrics.kpi.KpiDefinition.Importance.MAIN;
import static io.cpm.metrics.kpi.KpiDefinition.Layer.EXECUTION;
import static io.cpm.metrics.kpi.KpiDefinition.Layer.OPERATIONAL;
import static io.cpm.metrics.kpi.KpiDefinition.Layer.STRATEGIC;
import static io.cpm.metrics.kpi.KpiDefinition.Operand.companyMeasure;
import static io.cpm.metrics.kpi.KpiDefinition.Operand.kpi;
import static io.cpm.metrics.kpi.KpiDefinition.Operand.measure;
import static io.cpm.metrics.kpi.KpiDefinition.Operand.one;
import static io.cpm.metrics.kpi.KpiDefinition.Stage.ACQUISITION;
import static io.cpm.metrics.kpi.KpiDefinition.Stage.CONVERSION;
import static io.cpm.metrics.kpi.KpiDefinition.Stage.DEEPENING;
import static io.cpm.metrics.kpi.KpiDefinition.Stage.RETENTION;
import static io.cpm.metrics.kpi.KpiDefinition.Stage.SERVICE;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_timestamp;
import static org.apache.spark.sql.functions.when;

import io.cpm.metrics.features.FeatureParameters;
import io.cpm.metrics.features.OrderFacts;
import io.cpm.metrics.kpi.KpiDefinition.Operand;
import io.cpm.metrics.kpi.KpiSource.Scope;
import io.cpm.metrics.schema.GoldTable;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The seed KPI set (docs/kpis.md) over scopes — company, segment, owner, product line, channel — and the
 * periods ending at the run date ({@link Period#endingAt}).
 *
 * <p>Each source table contributes additive {@link Measure}s (counts and sums); all measures of all sources are
 * computed in one aggregation per source and collected in one Spark job, then every {@link KpiDefinition} is
 * evaluated as {@code scale * numerator / denominator} on the driver. A zero denominator gives a null value with
 * a {@code null_reason}, never NaN or Infinity.
 */
public final class KpiLibrary {
  public static final String COMPANY = "company";
  public static final String SEGMENT = "segment";
  public static final String OWNER = "owner";
  public static final String PRODUCT_LINE = "product_line";
  public static final String CHANNEL = "channel";

  /** Schema of {@code kpi_values} without {@code run_date}. */
  public static final StructType SCHEMA = new StructType()
      .add("kpi", DataTypes.StringType, false)
      .add("scope_type", DataTypes.StringType, false)
      .add("scope_value", DataTypes.StringType, false)
      .add("period", DataTypes.StringType, false)
      .add("period_start", DataTypes.DateType, false)
      .add("period_end", DataTypes.DateType, false)
      .add("value", DataTypes.DoubleType, true)
      .add("numerator", DataTypes.DoubleType, true)
      .add("denominator", DataTypes.DoubleType, true)
      .add("unit", DataTypes.StringType, false)
      .add("null_reason", DataTypes.StringType, true)
      .add("lifecycle_stage", DataTypes.StringType, false)
      .add("layer", DataTypes.StringType, false)
      .add("importance", DataTypes.StringType, false);

  static final String LOST_BY_REASON = "lost_by_reason";
  static final String OPEN_BY_STAGE = "open_amount_by_stage";
  private static final Set<String> CUSTOMER_SCOPES = Set.of(COMPANY, OWNER, SEGMENT, CHANNEL);
  private static final Set<String> SERVICE_SCOPES = Set.of(COMPANY, OWNER, SEGMENT);
  private static final Set<String> SALES_SCOPES = Set.of(COMPANY, OWNER, PRODUCT_LINE, SEGMENT);
  private static final String PERCENT = "percent";

  private KpiLibrary() {}

  /**
   * The declared KPIs in evaluation order (a KPI built on others comes after them). Members of the lost-reason
   * family ({@code lost_reason_share.<reason>}) are added per reason found in the data.
   */
  public static List<KpiDefinition> definitions(KpiParameters params) {
    String money = params.features().baseCurrency();
    List<KpiDefinition> d = new ArrayList<>();
    d.add(new KpiDefinition("ltv", "lifetime_years * sum(gross_margin_12m) / customers with an order in the last"
        + " 12 months and a known gross margin (unit costs)", money, RETENTION, STRATEGIC, MAIN, HIGHER_IS_BETTER,
        measure("ltv_margin_12m"), measure("margin_known_buyers_12m"), params.lifetimeYears(), CUSTOMER_SCOPES));
    d.add(new KpiDefinition("cac", "marketing spend in period / new customers (first order in period)", money,
        ACQUISITION, STRATEGIC, MAIN, LOWER_IS_BETTER, measure("marketing_spend"), measure("new_customers"), 1,
        Set.of(COMPANY, CHANNEL)));
    d.add(new KpiDefinition("ltv_to_cac", "ltv / cac", "ratio", ACQUISITION, STRATEGIC, MAIN, HIGHER_IS_BETTER,
        kpi("ltv"), kpi("cac"), 1, Set.of(COMPANY, CHANNEL)));
    d.add(new KpiDefinition("avg_order_value", "order revenue in period / orders in period", money, DEEPENING,
        OPERATIONAL, MAIN, HIGHER_IS_BETTER, measure("order_revenue"), measure("orders"), 1, CUSTOMER_SCOPES));
    d.add(new KpiDefinition("nps", "100 * (promoters (9-10) - detractors (0-6)) / responses in period", "points",
        RETENTION, STRATEGIC, MAIN, HIGHER_IS_BETTER, measure("nps_net"), measure("nps_responses"), 100,
        SERVICE_SCOPES));
    d.add(new KpiDefinition("churn_rate", "100 * customers active at period start and inactive at period end"
        + " / customers active at period start", PERCENT, RETENTION, STRATEGIC, MAIN, LOWER_IS_BETTER,
        measure("lost_customers"), measure("active_at_start"), 100, CUSTOMER_SCOPES));
    d.add(new KpiDefinition("repeat_purchase_rate", "100 * buyers in period with 2+ orders to date / buyers in"
        + " period", PERCENT, RETENTION, OPERATIONAL, MAIN, HIGHER_IS_BETTER, measure("repeat_buyers"),
        measure("buyers"), 100, CUSTOMER_SCOPES));
    d.add(new KpiDefinition("reactivation_rate", "100 * lapsed customers at period start who bought in period"
        + " / lapsed customers at period start", PERCENT, RETENTION, OPERATIONAL, AUXILIARY, HIGHER_IS_BETTER,
        measure("reactivated_customers"), measure("lapsed_at_start"), 100, CUSTOMER_SCOPES));
    d.add(new KpiDefinition("sales_cycle_days", "sum(closed_at - created_at) / opportunities won in period",
        "days", CONVERSION, OPERATIONAL, AUXILIARY, LOWER_IS_BETTER, measure("won_cycle_days"),
        measure("won_deals"), 1, SALES_SCOPES));
    d.add(new KpiDefinition("lead_conversion_rate", "100 * leads created in period and converted by the run date"
        + " / leads created in period", PERCENT, ACQUISITION, OPERATIONAL, MAIN, HIGHER_IS_BETTER,
        measure("converted_leads"), measure("leads"), 100, Set.of(COMPANY, CHANNEL)));
    List<String> stages = params.funnel();
    for (int i = 0; i + 1 < stages.size(); i++) {
      String from = measureName(stages.get(i));
      String to = measureName(stages.get(i + 1));
      d.add(new KpiDefinition("stage_conversion." + from + "_to_" + to, "100 * opportunities created in period"
          + " that reached " + to + " / those that reached " + from, PERCENT, CONVERSION, EXECUTION, AUXILIARY,
          HIGHER_IS_BETTER, measure("reached." + to), measure("reached." + from), 100, SALES_SCOPES));
    }
    for (String stage : stages.subList(0, stages.size() - 1)) {
      String s = measureName(stage);
      d.add(new KpiDefinition("avg_days_in_stage." + s, "sum(run date - stage_changed_at) / opportunities open"
          + " in stage " + s + " at the run date", "days", CONVERSION, EXECUTION, AUXILIARY, LOWER_IS_BETTER,
          measure("days_in_stage." + s), measure("open_in_stage." + s), 1, SALES_SCOPES));
    }
    d.add(new KpiDefinition("win_rate", "100 * opportunities won / opportunities closed in period", PERCENT,
        CONVERSION, OPERATIONAL, MAIN, HIGHER_IS_BETTER, measure("won_deals"), measure("closed_deals"), 100,
        SALES_SCOPES));
    d.add(new KpiDefinition("bookings", "sum(amount) of opportunities won (closed_at) in period", money, CONVERSION,
        OPERATIONAL, MAIN, HIGHER_IS_BETTER, measure("won_amount"), one(), 1, SALES_SCOPES));
    d.add(new KpiDefinition("won_deals", "opportunities won (closed_at) in period", "deals", CONVERSION,
        OPERATIONAL, MAIN, HIGHER_IS_BETTER, measure("won_deals"), one(), 1, SALES_SCOPES));
    d.add(new KpiDefinition("avg_won_deal_size", "sum(amount) of opportunities won in period / opportunities won"
        + " in period with an amount", money, CONVERSION, OPERATIONAL, AUXILIARY, HIGHER_IS_BETTER,
        measure("won_amount"), measure("won_deals_with_amount"), 1, SALES_SCOPES));
    d.add(new KpiDefinition("sales_cycle_days_median", "median of (closed_at - created_at) over opportunities won"
        + " in period", "days", CONVERSION, OPERATIONAL, AUXILIARY, LOWER_IS_BETTER, measure("won_cycle_days_median"),
        one(), 1, SALES_SCOPES));
    d.add(new KpiDefinition("open_pipeline_value", "sum(amount) of opportunities open at the run date", money,
        CONVERSION, OPERATIONAL, MAIN, HIGHER_IS_BETTER, measure("open_amount"), one(), 1, SALES_SCOPES));
    d.add(new KpiDefinition("avg_resolution_hours", "sum(resolved_at - created_at) / tickets resolved in period",
        "hours", SERVICE, OPERATIONAL, MAIN, LOWER_IS_BETTER, measure("resolution_hours"),
        measure("resolved_tickets"), 1, SERVICE_SCOPES));
    d.add(new KpiDefinition("first_response_hours", "sum(first_response_at - created_at) / tickets created in"
        + " period with a first response by the run date", "hours", SERVICE, OPERATIONAL, MAIN, LOWER_IS_BETTER,
        measure("response_hours"), measure("responded_tickets"), 1, SERVICE_SCOPES));
    d.add(new KpiDefinition("complaint_rate", "100 * complaint tickets / tickets created in period", PERCENT,
        SERVICE, OPERATIONAL, AUXILIARY, LOWER_IS_BETTER, measure("complaints"), measure("tickets"), 100,
        SERVICE_SCOPES));
    d.add(new KpiDefinition("service_cost_per_ticket", "sum(parts_cost + labor_cost) / tickets created in"
        + " period", money, SERVICE, OPERATIONAL, AUXILIARY, LOWER_IS_BETTER, measure("service_cost"),
        measure("tickets"), 1, SERVICE_SCOPES));
    d.add(new KpiDefinition("cross_sell_rate", "100 * customers holding 2+ product lines / customers holding 1+",
        PERCENT, DEEPENING, OPERATIONAL, MAIN, HIGHER_IS_BETTER, measure("multi_line_customers"),
        measure("buying_customers"), 100, CUSTOMER_SCOPES));
    d.add(new KpiDefinition("product_penetration", "100 * customers holding the product line / all customers"
        + " holding any product line", PERCENT, DEEPENING, OPERATIONAL, AUXILIARY, HIGHER_IS_BETTER,
        measure("line_holders"), companyMeasure("buying_customers"), 100, Set.of(PRODUCT_LINE)));
    d.add(new KpiDefinition("activities_per_salesperson", "sales activities in period / salespeople with a"
        + " sales activity in period", "activities", CONVERSION, EXECUTION, AUXILIARY, HIGHER_IS_BETTER,
        measure("sales_activities"), measure("active_salespeople"), 1, Set.of(COMPANY, SEGMENT)));
    d.add(new KpiDefinition("activities_per_won_deal", "sales activities in period / opportunities won in period",
        "activities", CONVERSION, EXECUTION, AUXILIARY, LOWER_IS_BETTER, measure("sales_activities"),
        measure("won_deals"), 1, SERVICE_SCOPES));
    d.add(new KpiDefinition("avg_health_score", "sum(health_score) / customers with a health score",
        "score", RETENTION, STRATEGIC, MAIN, HIGHER_IS_BETTER, measure("health_score_sum"),
        measure("scored_customers"), 1, SERVICE_SCOPES));
    return List.copyOf(d);
  }

  /** The good direction of every KPI family (a KPI's family is its name up to the first dot). */
  public static Map<String, KpiDefinition.Direction> directions(KpiParameters params) {
    Map<String, KpiDefinition.Direction> result = new LinkedHashMap<>();
    List<KpiDefinition> all = new ArrayList<>(definitions(params));
    all.add(lostReasonShare("any"));
    all.add(openPipelineValue("any", params.features().baseCurrency()));
    for (KpiDefinition definition : all) {
      result.putIfAbsent(family(definition.name()), definition.direction());
    }
    return result;
  }

  /** {@code lost_reason_share.price} → {@code lost_reason_share}. */
  public static String family(String kpi) {
    int dot = kpi.indexOf('.');
    return dot > 0 ? kpi.substring(0, dot) : kpi;
  }

  /** The member of the lost-reason family for one reason ({@code lost_reason_share.<reason>}). */
  static KpiDefinition lostReasonShare(String reason) {
    return new KpiDefinition("lost_reason_share." + reason, "100 * opportunities lost in period for this reason"
        + " / opportunities lost in period", PERCENT, CONVERSION, EXECUTION, AUXILIARY, LOWER_IS_BETTER,
        measure(LOST_BY_REASON + "." + reason), measure("lost_deals"), 100, SALES_SCOPES);
  }

  /** The member of the open-pipeline-by-stage family for one stage ({@code open_pipeline_value.<stage>}). */
  static KpiDefinition openPipelineValue(String stage, String money) {
    return new KpiDefinition("open_pipeline_value." + stage, "sum(amount) of opportunities open at the run date"
        + " in this stage", money, CONVERSION, OPERATIONAL, AUXILIARY, HIGHER_IS_BETTER,
        measure(OPEN_BY_STAGE + "." + stage), one(), 1, SALES_SCOPES);
  }

  /** Stage and reason names as they appear in KPI names: lower case, non-alphanumerics as underscores. */
  static String measureName(String value) {
    return value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }

  /** KPI values as of {@code asOf}: one row per KPI, scope and period with a defined scope (schema {@link #SCHEMA}). */
  public static Dataset<Row> compute(KpiInputs inputs, KpiParameters params, LocalDate asOf) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(asOf, "asOf");
    List<Period> periods = Period.endingAt(asOf);
    Sources sources = new Sources(inputs, params, asOf, periods);
    Dataset<Row> measures = null;
    Map<String, String> unavailable = new LinkedHashMap<>();
    for (KpiSource source : sources.all()) {
      String reason = missingReason(inputs.silver(), source);
      if (reason != null) {
        // Not exported: no Spark work, and KPIs over these measures are null with the reason (not 0).
        source.measureNames().forEach(m -> unavailable.putIfAbsent(m, reason));
        continue;
      }
      Dataset<Row> longForm = source.measuresLong(periods);
      measures = measures == null ? longForm : measures.unionByName(longForm);
    }
    MeasureTable table = new MeasureTable(measures == null ? List.of() : measures.collectAsList(), unavailable);
    List<KpiDefinition> definitions = new ArrayList<>(definitions(params));
    for (String reason : table.suffixes(LOST_BY_REASON)) {
      definitions.add(lostReasonShare(reason));
    }
    for (String stage : table.suffixes(OPEN_BY_STAGE)) {
      definitions.add(openPipelineValue(stage, params.features().baseCurrency()));
    }
    List<Row> rows = new Evaluation(table, periods).run(definitions, inputs.scores().isPresent());
    SparkSession spark = inputs.features().sparkSession();
    return spark.createDataFrame(rows, SCHEMA);
  }

  /**
   * The KPIs (a family as {@code <family>.*}) that cannot be computed because a silver entity their measures
   * are read from has no rows at all, each with the reason; {@code compute} gives them null values with that
   * reason. Builds only lazy plans (and the entity row checks {@link SilverTables#hasRows} keeps).
   */
  public static Map<String, String> notComputed(KpiInputs inputs, KpiParameters params, LocalDate asOf) {
    Map<String, String> unavailable = new LinkedHashMap<>();
    for (KpiSource source : new Sources(inputs, params, asOf, Period.endingAt(asOf)).all()) {
      String reason = missingReason(inputs.silver(), source);
      if (reason != null) {
        source.measureNames().forEach(m -> unavailable.putIfAbsent(m, reason));
      }
    }
    List<KpiDefinition> all = new ArrayList<>(definitions(params));
    all.add(lostReasonShare("*"));
    all.add(openPipelineValue("*", params.features().baseCurrency()));
    Map<String, String> result = new LinkedHashMap<>();
    Map<String, String> byKpi = new HashMap<>();
    for (KpiDefinition definition : all) {
      for (KpiDefinition.Operand operand : List.of(definition.numerator(), definition.denominator())) {
        String reason = switch (operand.kind()) {
          case MEASURE, COMPANY_MEASURE -> unavailable.get(baseMeasure(operand.name()));
          case KPI -> byKpi.get(operand.name());
          case ONE -> null;
        };
        if (reason != null && !result.containsKey(definition.name())) {
          result.put(definition.name(), reason);
          byKpi.put(definition.name(), reason);
        }
      }
    }
    return result;
  }

  /** {@code lost_by_reason.price} → {@code lost_by_reason}; other measure names unchanged. */
  private static String baseMeasure(String measure) {
    for (String family : List.of(LOST_BY_REASON, OPEN_BY_STAGE)) {
      if (measure.startsWith(family + ".")) {
        return family;
      }
    }
    return measure;
  }

  /** "no X export (silver T has no rows)" when an entity the source reads has no rows at all, else null. */
  private static String missingReason(SilverTables silver, KpiSource source) {
    for (Entity entity : Entity.values()) {
      if (source.entities().contains(entity) && !silver.hasRows(entity)) {
        return "no " + entity.name().toLowerCase(Locale.ROOT) + " export (silver " + entity.table()
            + " has no rows)";
      }
    }
    return null;
  }

  /** Collected measure values keyed by (scope type, scope value, period). */
  private static final class MeasureTable {
    private final Map<Key, Map<String, Double>> values = new LinkedHashMap<>();
    private final Map<String, Set<Key>> keysByMeasure = new HashMap<>();
    private final Map<String, String> unavailable;

    MeasureTable(List<Row> rows, Map<String, String> unavailable) {
      this.unavailable = Map.copyOf(unavailable);
      rows = new ArrayList<>(rows);
      rows.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparing(r -> r.getString(1))
          .thenComparing(r -> r.getString(2)).thenComparing(r -> r.getString(3)));
      for (Row row : rows) {
        Key key = new Key(row.getString(0), row.getString(1), row.getString(2));
        String measure = row.getString(3);
        // A null measure (a median without values, a sum of unknown margins) stays null: it is unknown, not 0.
        values.computeIfAbsent(key, k -> new HashMap<>()).put(measure, row.isNullAt(4) ? null : row.getDouble(4));
        keysByMeasure.computeIfAbsent(measure, m -> new LinkedHashSet<>()).add(key);
      }
    }

    Set<Key> keys(String measure) {
      return keysByMeasure.getOrDefault(measure, Set.of());
    }

    /**
     * A measure's value at a key with the reason when it has none: a count or sum with no row at a key is zero
     * there; a measure whose source is not exported, or whose aggregation gave null, is unknown.
     */
    Number value(Key key, String measure) {
      String reason = unavailable.get(baseMeasure(measure));
      if (reason != null) {
        return new Number(null, reason);
      }
      Map<String, Double> atKey = values.getOrDefault(key, Map.of());
      if (atKey.containsKey(measure) && atKey.get(measure) == null) {
        return new Number(null, measure + " has no value (no rows with a value in the period)");
      }
      if (!atKey.containsKey(measure) && measure.endsWith("_median")) {
        return new Number(null, measure + " has no value (no rows in the period)");
      }
      return new Number(atKey.getOrDefault(measure, 0.0), null);
    }

    boolean isUnavailable(String measure) {
      return unavailable.containsKey(baseMeasure(measure));
    }

    /** Values after {@code prefix.} in measure names, e.g. the reasons of {@code lost_by_reason.<reason>}. */
    Set<String> suffixes(String prefix) {
      Set<String> result = new TreeSet<>();
      for (String measure : keysByMeasure.keySet()) {
        if (measure.startsWith(prefix + ".")) {
          result.add(measure.substring(prefix.length() + 1));
        }
      }
      return result;
    }
  }

  private record Key(String scopeType, String scopeValue, String period) {}

  /** A number with the reason it is missing. */
  private record Number(Double value, String nullReason) {}

  /** Evaluates definitions in order over the collected measures. */
  private static final class Evaluation {
    private final MeasureTable table;
    private final Map<String, Period> periods = new LinkedHashMap<>();
    private final Map<String, Map<Key, Number>> kpiValues = new HashMap<>();

    Evaluation(MeasureTable table, List<Period> periods) {
      this.table = table;
      periods.forEach(p -> this.periods.put(p.name(), p));
    }

    List<Row> run(List<KpiDefinition> definitions, boolean scoresPresent) {
      List<Row> rows = new ArrayList<>();
      for (KpiDefinition definition : definitions) {
        Set<Key> keys = new LinkedHashSet<>();
        keys.addAll(keysOf(definition.numerator()));
        keys.addAll(keysOf(definition.denominator()));
        keys.removeIf(k -> !definition.scopes().contains(k.scopeType()));
        boolean unavailable = isUnavailable(definition.numerator()) || isUnavailable(definition.denominator());
        if (keys.isEmpty() && definition.scopes().contains(COMPANY)
            && (unavailable || definition.name().equals("avg_health_score") && !scoresPresent)) {
          // No rows to key on: the company row of each period carries the null and its reason.
          for (String period : periods.keySet()) {
            keys.add(new Key(COMPANY, "all", period));
          }
        }
        Map<Key, Number> values = new LinkedHashMap<>();
        for (Key key : keys) {
          Number numerator = resolve(definition.numerator(), key);
          Number denominator = resolve(definition.denominator(), key);
          Number value = divide(definition, numerator, denominator, scoresPresent);
          values.put(key, value);
          Period period = periods.get(key.period());
          rows.add(RowFactory.create(definition.name(), key.scopeType(), key.scopeValue(), key.period(),
              Date.valueOf(period.start()), Date.valueOf(period.end()), value.value(), numerator.value(),
              denominator.value(), definition.unit(), value.nullReason(), KpiDefinition.label(definition.stage()),
              KpiDefinition.label(definition.layer()), KpiDefinition.label(definition.importance())));
        }
        kpiValues.put(definition.name(), values);
      }
      return rows;
    }

    private Set<Key> keysOf(Operand operand) {
      return switch (operand.kind()) {
        case MEASURE -> table.keys(operand.name());
        case KPI -> kpiValues.getOrDefault(operand.name(), Map.of()).keySet();
        case COMPANY_MEASURE, ONE -> Set.of();
      };
    }

    private boolean isUnavailable(Operand operand) {
      return switch (operand.kind()) {
        case MEASURE, COMPANY_MEASURE -> table.isUnavailable(operand.name());
        case KPI -> {
          Map<Key, Number> values = kpiValues.getOrDefault(operand.name(), Map.of());
          yield !values.isEmpty() && values.values().stream().allMatch(v -> v.value() == null);
        }
        case ONE -> false;
      };
    }

    private Number resolve(Operand operand, Key key) {
      return switch (operand.kind()) {
        case MEASURE -> table.value(key, operand.name());
        case COMPANY_MEASURE -> table.value(new Key(COMPANY, "all", key.period()), operand.name());
        case ONE -> new Number(1.0, null);
        case KPI -> {
          Number value = kpiValues.getOrDefault(operand.name(), Map.of()).get(key);
          yield value == null ? new Number(null, operand.name() + " has no value for this scope")
              : value.value() == null ? new Number(null, operand.name() + " is null: " + value.nullReason()) : value;
        }
      };
    }

    private static Number divide(KpiDefinition definition, Number numerator, Number denominator,
        boolean scoresPresent) {
      if (definition.name().equals("avg_health_score") && !scoresPresent) {
        return new Number(null, "customer_scores not available for the run date (score stage not run)");
      }
      if (numerator.value() == null) {
        return new Number(null, numerator.nullReason());
      }
      if (denominator.value() == null) {
        return new Number(null, denominator.nullReason());
      }
      if (denominator.value() == 0.0) {
        return new Number(null, "division by zero: " + definition.denominator().name() + " = 0");
      }
      double value = definition.scale() * numerator.value() / denominator.value();
      return Double.isFinite(value) ? new Number(value, null) : new Number(null, "not a finite number");
    }
  }

  /** The source tables with their scopes and measures. */
  private static final class Sources {
    private final KpiInputs inputs;
    private final KpiParameters params;
    private final FeatureParameters featureParams;
    private final Column asOf;
    private final LocalDate asOfDate;
    private final List<Period> periods;
    private final Dataset<Row> customers;

    Sources(KpiInputs inputs, KpiParameters params, LocalDate asOf, List<Period> periods) {
      this.inputs = inputs;
      this.params = params;
      this.featureParams = params.features();
      this.asOf = lit(Date.valueOf(asOf));
      this.asOfDate = asOf;
      this.periods = periods;
      Dataset<Row> dims = inputs.features().select(col("customer_id"), col("owner_id").as("customer_owner"),
          col("acquisition_channel"));
      if (inputs.segments().isPresent()) {
        dims = dims.join(inputs.segments().get().select("customer_id", "rfm_segment", "value_activity_tag"),
            "customer_id", "left");
      } else {
        dims = dims.withColumn("rfm_segment", lit(null).cast("string"))
            .withColumn("value_activity_tag", lit(null).cast("string"));
      }
      this.customers = dims;
    }

    List<KpiSource> all() {
      List<KpiSource> all = new ArrayList<>(List.of(customerPeriods(), orders(), marketingSpend(), features(),
          margins(), productLines(), leads(), opportunities(), lostReasons(), openByStage(), activities(), tickets(),
          nps()));
      inputs.scores().ifPresent(scores -> all.add(scores(scores)));
      return all;
    }

    private Dataset<Row> withCustomer(Dataset<Row> rows) {
      return rows.join(customers, new String[] {"customer_id"}, "left");
    }

    private static Column inPeriod(Column date) {
      return date.geq(col("period_start")).and(date.leq(col("period_end")));
    }

    private static Column countIf(Column condition) {
      return sum(when(condition, lit(1L)).otherwise(lit(0L)));
    }

    private static Column sumIf(Column condition, Column value) {
      return sum(when(condition, value.cast("double")).otherwise(lit(0.0)));
    }

    private static List<Scope> customerScopes(Column owner) {
      return List.of(
          new Scope(COMPANY, lit("all")),
          new Scope(OWNER, coalesce(owner, lit("unknown"))),
          new Scope(SEGMENT, concat(lit("rfm:"), col("rfm_segment"))),
          new Scope(SEGMENT, concat(lit("value_activity:"), col("value_activity_tag"))),
          new Scope(CHANNEL, coalesce(col("acquisition_channel"), lit("unknown"))));
    }

    private static List<Scope> salesScopes() {
      List<Scope> scopes = new ArrayList<>(customerScopes(coalesce(col("owner_id"), col("customer_owner"))));
      scopes.removeIf(s -> s.type().equals(CHANNEL));
      scopes.add(new Scope(PRODUCT_LINE, coalesce(col("product_line"), lit("unknown"))));
      return scopes;
    }

    /**
     * One row per customer with an order and period: last order before the period, orders in it, first and last
     * order to date. Active at a date = last order at most {@code inactiveDays} before it; lapsed = longer ago.
     */
    private KpiSource customerPeriods() {
      Dataset<Row> orders = KpiSource.withPeriods(
          OrderFacts.purchases(OrderFacts.countedOrders(inputs.silver(), featureParams, asOfDate), featureParams)
              .select("customer_id", "order_date"),
          periods);
      Dataset<Row> facts = orders.groupBy(col("customer_id"), col(KpiSource.PERIOD), col("period_start"),
              col("period_end"))
          .agg(max(when(col("order_date").lt(col("period_start")), col("order_date"))).as("last_before_start"),
              countIf(col("order_date").geq(col("period_start"))).as("orders_in_period"),
              min("order_date").as("first_order_date"), max("order_date").as("last_order_date"),
              count(lit(1)).as("orders_to_date"));
      int inactive = params.inactiveDays();
      Column gapAtStart = datediff(col("period_start"), col("last_before_start"));
      Column activeAtStart = col("last_before_start").isNotNull().and(gapAtStart.leq(inactive));
      Column lapsedAtStart = col("last_before_start").isNotNull().and(gapAtStart.gt(inactive));
      Column bought = col("orders_in_period").gt(0);
      return KpiSource.perPeriod("customer_periods", withCustomer(facts), customerScopes(col("customer_owner")),
          List.of(
              new Measure("active_at_start", countIf(activeAtStart)),
              new Measure("lost_customers",
                  countIf(activeAtStart.and(datediff(col("period_end"), col("last_order_date")).gt(inactive)))),
              new Measure("lapsed_at_start", countIf(lapsedAtStart)),
              new Measure("reactivated_customers", countIf(lapsedAtStart.and(bought))),
              new Measure("buyers", countIf(bought)),
              new Measure("repeat_buyers", countIf(bought.and(col("orders_to_date").geq(2)))),
              new Measure("new_customers", countIf(col("first_order_date").geq(col("period_start"))))))
          .from(Entity.ORDERS);
    }

    private KpiSource orders() {
      Dataset<Row> orders = OrderFacts.countedOrders(inputs.silver(), featureParams, asOfDate);
      Dataset<Row> revenue = OrderFacts.pricedLines(inputs.silver(), orders, featureParams)
          .groupBy("order_id").agg(sum("amount_base").as("order_revenue"));
      Dataset<Row> rows = withCustomer(orders.join(revenue, "order_id", "left"));
      Column in = inPeriod(col("order_date"));
      // Revenue is net of returns; a return order is not an order placed.
      return KpiSource.of("orders", rows, customerScopes(col("customer_owner")), List.of(
          new Measure("order_revenue", sumIf(in, coalesce(col("order_revenue"), lit(0.0)))),
          new Measure("orders", countIf(in.and(OrderFacts.isPurchase(featureParams))))))
          .from(Entity.ORDERS, Entity.ORDER_LINES);
    }

    /** Spend rows are dated at their month's first day. */
    private KpiSource marketingSpend() {
      Dataset<Row> spend = inputs.silver().marketingSpend().where(col("month").leq(asOf));
      return KpiSource.of("marketing_spend", spend,
          List.of(new Scope(COMPANY, lit("all")), new Scope(CHANNEL, coalesce(col("channel"), lit("unknown")))),
          List.of(new Measure("marketing_spend", sumIf(inPeriod(col("month")), col("amount")))))
          .from(Entity.MARKETING_SPEND);
    }

    /** Customer features are a snapshot at the run date: the same in every period. */
    private KpiSource features() {
      Dataset<Row> rows = inputs.features().select("customer_id", "product_lines_held");
      return KpiSource.of(GoldTable.CUSTOMER_FEATURES.table(), withCustomer(rows),
          customerScopes(col("customer_owner")), List.of(
          new Measure("buying_customers", countIf(col("product_lines_held").geq(1))),
          new Measure("multi_line_customers", countIf(col("product_lines_held").geq(2)))))
          .from(Entity.ORDERS, Entity.ORDER_LINES);
    }

    /**
     * Gross margin of customers with an order in 12 months (snapshot at the run date). A customer whose margin is
     * unknown (no unit costs on its lines) is left out of both sums; with no known margin at all the sum is null
     * (LTV unknown), not 0.
     */
    private KpiSource margins() {
      Dataset<Row> rows = inputs.features().select("customer_id", "order_count_12m", "gross_margin_12m");
      Column active = col("order_count_12m").gt(0);
      Column known = active.and(col("gross_margin_12m").isNotNull());
      return KpiSource.of("customer_margins", withCustomer(rows), customerScopes(col("customer_owner")), List.of(
          new Measure("ltv_margin_12m", sum(when(known, col("gross_margin_12m").cast("double")))),
          new Measure("margin_known_buyers_12m", countIf(known))))
          .from(Entity.ORDERS, Entity.ORDER_LINES);
    }

    private KpiSource productLines() {
      Dataset<Row> rows = inputs.features().select(explode(expr(
          "map_keys(map_filter(revenue_share_by_product_line, (k, v) -> v > 0))")).as("product_line"));
      return KpiSource.of("product_lines", rows, List.of(new Scope(PRODUCT_LINE, col("product_line"))),
          List.of(new Measure("line_holders", count(lit(1)))))
          .from(Entity.ORDERS, Entity.ORDER_LINES);
    }

    private KpiSource leads() {
      Dataset<Row> leads = inputs.silver().leads().where(col("created_at").leq(asOf));
      Column in = inPeriod(col("created_at"));
      return KpiSource.of("leads", leads,
          List.of(new Scope(COMPANY, lit("all")), new Scope(CHANNEL, coalesce(col("channel"), lit("unknown")))),
          List.of(new Measure("leads", countIf(in)),
              new Measure("converted_leads", countIf(in.and(col("converted_at").leq(asOf))))))
          .from(Entity.LEADS);
    }

    private Dataset<Row> opportunityRows() {
      return withCustomer(inputs.silver().opportunities().where(col("created_at").leq(asOf)));
    }

    private Column closedInPeriod() {
      return col("closed_at").isNotNull().and(inPeriod(col("closed_at")));
    }

    private static Column won() {
      return coalesce(col("won"), lit(false));
    }

    /**
     * Funnel method: the furthest stage an opportunity reached is its current stage when that stage was set on
     * or before the run date (a won opportunity reached the last stage); an opportunity whose stage changed
     * after the run date, or whose stage is not in the funnel, counts as having reached the first stage only.
     * A lost opportunity exits at the stage it was lost in: it reached its current stage when that is a funnel
     * stage, never the won (last) stage, and a lost stage ({@code kpis.lost-stages}) is not in the funnel.
     * Opportunities without an account count at company, owner and product line scope.
     */
    private KpiSource opportunities() {
      List<String> stages = params.funnel();
      Column stageKnown = col("stage_changed_at").isNull().or(col("stage_changed_at").leq(asOf));
      Column stageList = array(stages.stream().map(s -> lit(s)).toArray(Column[]::new));
      Column position = array_position(stageList, lower(col("stage"))).minus(1);
      Column closedByAsOf = col("closed_at").isNotNull().and(col("closed_at").leq(asOf));
      Column lostByAsOf = closedByAsOf.and(won().equalTo(false));
      Column reached = when(won().and(closedByAsOf), lit(stages.size() - 1))
          .when(lostByAsOf, when(stageKnown, least(greatest(position, lit(0L)), lit(stages.size() - 2L)))
              .otherwise(lit(0L)))
          .when(stageKnown, greatest(position, lit(0L)))
          .otherwise(lit(0L));
      Column created = inPeriod(col("created_at"));
      Column closed = closedInPeriod();
      Column open = col("closed_at").isNull().or(col("closed_at").gt(asOf));
      Column wonInPeriod = closed.and(won());
      Column cycle = datediff(col("closed_at"), col("created_at"));
      List<Measure> measures = new ArrayList<>(List.of(
          new Measure("won_deals", countIf(wonInPeriod)),
          new Measure("closed_deals", countIf(closed)),
          new Measure("lost_deals", countIf(closed.and(won().equalTo(false)))),
          new Measure("won_cycle_days", sumIf(wonInPeriod, cycle)),
          new Measure("won_cycle_days_median", expr("percentile(_won_cycle, 0.5)")),
          new Measure("won_amount", sumIf(wonInPeriod.and(col("amount").isNotNull()), col("amount"))),
          new Measure("won_deals_with_amount", countIf(wonInPeriod.and(col("amount").isNotNull()))),
          new Measure("open_amount", sumIf(open.and(col("amount").isNotNull()), col("amount")))));
      for (int i = 0; i < stages.size(); i++) {
        String stage = measureName(stages.get(i));
        measures.add(new Measure("reached." + stage, countIf(created.and(reached.geq(i)))));
        Column inStage = open.and(col("stage_changed_at").isNotNull()).and(col("stage_changed_at").leq(asOf))
            .and(lower(col("stage")).equalTo(stages.get(i)));
        measures.add(new Measure("open_in_stage." + stage, countIf(inStage)));
        measures.add(new Measure("days_in_stage." + stage, sumIf(inStage, datediff(asOf, col("stage_changed_at")))));
      }
      // The median needs the cycle of won deals of the row's period as a column (null for other rows).
      Dataset<Row> rows = KpiSource.withPeriods(opportunityRows(), periods)
          .withColumn("_won_cycle", when(wonInPeriod, cycle.cast("double")));
      return KpiSource.perPeriod("opportunities", rows, salesScopes(), measures).from(Entity.OPPORTUNITIES);
    }

    /** Open pipeline value per current stage (as named in the data), at the run date. */
    private KpiSource openByStage() {
      Column open = col("closed_at").isNull().or(col("closed_at").gt(asOf));
      return KpiSource.of("open_opportunities_by_stage", opportunityRows().where(open.and(col("amount").isNotNull())),
              salesScopes(), List.of(new Measure(OPEN_BY_STAGE, sumIf(lit(true), col("amount")))))
          .brokenDownBy(expr("regexp_replace(lower(coalesce(stage, 'unknown')), '[^a-z0-9]+', '_')"))
          .from(Entity.OPPORTUNITIES);
    }

    private KpiSource lostReasons() {
      Column lostInPeriod = closedInPeriod().and(won().equalTo(false));
      return KpiSource.of("opportunities_by_lost_reason", opportunityRows().where(col("lost_reason").isNotNull()),
              salesScopes(), List.of(new Measure(LOST_BY_REASON, countIf(lostInPeriod))))
          .brokenDownBy(expr("regexp_replace(lower(lost_reason), '[^a-z0-9]+', '_')"))
          .from(Entity.OPPORTUNITIES);
    }

    /** Sales activities (done by a salesperson); the owner scope is the activity's owner. */
    private KpiSource activities() {
      Dataset<Row> rows = withCustomer(inputs.silver().activities()
          .where(to_date(col("occurred_at")).leq(asOf))
          .where(lower(col("type")).isin(params.salesActivityTypes().toArray())));
      Column in = inPeriod(to_date(col("occurred_at")));
      return KpiSource.of("activities", rows, customerScopes(coalesce(col("owner_id"), col("customer_owner"))),
          List.of(new Measure("sales_activities", countIf(in)),
              new Measure("active_salespeople", countDistinct(when(in, col("owner_id"))))))
          .from(Entity.ACTIVITIES);
    }

    private KpiSource tickets() {
      Dataset<Row> rows = withCustomer(inputs.silver().tickets().where(to_date(col("created_at")).leq(asOf)));
      Column created = inPeriod(to_date(col("created_at")));
      Column responded = created.and(col("first_response_at").isNotNull())
          .and(to_date(col("first_response_at")).leq(asOf));
      Column resolved = col("resolved_at").isNotNull().and(inPeriod(to_date(col("resolved_at"))));
      Column cost = coalesce(col("parts_cost").cast("double"), lit(0.0))
          .plus(coalesce(col("labor_cost").cast("double"), lit(0.0)));
      return KpiSource.of("tickets", rows, customerScopes(col("customer_owner")), List.of(
          new Measure("tickets", countIf(created)),
          new Measure("complaints", countIf(created.and(lower(col("type")).equalTo(featureParams.complaintTicketType())))),
          new Measure("service_cost", sumIf(created, cost)),
          new Measure("responded_tickets", countIf(responded)),
          new Measure("response_hours", sumIf(responded, hoursBetween(col("created_at"), col("first_response_at")))),
          new Measure("resolved_tickets", countIf(resolved)),
          new Measure("resolution_hours", sumIf(resolved, hoursBetween(col("created_at"), col("resolved_at"))))))
          .from(Entity.TICKETS);
    }

    private static Column hoursBetween(Column from, Column to) {
      return unix_timestamp(to).minus(unix_timestamp(from)).divide(3600.0);
    }

    private KpiSource nps() {
      Dataset<Row> rows = withCustomer(inputs.silver().npsResponses().where(col("responded_at").leq(asOf)));
      Column in = inPeriod(col("responded_at"));
      Column net = when(col("score").geq(9), lit(1L)).when(col("score").leq(6), lit(-1L)).otherwise(lit(0L));
      return KpiSource.of("nps_responses", rows, customerScopes(col("customer_owner")), List.of(
          new Measure("nps_net", sum(when(in, net).otherwise(lit(0L)))),
          new Measure("nps_responses", countIf(in))))
          .from(Entity.NPS_RESPONSES);
    }

    private KpiSource scores(Dataset<Row> scores) {
      Dataset<Row> rows = withCustomer(scores.select("customer_id", "health_score"));
      Column scored = col("health_score").isNotNull();
      return KpiSource.of(GoldTable.CUSTOMER_SCORES.table(), rows, customerScopes(col("customer_owner")), List.of(
          new Measure("health_score_sum", sumIf(scored, col("health_score"))),
          new Measure("scored_customers", countIf(scored))));
    }
  }
}
