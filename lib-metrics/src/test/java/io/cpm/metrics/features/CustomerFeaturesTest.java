package io.cpm.metrics.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.testing.SampleSilver;
import io.cpm.metrics.testing.SilverFixture;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every feature checked against numbers worked out by hand from {@link SampleSilver} as of 2025-03-31
 * (days before the run date: O1 2024-01-15 = 441, O2 2025-01-10 = 80, O3 2025-03-20 = 11, O5 2025-02-15 = 44).
 * Rates: USD 0.92, GBP 1.17 to EUR.
 */
class CustomerFeaturesTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");
  private static final double EPS = 1e-9;
  private static Dataset<Row> features;
  private static Map<String, Row> byCustomer;

  @BeforeAll
  static void compute() {
    features = SampleSilver.features();
    byCustomer = index(features);
  }

  private static Map<String, Row> index(Dataset<Row> rows) {
    Map<String, Row> result = new HashMap<>();
    for (Row row : rows.collectAsList()) {
      result.put(row.getAs("customer_id"), row);
    }
    return result;
  }

  private static Object value(String customer, String column) {
    Row row = byCustomer.get(customer);
    return row.get(row.fieldIndex(column));
  }

  private static double number(String customer, String column) {
    return ((Number) value(customer, column)).doubleValue();
  }

  @Test
  void oneRowPerCustomerKnownAtRunDateWithContractColumnTypes() {
    // C4 is created 2025-04-05, after the run date.
    assertThat(byCustomer).containsOnlyKeys("C1", "C2", "C3");
    assertThat(features.columns()).containsExactlyElementsOf(CustomerFeatures.COLUMNS);
    Map<String, DataType> contract = new HashMap<>();
    for (String c : List.of("customer_id", "owner_id", "industry", "region", "size", "top_ticket_topic",
        "preferred_product_line")) {
      contract.put(c, DataTypes.StringType);
    }
    for (String c : List.of("revenue_12m", "revenue_lifetime", "annual_contract_value", "gross_margin_12m",
        "gross_margin_pct_12m", "avg_days_to_pay", "overdue_amount", "open_pipeline_amount", "price_sensitivity",
        "monetary_12m", "purchase_cycle_days", "avg_order_value", "order_trend", "return_rate", "nps_avg")) {
      contract.put(c, DataTypes.DoubleType);
    }
    for (String c : List.of("order_count_12m", "order_count_lifetime", "tickets_12m", "complaints_12m",
        "activities_30d", "activities_prev_30d", "activities_90d", "logins_30d", "frequency_12m")) {
      contract.put(c, DataTypes.LongType);
    }
    for (String c : List.of("product_lines_held", "recency_days", "nps_last", "tenure_days",
        "days_since_last_order")) {
      contract.put(c, DataTypes.IntegerType);
    }
    for (String c : List.of("first_contact_date", "first_order_date", "last_order_date")) {
      contract.put(c, DataTypes.DateType);
    }
    contract.put("is_repeat_buyer", DataTypes.BooleanType);
    contract.forEach((column, type) ->
        assertThat(features.schema().apply(column).dataType()).as(column).isEqualTo(type));
  }

  @Test
  void valueDimension() {
    // C1 revenue (EUR): O1 2*100 + 1*50 = 250; O2 1*100 USD*0.92 = 92; O3 -1*100 + 2*40 = -20; O4 cancelled.
    assertThat(number("C1", "revenue_lifetime")).isCloseTo(322.0, within(EPS));
    // 12 months (days 0..364): O2 + O3 = 92 - 20
    assertThat(number("C1", "revenue_12m")).isCloseTo(72.0, within(EPS));
    assertThat(value("C1", "order_count_lifetime")).isEqualTo(3L);
    assertThat(value("C1", "order_count_12m")).isEqualTo(2L);
    // K1 active (2024-01-01..2025-12-31); K2 ended 2023-12-31
    assertThat(number("C1", "annual_contract_value")).isCloseTo(1200.0, within(EPS));
    // margin 12m: O2 1*(92-46) = 46, O3 -1*(100-60) = -40, 2*(40-20) = 40 -> 46 over costed revenue 92-100+80 = 72
    assertThat(number("C1", "gross_margin_12m")).isCloseTo(46.0, within(EPS));
    assertThat(number("C1", "gross_margin_pct_12m")).isCloseTo(46.0 / 72.0, within(EPS));
    // paid by run date: I1 2025-01-10 -> 2025-02-01 = 22 days, I5 2024-02-01 -> 2024-02-11 = 10 days; I2 paid after
    assertThat(number("C1", "avg_days_to_pay")).isCloseTo(16.0, within(EPS));
    // I2 due 2025-03-15, paid 2025-04-03 (after the run date) -> overdue 100 EUR
    assertThat(number("C1", "overdue_amount")).isCloseTo(100.0, within(EPS));
    // P1 open (5000) + P2 closed 2025-04-05, after the run date, so open (3000)
    assertThat(number("C1", "open_pipeline_amount")).isCloseTo(8000.0, within(EPS));
    assertThat(value("C1", "open_opportunities")).isEqualTo(2L);
    // lineA 200 + 92 - 100 = 192, lineB 50 + 80 = 130, of 322
    Map<String, Double> share = byCustomer.get("C1").getJavaMap(byCustomer.get("C1").fieldIndex(
        "revenue_share_by_product_line"));
    assertThat(share).containsOnlyKeys("lineA", "lineB");
    assertThat(share.get("lineA")).isCloseTo(192.0 / 322.0, within(EPS));
    assertThat(share.get("lineB")).isCloseTo(130.0 / 322.0, within(EPS));
    assertThat(value("C1", "product_lines_held")).isEqualTo(2);

    // C2: O5 1*100 GBP*1.17 = 117, cost 50*1.17 = 58.5; I3 100 GBP due 2025-03-17 unpaid = 117; I4 not yet due
    assertThat(number("C2", "revenue_lifetime")).isCloseTo(117.0, within(EPS));
    assertThat(number("C2", "gross_margin_12m")).isCloseTo(58.5, within(EPS));
    assertThat(number("C2", "gross_margin_pct_12m")).isCloseTo(0.5, within(EPS));
    assertThat(value("C2", "avg_days_to_pay")).isNull();
    assertThat(number("C2", "overdue_amount")).isCloseTo(117.0, within(EPS));
    // K3 starts 2025-04-10, after the run date
    assertThat(number("C2", "annual_contract_value")).isEqualTo(0.0);
    // P4 closed 2025-03-25
    assertThat(number("C2", "open_pipeline_amount")).isEqualTo(0.0);
  }

  @Test
  void needsDimension() {
    // 12 months: T1 complaint billing, T2 billing (resolved 2025-04-02 -> open at run date), T3 setup; T4 too old
    assertThat(value("C1", "tickets_12m")).isEqualTo(3L);
    assertThat(value("C1", "complaints_12m")).isEqualTo(1L);
    assertThat(value("C1", "open_tickets")).isEqualTo(1L);
    // parts + labor: (10 + 40) + 30 + 20
    assertThat(number("C1", "service_cost_12m")).isCloseTo(100.0, within(EPS));
    assertThat(byCustomer.get("C1").<String, Long>getJavaMap(byCustomer.get("C1").fieldIndex("tickets_by_topic_12m")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("billing", 2L, "setup", 1L));
    assertThat(value("C1", "top_ticket_topic")).isEqualTo("billing");
    assertThat(value("C1", "preferred_product_line")).isEqualTo("lineA");
    // median unit price in EUR over bought lines: P1 {100, 92, 117} -> 100, P2 {50, 40} -> 45.
    // C1 paid 2*100 + 1*50 + 1*92 + 2*40 = 422 vs typical 2*100 + 1*45 + 1*100 + 2*45 = 435
    assertThat(number("C1", "price_index")).isCloseTo(422.0 / 435.0, within(EPS));
    assertThat(number("C1", "price_sensitivity")).isCloseTo(13.0 / 435.0, within(EPS));
    // bought below list price: O1 P2 50 and O3 P2 80 of 422
    assertThat(number("C1", "discount_share")).isCloseTo(130.0 / 422.0, within(EPS));
    // opportunity topics of the last 12 months (P3 'onboarding' was created 2024-01-01)
    assertThat(byCustomer.get("C1").getList(byCustomer.get("C1").fieldIndex("presales_topics")))
        .containsExactly("integration", "pricing");
    // C2 paid 117 for a product typically at 100
    assertThat(number("C2", "price_sensitivity")).isCloseTo(1.0 - 1.17, within(EPS));
    assertThat(number("C2", "discount_share")).isEqualTo(0.0);
    assertThat(value("C2", "top_ticket_topic")).isEqualTo("setup");
    assertThat(value("C2", "complaints_12m")).isEqualTo(1L);
  }

  @Test
  void behaviorDimension() {
    // days before run date: A1 1, A2 21, A3 29, A4 30, A5 58, A6 75, A7 181; A8 is after the run date
    assertThat(value("C1", "activities_30d")).isEqualTo(3L);
    assertThat(value("C1", "activities_prev_30d")).isEqualTo(2L);
    assertThat(value("C1", "activities_90d")).isEqualTo(6L);
    assertThat(value("C1", "activities_12m")).isEqualTo(7L);
    assertThat(List.of("calls_30d", "emails_30d", "meetings_30d", "visits_30d", "logins_30d", "events_30d")
        .stream().map(c -> value("C1", c)).toList()).containsExactly(1L, 1L, 0L, 0L, 1L, 0L);
    assertThat(List.of("calls_90d", "emails_90d", "meetings_90d", "visits_90d", "logins_90d", "events_90d")
        .stream().map(c -> value("C1", c)).toList()).containsExactly(1L, 1L, 1L, 0L, 2L, 1L);
    assertThat(value("C1", "last_activity_date")).isEqualTo(Date.valueOf("2025-03-30"));
    assertThat(value("C1", "recency_days")).isEqualTo(11);
    assertThat(value("C1", "frequency_12m")).isEqualTo(2L);
    assertThat(number("C1", "monetary_12m")).isCloseTo(72.0, within(EPS));
    // gaps between order days: 441 - 80 = 361, 80 - 11 = 69 -> median (361 + 69) / 2
    assertThat(number("C1", "purchase_cycle_days")).isCloseTo(215.0, within(EPS));
    assertThat(number("C1", "avg_order_value")).isCloseTo(322.0 / 3.0, within(EPS));
    assertThat(value("C1", "is_repeat_buyer")).isEqualTo(true);
    // last 90 days: O2 (80) + O3 (11) = 72; days 90..179: nothing -> trend undefined (null)
    assertThat(number("C1", "revenue_90d")).isCloseTo(72.0, within(EPS));
    assertThat(number("C1", "revenue_prev_90d")).isEqualTo(0.0);
    assertThat(value("C1", "order_trend")).isNull();
    // 12 months: returned 1 unit (O3 P1) of 1 (O2) + 2 (O3 P2) sold
    assertThat(number("C1", "return_rate")).isCloseTo(1.0 / 3.0, within(EPS));
    // R1 9 (2024-06-01), R2 6 (2025-03-01); R3 is after the run date
    assertThat(value("C1", "nps_last")).isEqualTo(6);
    assertThat(number("C1", "nps_avg")).isCloseTo(7.5, within(EPS));
    assertThat(value("C2", "logins_30d")).isEqualTo(1L);
    assertThat(value("C2", "is_repeat_buyer")).isEqualTo(false);
    assertThat(value("C2", "purchase_cycle_days")).isNull();
    assertThat(number("C2", "return_rate")).isEqualTo(0.0);
    assertThat(value("C2", "recency_days")).isEqualTo(44);
  }

  @Test
  void lifecycleDimension() {
    assertThat(value("C1", "first_contact_date")).isEqualTo(Date.valueOf("2022-12-01"));
    assertThat(value("C1", "first_order_date")).isEqualTo(Date.valueOf("2024-01-15"));
    assertThat(value("C1", "last_order_date")).isEqualTo(Date.valueOf("2025-03-20"));
    // 2023-01-10 -> 2025-03-31: 365 + 366 + 80
    assertThat(value("C1", "tenure_days")).isEqualTo(811);
    assertThat(value("C1", "days_since_last_order")).isEqualTo(11);
    assertThat(value("C1", "acquisition_channel")).isEqualTo("web");
    // no first contact given: created date
    assertThat(value("C2", "first_contact_date")).isEqualTo(Date.valueOf("2024-06-01"));
    assertThat(value("C2", "tenure_days")).isEqualTo(303);
    assertThat(value("C2", "acquisition_channel")).isEqualTo("partner");
  }

  @Test
  void customerWithoutOrdersTicketsOrActivitiesGetsDefinedValues() {
    for (String count : List.of("order_count_12m", "order_count_lifetime", "tickets_12m", "complaints_12m",
        "activities_30d", "activities_90d", "logins_30d", "frequency_12m", "nps_responses")) {
      assertThat(value("C3", count)).as(count).isEqualTo(0L);
    }
    for (String sum : List.of("revenue_12m", "revenue_lifetime", "gross_margin_12m", "overdue_amount",
        "open_pipeline_amount", "annual_contract_value", "monetary_12m", "service_cost_12m")) {
      assertThat(value("C3", sum)).as(sum).isEqualTo(0.0);
    }
    for (String undefined : List.of("gross_margin_pct_12m", "avg_days_to_pay", "price_sensitivity",
        "discount_share", "recency_days", "purchase_cycle_days", "avg_order_value", "order_trend", "return_rate",
        "nps_last", "nps_avg", "first_order_date", "last_order_date", "days_since_last_order", "top_ticket_topic",
        "preferred_product_line", "acquisition_channel", "last_activity_date")) {
      assertThat(value("C3", undefined)).as(undefined).isNull();
    }
    assertThat(value("C3", "product_lines_held")).isEqualTo(0);
    assertThat(value("C3", "is_repeat_buyer")).isEqualTo(false);
    assertThat(byCustomer.get("C3").getJavaMap(byCustomer.get("C3").fieldIndex("revenue_share_by_product_line")))
        .isEmpty();
    assertThat(byCustomer.get("C3").getList(byCustomer.get("C3").fieldIndex("presales_topics"))).isEmpty();
    assertThat(value("C3", "tenure_days")).isEqualTo(30);
    for (String column : List.of("gross_margin_pct_12m", "price_sensitivity", "order_trend", "return_rate",
        "avg_order_value")) {
      assertThat(features.where(org.apache.spark.sql.functions.isnan(org.apache.spark.sql.functions.col(column)))
          .count()).as(column).isZero();
    }
  }

  @Test
  void dataDatedAfterRunDateDoesNotChangeTheRows() {
    SilverFixture later = SampleSilver.base().copy()
        .add(Entity.ORDERS, "O9|C1|2025-04-02|completed|EUR", "O10|C3|2025-04-01|completed|USD")
        .add(Entity.ORDER_LINES, "O9|1|2025-04-02|P1|lineA|3|10.00|100.00|5.00",
            "O10|1|2025-04-01|P2|lineB|1|999.00|999.00|1.00")
        .add(Entity.INVOICES, "I9|C1|O9|2025-04-02|2025-04-03||30.00|EUR")
        .add(Entity.CONTRACTS, "K9|C3|2025-04-01||100.00|active")
        .add(Entity.OPPORTUNITIES, "P9|C3|2025-04-01|proposal|2025-04-01|10.00|lineA|new||||S1")
        .add(Entity.ACTIVITIES, "A99|C3|login|2025-04-01 00:00:01||")
        .add(Entity.NPS_RESPONSES, "R9|C2|2025-04-02|0")
        .add(Entity.LEADS, "L9|C3|2025-04-01|web|open|")
        .add(Entity.TICKETS, "T9|C3|2025-04-01 00:00:00|||open|low|complaint|setup|||1.00")
        .add(Entity.ACCOUNTS, "C9|Late|retail|north|small|S1|2025-04-01|||");
    Dataset<Row> recomputed = CustomerFeatures.compute(later.build(), FeatureParameters.defaults(), AS_OF);
    assertThat(recomputed.orderBy("customer_id").collectAsList())
        .isEqualTo(features.orderBy("customer_id").collectAsList());
  }

  @Test
  void returnOrderReducesRevenueButIsNotAPurchase() {
    // C2 bought once (O5, 2025-02-15, 1 x 100 GBP); a return order of that unit on 2025-03-25 nets the revenue
    // but is neither a second order nor a later last order date.
    SilverFixture withReturn = SampleSilver.base().copy()
        .add(Entity.ORDERS, "O7|C2|2025-03-25|return|GBP")
        .add(Entity.ORDER_LINES, "O7|1|2025-03-25|P1|lineA|-1|100.00|100.00|50.00");
    Map<String, Row> recomputed = index(CustomerFeatures.compute(withReturn.build(), FeatureParameters.defaults(),
        AS_OF));
    Row c2 = recomputed.get("C2");
    assertThat(c2.<Long>getAs("order_count_lifetime")).isEqualTo((long) number("C2", "order_count_lifetime"))
        .isEqualTo(1L);
    assertThat(c2.<Object>getAs("last_order_date")).isEqualTo(value("C2", "last_order_date"));
    assertThat(c2.<Boolean>getAs("is_repeat_buyer")).isFalse();
    assertThat(c2.<Double>getAs("revenue_lifetime")).isCloseTo(number("C2", "revenue_lifetime") - 117.0,
        org.assertj.core.data.Offset.offset(EPS));
    assertThat(number("C2", "return_rate")).isZero();
    assertThat(c2.<Double>getAs("return_rate")).isEqualTo(1.0);
    // Other customers are unchanged.
    assertThat(recomputed.get("C1")).isEqualTo(byCustomer.get("C1"));
  }

  @Test
  void unknownCurrencyIsRejectedNamingIt() {
    SilverFixture withYen = SampleSilver.base().copy().add(Entity.ORDERS, "O8|C2|2025-03-01|completed|JPY");
    assertThatThrownBy(() -> CustomerFeatures.compute(withYen.build(), FeatureParameters.defaults(), AS_OF))
        .isInstanceOf(UnknownCurrencyException.class)
        .hasMessageContaining("JPY");
    // a JPY order after the run date does not matter at the run date (the check runs inside compute)
    SilverFixture futureYen = SampleSilver.base().copy().add(Entity.ORDERS, "O8|C2|2025-04-01|completed|JPY");
    assertThat(CustomerFeatures.compute(futureYen.build(), FeatureParameters.defaults(), AS_OF).columns())
        .contains("revenue_12m");
    assertThat(Set.of(FeatureParameters.defaults().rates().keySet().toArray())).contains("EUR", "USD", "GBP");
  }
}
