package io.cpm.metrics.features;

import static io.cpm.metrics.SafeDivision.ratio;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.cpm.metrics.DateParameter;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Per-customer features in four dimensions — value, needs, behavior, lifecycle — as of a date
 * (docs/features.md defines every column with its window and unit).
 *
 * <p>Point in time: only records whose business date is on or before {@code asOf} count, and mutable fields
 * are read as of {@code asOf} too (an invoice paid after {@code asOf} is unpaid, a ticket resolved after it
 * is open, an opportunity closed after it is open). Amounts are converted to the base currency. Features are
 * declared as {@link FeatureAggregation}s; all features over one source table are computed in one
 * {@code agg(...)} per table, and the per-table results are joined onto the customers known at {@code asOf}.
 * Rates whose denominator is zero are null, never NaN or Infinity.
 */
public final class CustomerFeatures {
  /** Activity types counted separately over the recent and trend windows ({@code calls_30d}, ...). */
  public static final List<String> ACTIVITY_TYPES = List.of("call", "email", "meeting", "visit", "login", "event");

  /** The output columns, grouped by dimension (identity, value, needs, behavior, lifecycle). */
  public static final List<String> COLUMNS = List.of(
      "customer_id", "owner_id", "industry", "region", "size", "acquisition_channel",
      // value
      "revenue_12m", "revenue_lifetime", "order_count_12m", "order_count_lifetime", "annual_contract_value",
      "gross_margin_12m", "gross_margin_pct_12m", "avg_days_to_pay", "overdue_amount", "open_pipeline_amount",
      "open_opportunities", "revenue_share_by_product_line", "product_lines_held",
      // needs
      "tickets_12m", "complaints_12m", "open_tickets", "service_cost_12m", "tickets_by_topic_12m",
      "top_ticket_topic", "preferred_product_line", "price_index", "price_sensitivity", "discount_share",
      "presales_topics",
      // behavior
      "activities_30d", "activities_prev_30d", "activities_90d", "activities_12m",
      "calls_30d", "emails_30d", "meetings_30d", "visits_30d", "logins_30d", "events_30d",
      "calls_90d", "emails_90d", "meetings_90d", "visits_90d", "logins_90d", "events_90d",
      "last_activity_date", "recency_days", "frequency_12m", "monetary_12m", "purchase_cycle_days",
      "avg_order_value", "is_repeat_buyer", "revenue_90d", "revenue_prev_90d", "order_trend", "return_rate",
      "nps_last", "nps_avg", "nps_responses",
      // lifecycle
      "first_contact_date", "created_date", "first_order_date", "last_order_date", "tenure_days",
      "days_since_last_order");

  private static final String CUSTOMER = "customer_id";
  private static final String DAYS_AGO = "days_ago";
  private static final scala.collection.Seq<String> ON_CUSTOMER =
      scala.collection.JavaConverters.asScalaBuffer(List.of(CUSTOMER)).toList();

  /**
   * The features derived from others (docs/features.md): each is null when one of the features it is computed
   * from is not available, and listed with them by {@link #unavailable}.
   */
  private static final Map<String, List<String>> DERIVED = Map.ofEntries(
      Map.entry("revenue_share_by_product_line", List.of("revenue_lifetime")),
      Map.entry("product_lines_held", List.of("revenue_lifetime")),
      Map.entry("gross_margin_pct_12m", List.of("gross_margin_12m")),
      Map.entry("price_index", List.of("revenue_lifetime")),
      Map.entry("price_sensitivity", List.of("revenue_lifetime")),
      Map.entry("discount_share", List.of("revenue_lifetime")),
      Map.entry("recency_days", List.of("last_order_date")),
      Map.entry("days_since_last_order", List.of("last_order_date")),
      Map.entry("frequency_12m", List.of("order_count_12m")),
      Map.entry("monetary_12m", List.of("revenue_12m")),
      Map.entry("avg_order_value", List.of("revenue_lifetime", "order_count_lifetime")),
      Map.entry("is_repeat_buyer", List.of("order_count_lifetime")),
      Map.entry("order_trend", List.of("revenue_90d")),
      Map.entry("return_rate", List.of("revenue_lifetime")));

  private CustomerFeatures() {}

  /**
   * The output features that cannot be computed because a silver entity they are read from has no rows at all
   * (the company does not export it), each with the reason; such features are null for every customer.
   * Costs one small Spark job per entity, once per {@link SilverTables} ({@link SilverTables#hasRows}).
   */
  public static Map<String, String> unavailable(SilverTables silver) {
    Map<String, Set<Entity>> entitiesByFeature = new LinkedHashMap<>();
    for (Map.Entry<String, Set<Entity>> source : SOURCE_ENTITIES.entrySet()) {
      for (String feature : SOURCE_FEATURES.get(source.getKey())) {
        entitiesByFeature.put(feature, source.getValue());
      }
    }
    Map<String, String> result = new TreeMap<>();
    for (Map.Entry<String, Set<Entity>> e : entitiesByFeature.entrySet()) {
      String reason = missingReason(silver, e.getValue());
      if (reason != null && COLUMNS.contains(e.getKey())) {
        result.put(e.getKey(), reason);
      }
      if (reason != null) {
        for (Map.Entry<String, List<String>> derived : DERIVED.entrySet()) {
          if (derived.getValue().contains(e.getKey())) {
            result.putIfAbsent(derived.getKey(), reason);
          }
        }
      }
    }
    return result;
  }

  /** "no X export (silver T has no rows)" for the first of the entities without rows, or null when all have. */
  static String missingReason(SilverTables silver, Set<Entity> entities) {
    for (Entity entity : entities) {
      if (!silver.hasRows(entity)) {
        return "no " + entity.name().toLowerCase(Locale.ROOT) + " export (silver " + entity.table()
            + " has no rows)";
      }
    }
    return null;
  }

  /** Per source (by its builder's name): the entities it reads and the features it gives. */
  private static final Map<String, Set<Entity>> SOURCE_ENTITIES = new LinkedHashMap<>();
  private static final Map<String, List<String>> SOURCE_FEATURES = new LinkedHashMap<>();

  static {
    declare("orders", Set.of(Entity.ORDERS), "order_count_lifetime", "order_count_12m", "first_order_date",
        "last_order_date", "purchase_cycle_days");
    declare("lines", Set.of(Entity.ORDERS, Entity.ORDER_LINES), "revenue_lifetime", "revenue_12m", "revenue_90d",
        "revenue_prev_90d", "gross_margin_12m", "costed_revenue_12m", "returned_units_12m", "sold_units_12m",
        "paid_value", "typical_value", "discounted_value", "bought_value", "revenue_by_product_line",
        "preferred_product_line");
    declare("invoices", Set.of(Entity.INVOICES), "avg_days_to_pay", "overdue_amount");
    declare("contracts", Set.of(Entity.CONTRACTS), "annual_contract_value");
    declare("opportunities", Set.of(Entity.OPPORTUNITIES), "open_pipeline_amount", "open_opportunities",
        "presales_topics");
    declare("tickets", Set.of(Entity.TICKETS), "tickets_12m", "complaints_12m", "open_tickets", "service_cost_12m",
        "tickets_by_topic_12m", "top_ticket_topic");
    List<String> activityFeatures = new ArrayList<>(List.of("activities_30d", "activities_prev_30d",
        "activities_90d", "activities_12m", "last_activity_date"));
    for (String suffix : List.of("_30d", "_90d")) {
      ACTIVITY_TYPES.forEach(type -> activityFeatures.add(type + "s" + suffix));
    }
    declare("activities", Set.of(Entity.ACTIVITIES), activityFeatures.toArray(String[]::new));
    declare("nps", Set.of(Entity.NPS_RESPONSES), "nps_last", "nps_avg", "nps_responses");
    declare("leads", Set.of(Entity.LEADS), "acquisition_channel");
  }

  private static void declare(String source, Set<Entity> entities, String... features) {
    SOURCE_ENTITIES.put(source, entities);
    SOURCE_FEATURES.put(source, List.of(features));
  }

  /** One row per customer with {@code created_at <= asOf}, columns {@link #COLUMNS}. */
  public static Dataset<Row> compute(SilverTables silver, FeatureParameters params, LocalDate asOf) {
    Objects.requireNonNull(silver, "silver");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(asOf, "asOf");
    return new CustomerFeatures.Computation(silver, params, asOf).run();
  }

  /**
   * A source table prepared with {@code customer_id}, the features it contributes in one aggregation, and the
   * silver entities it is read from: when one of them has no rows at all (the company does not export it), its
   * features are null for every customer instead of their "no rows for this customer" default (0 orders is a
   * fact; 0 orders because there is no ERP export is not).
   */
  private record Source(Dataset<Row> rows, List<FeatureAggregation> features, Set<Entity> entities) {
    Dataset<Row> aggregate() {
      Column first = features.get(0).aggregation().as(features.get(0).name());
      Column[] rest = features.stream().skip(1).map(f -> f.aggregation().as(f.name())).toArray(Column[]::new);
      return rows.groupBy(CUSTOMER).agg(first, rest);
    }
  }

  private static final class Computation {
    private final SilverTables silver;
    private final FeatureParameters params;
    private final Column asOf;
    private final LocalDate asOfDate;
    private final CurrencyConversion currency;

    Computation(SilverTables silver, FeatureParameters params, LocalDate asOf) {
      this.silver = silver;
      this.params = params;
      this.asOf = DateParameter.of(asOf);
      this.asOfDate = asOf;
      this.currency = new CurrencyConversion(params);
    }

    Dataset<Row> run() {
      Dataset<Row> orders = dated(OrderFacts.countedOrders(silver, params, asOfDate), col("order_date"));
      Dataset<Row> invoices = dated(silver.invoices(), col("issued_at"));
      currency.requireKnownCurrencies(silver, List.of(orders, invoices));
      Dataset<Row> lines = lines(orders);

      List<Source> sources = List.of(
          orderSource(purchases(orders)), lineSource(lines), productLineSource(lines), invoiceSource(invoices),
          contractSource(), opportunitySource(), ticketSource(), ticketTopicSource(), activitySource(),
          npsSource(), leadSource());

      Dataset<Row> result = silver.customers()
          .where(col("created_at").leq(asOf))
          .select(col(CUSTOMER), col("owner_id"), col("industry"), col("region"), col("size"),
              least(col("first_contact_at"), col("created_at")).as("first_contact_date"),
              col("created_at").as("created_date"));
      for (Source source : sources) {
        result = result.join(source.aggregate(), ON_CUSTOMER, "left");
      }
      Map<String, Column> defaults = new HashMap<>();
      for (Source source : sources) {
        if (missingReason(silver, source.entities()) != null) {
          continue;
        }
        for (FeatureAggregation feature : source.features()) {
          if (feature.absent() != null) {
            defaults.put(feature.name(), coalesce(col(feature.name()), feature.absent()).as(feature.name()));
          }
        }
      }
      result = result.select(Arrays.stream(result.columns())
          .map(c -> defaults.getOrDefault(c, col(c))).toArray(Column[]::new));
      return derive(result).select(COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    }

    /** Rows dated on or before asOf, with {@code days_ago} = days from the row's date to asOf (0 = asOf). */
    private Dataset<Row> dated(Dataset<Row> table, Column date) {
      return table.where(date.leq(asOf)).withColumn(DAYS_AGO, datediff(asOf, date));
    }

    private Column within(int days) {
      return col(DAYS_AGO).lt(days);
    }

    private Column between(int fromDays, int toDays) {
      return col(DAYS_AGO).geq(fromDays).and(col(DAYS_AGO).lt(toDays));
    }

    private static Column countIf(Column condition) {
      return sum(when(condition, lit(1L)).otherwise(lit(0L)));
    }

    private static Column sumIf(Column condition, Column value) {
      return sum(when(condition, value).otherwise(lit(0.0)));
    }

    /** Counted orders that are purchases (not returns), with the gap to the customer's previous purchase day. */
    private Dataset<Row> purchases(Dataset<Row> orders) {
      // Same-day orders are one purchase occasion (gap null).
      Column gap = datediff(col("order_date"),
          lag(col("order_date"), 1).over(Window.partitionBy(CUSTOMER).orderBy(col("order_date"), col("order_id"))));
      return OrderFacts.purchases(orders, params).withColumn("gap_days", when(gap.gt(0), gap));
    }

    /** Order lines of counted orders, priced in the base currency, with the product's median unit price. */
    private Dataset<Row> lines(Dataset<Row> orders) {
      Dataset<Row> priced = OrderFacts.pricedLines(silver, orders, params, DAYS_AGO);
      Dataset<Row> medians = priced.where(col("quantity").gt(0)).groupBy("product_id")
          .agg(expr("percentile(price_base, 0.5)").as("median_price"));
      return priced.join(medians, "product_id", "left");
    }

    private Source orderSource(Dataset<Row> orders) {
      return new Source(orders, List.of(
          FeatureAggregation.withDefault("order_count_lifetime", count(lit(1)), lit(0L)),
          FeatureAggregation.withDefault("order_count_12m", countIf(within(params.yearDays())), lit(0L)),
          FeatureAggregation.nullable("first_order_date", min("order_date")),
          FeatureAggregation.nullable("last_order_date", max("order_date")),
          FeatureAggregation.nullable("purchase_cycle_days", expr("percentile(gap_days, 0.5)"))),
          SOURCE_ENTITIES.get("orders"));
    }

    private Source lineSource(Dataset<Row> lines) {
      int year = params.yearDays();
      int trend = params.trendDays();
      Column bought = col("quantity").gt(0);
      Column costKnown = col("unit_cost").isNotNull();
      Column priced = bought.and(col("median_price").isNotNull());
      Column discounted = bought.and(col("list_price").isNotNull()).and(col("unit_price").lt(col("list_price")));
      Column quantity = col("quantity").cast("double");
      return new Source(lines, List.of(
          FeatureAggregation.withDefault("revenue_lifetime", sum("amount_base"), lit(0.0)),
          FeatureAggregation.withDefault("revenue_12m", sumIf(within(year), col("amount_base")), lit(0.0)),
          FeatureAggregation.withDefault("revenue_90d", sumIf(within(trend), col("amount_base")), lit(0.0)),
          FeatureAggregation.withDefault("revenue_prev_90d", sumIf(between(trend, 2 * trend), col("amount_base")),
              lit(0.0)),
          FeatureAggregation.withDefault("gross_margin_12m", sumIf(within(year).and(costKnown),
              quantity.multiply(col("price_base").minus(col("cost_base")))), lit(0.0)),
          FeatureAggregation.withDefault("costed_revenue_12m", sumIf(within(year).and(costKnown), col("amount_base")),
              lit(0.0)),
          FeatureAggregation.withDefault("returned_units_12m", sumIf(within(year).and(col("quantity").lt(0)),
              quantity.multiply(-1)), lit(0.0)),
          FeatureAggregation.withDefault("sold_units_12m", sumIf(within(year).and(bought), quantity), lit(0.0)),
          FeatureAggregation.withDefault("paid_value", sumIf(priced, col("amount_base")), lit(0.0)),
          FeatureAggregation.withDefault("typical_value", sumIf(priced, quantity.multiply(col("median_price"))),
              lit(0.0)),
          FeatureAggregation.withDefault("discounted_value", sumIf(discounted, col("amount_base")), lit(0.0)),
          FeatureAggregation.withDefault("bought_value", sumIf(bought, col("amount_base")), lit(0.0))),
          SOURCE_ENTITIES.get("lines"));
    }

    private Source productLineSource(Dataset<Row> lines) {
      Dataset<Row> byLine = lines
          .groupBy(col(CUSTOMER), coalesce(col("product_line"), lit("unknown")).as("product_line"))
          .agg(sum("amount_base").as("line_revenue"));
      Column entries = collect_list(struct(col("product_line"), col("line_revenue")));
      return new Source(byLine, List.of(
          FeatureAggregation.withDefault("revenue_by_product_line", map_from_entries(entries),
              expr("map()").cast("map<string,double>")),
          FeatureAggregation.nullable("preferred_product_line",
              topKey(entries, "line_revenue", "product_line"))),
          SOURCE_ENTITIES.get("lines"));
    }

    private Source invoiceSource(Dataset<Row> invoices) {
      Column amount = currency.toBase(col("amount"), col("currency"));
      Column paidByAsOf = col("paid_at").isNotNull().and(col("paid_at").leq(asOf));
      return new Source(invoices, List.of(
          FeatureAggregation.nullable("avg_days_to_pay",
              avg(when(paidByAsOf, datediff(col("paid_at"), col("issued_at"))))),
          FeatureAggregation.withDefault("overdue_amount",
              sumIf(col("due_at").lt(asOf).and(not(paidByAsOf)), amount), lit(0.0))),
          SOURCE_ENTITIES.get("invoices"));
    }

    private Source contractSource() {
      Column active = col("end_date").isNull().or(col("end_date").geq(asOf));
      return new Source(silver.contracts().where(col("start_date").leq(asOf)), List.of(
          FeatureAggregation.withDefault("annual_contract_value",
              sumIf(active, col("annual_value").cast("double")), lit(0.0))),
          SOURCE_ENTITIES.get("contracts"));
    }

    private Source opportunitySource() {
      Column open = col("closed_at").isNull().or(col("closed_at").gt(asOf));
      return new Source(dated(silver.opportunities(), col("created_at")), List.of(
          FeatureAggregation.withDefault("open_pipeline_amount", sumIf(open, col("amount").cast("double")), lit(0.0)),
          FeatureAggregation.withDefault("open_opportunities", countIf(open), lit(0L)),
          FeatureAggregation.withDefault("presales_topics",
              array_sort(collect_set(when(within(params.yearDays()), col("topic")))),
              array().cast("array<string>"))),
          SOURCE_ENTITIES.get("opportunities"));
    }

    private Source ticketSource() {
      int year = params.yearDays();
      Column open = col("resolved_at").isNull().or(to_date(col("resolved_at")).gt(asOf));
      Column cost = coalesce(col("parts_cost").cast("double"), lit(0.0))
          .plus(coalesce(col("labor_cost").cast("double"), lit(0.0)));
      return new Source(dated(silver.tickets(), to_date(col("created_at"))), List.of(
          FeatureAggregation.withDefault("tickets_12m", countIf(within(year)), lit(0L)),
          FeatureAggregation.withDefault("complaints_12m",
              countIf(within(year).and(lower(col("type")).equalTo(params.complaintTicketType()))), lit(0L)),
          FeatureAggregation.withDefault("open_tickets", countIf(open), lit(0L)),
          FeatureAggregation.withDefault("service_cost_12m", sumIf(within(year), cost), lit(0.0))),
          SOURCE_ENTITIES.get("tickets"));
    }

    private Source ticketTopicSource() {
      Dataset<Row> byTopic = dated(silver.tickets(), to_date(col("created_at")))
          .where(within(params.yearDays()))
          .groupBy(col(CUSTOMER), coalesce(col("topic"), lit("unknown")).as("topic"))
          .agg(count(lit(1)).as("topic_tickets"));
      Column entries = collect_list(struct(col("topic"), col("topic_tickets")));
      return new Source(byTopic, List.of(
          FeatureAggregation.withDefault("tickets_by_topic_12m", map_from_entries(entries),
              expr("map()").cast("map<string,bigint>")),
          FeatureAggregation.nullable("top_ticket_topic", topKey(entries, "topic_tickets", "topic"))),
          SOURCE_ENTITIES.get("tickets"));
    }

    private Source activitySource() {
      int recent = params.recentDays();
      int trend = params.trendDays();
      List<FeatureAggregation> features = new ArrayList<>(List.of(
          FeatureAggregation.withDefault("activities_30d", countIf(within(recent)), lit(0L)),
          FeatureAggregation.withDefault("activities_prev_30d", countIf(between(recent, 2 * recent)), lit(0L)),
          FeatureAggregation.withDefault("activities_90d", countIf(within(trend)), lit(0L)),
          FeatureAggregation.withDefault("activities_12m", countIf(within(params.yearDays())), lit(0L)),
          FeatureAggregation.nullable("last_activity_date", max(to_date(col("occurred_at"))))));
      for (int days : List.of(recent, trend)) {
        String suffix = days == recent ? "_30d" : "_90d";
        for (String type : ACTIVITY_TYPES) {
          features.add(FeatureAggregation.withDefault(type + "s" + suffix,
              countIf(within(days).and(lower(col("type")).equalTo(type))), lit(0L)));
        }
      }
      return new Source(dated(silver.activities(), to_date(col("occurred_at"))), features,
          SOURCE_ENTITIES.get("activities"));
    }

    private Source npsSource() {
      return new Source(dated(silver.npsResponses(), col("responded_at")), List.of(
          FeatureAggregation.nullable("nps_last", max_by(col("score"), struct(col("responded_at"), col("response_id")))),
          FeatureAggregation.nullable("nps_avg", avg(col("score").cast("double"))),
          FeatureAggregation.withDefault("nps_responses", count(lit(1)), lit(0L))),
          SOURCE_ENTITIES.get("nps"));
    }

    private Source leadSource() {
      Dataset<Row> leads = dated(silver.leads(), col("created_at")).where(col(CUSTOMER).isNotNull());
      return new Source(leads, List.of(
          FeatureAggregation.nullable("acquisition_channel",
              min_by(col("channel"), struct(col("created_at"), col("lead_id"))))),
          SOURCE_ENTITIES.get("leads"));
    }

    /**
     * Features computed from the aggregated ones (ratios go through {@code SafeDivision}). Added in two
     * {@code withColumns} steps (the second uses columns of the first), not one {@code withColumn} each: every
     * step analyzes the whole plan of eleven joined sources again, and the features are computed for the run
     * date and for every churn snapshot.
     */
    private Dataset<Row> derive(Dataset<Row> aggregated) {
      Column revenueLifetime = col("revenue_lifetime");
      Map<String, Column> first = new LinkedHashMap<>();
      first.put("revenue_share_by_product_line", expr(
          "map_filter(transform_values(revenue_by_product_line, (k, v) -> "
              + "CASE WHEN revenue_lifetime <> 0 THEN v / revenue_lifetime END), (k, v) -> v IS NOT NULL)"));
      // size(null) is -1, not null: without order lines the count is unknown.
      first.put("product_lines_held", when(col("revenue_by_product_line").isNotNull(),
          expr("size(map_filter(revenue_by_product_line, (k, v) -> v > 0))")));
      // A customer who bought in 12 months but none of whose lines has a unit cost has an unknown margin, not 0.
      first.put("gross_margin_12m", when(col("revenue_12m").notEqual(0).and(col("costed_revenue_12m").equalTo(0)),
          lit(null).cast("double")).otherwise(col("gross_margin_12m")));
      first.put("gross_margin_pct_12m", ratio(col("gross_margin_12m"), col("costed_revenue_12m")));
      first.put("price_index", ratio(col("paid_value"), col("typical_value")));
      first.put("discount_share", ratio(col("discounted_value"), col("bought_value")));
      first.put("recency_days", datediff(asOf, col("last_order_date")));
      first.put("frequency_12m", col("order_count_12m"));
      first.put("monetary_12m", col("revenue_12m"));
      first.put("avg_order_value", ratio(revenueLifetime, col("order_count_lifetime")));
      first.put("is_repeat_buyer", col("order_count_lifetime").geq(2));
      first.put("order_trend", ratio(col("revenue_90d"), col("revenue_prev_90d")));
      first.put("return_rate", ratio(col("returned_units_12m"), col("sold_units_12m")));
      first.put("tenure_days", datediff(asOf, col("created_date")));
      Map<String, Column> second = new LinkedHashMap<>();
      second.put("price_sensitivity", lit(1.0).minus(col("price_index")));
      second.put("days_since_last_order", col("recency_days"));
      return aggregated.withColumns(first).withColumns(second);
    }

    /** The key of the largest value in an array of (key, value) structs; ties go to the alphabetically first key. */
    private static Column topKey(Column entries, String valueField, String keyField) {
      Column sorted = array_sort(entries, (a, b) -> when(a.getField(valueField).gt(b.getField(valueField)), lit(-1))
          .when(a.getField(valueField).lt(b.getField(valueField)), lit(1))
          .when(a.getField(keyField).lt(b.getField(keyField)), lit(-1))
          .when(a.getField(keyField).gt(b.getField(keyField)), lit(1))
          .otherwise(lit(0)));
      return element_at(sorted, 1).getField(keyField);
    }
  }
}
