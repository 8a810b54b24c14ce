package io.cpm.metrics.kpi;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SCORES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import io.cpm.metrics.testing.SampleSilver;
import io.cpm.metrics.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.concurrent.TimeoutException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every seed KPI checked against numbers worked out by hand from {@link SampleSilver} as of 2025-03-31.
 * Periods: month = 2025-03-01..31; quarter and trailing 90 days = 2025-01-01..03-31. Inactive after 180 days.
 * Orders counted: C1 O1 2024-01-15, O2 2025-01-10 (92 EUR), O3 2025-03-20 (-20 EUR: return 100, sale 80);
 * C2 O5 2025-02-15 (117 EUR). C1 is owned by S1 and came via web, C2 by S2 via partner.
 */
class KpiLibraryTest {
  private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");
  private static final double EPS = 1e-9;
  private static SilverTables silver;
  private static Dataset<Row> features;
  private static Map<String, Row> values;
  private static Dataset<Row> kpis;

  /** Spark jobs started while computing and collecting the whole KPI set. */
  private static int jobsStarted;

  @BeforeAll
  static void compute() throws TimeoutException {
    silver = SampleSilver.base().build();
    features = SampleSilver.features();
    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    };
    SparkSession spark = TestSpark.session();
    // Which entities have rows is asked once per SilverTables and kept (in the nightly run the features stage
    // has asked already); the count below is the cost of the KPI set itself.
    silver.emptyEntities();
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().addSparkListener(listener);
    try {
      kpis = KpiLibrary.compute(KpiInputs.of(silver, features), KpiParameters.defaults(), AS_OF);
      values = index(kpis);
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    jobsStarted = jobs.get();
  }

  private static Map<String, Row> index(Dataset<Row> rows) {
    Map<String, Row> result = new HashMap<>();
    for (Row row : rows.collectAsList()) {
      String key = row.getString(0) + "|" + row.getString(1) + "|" + row.getString(2) + "|" + row.getString(3);
      assertThat(result.put(key, row)).as("duplicate " + key).isNull();
    }
    return result;
  }

  private static Row row(Map<String, Row> rows, String kpi, String scopeType, String scopeValue, String period) {
    Row row = rows.get(kpi + "|" + scopeType + "|" + scopeValue + "|" + period);
    assertThat(row).as(kpi + " " + scopeType + "=" + scopeValue + " " + period).isNotNull();
    return row;
  }

  private static Double value(String kpi, String period) {
    return value(values, kpi, "company", "all", period);
  }

  private static Double value(Map<String, Row> rows, String kpi, String scopeType, String scopeValue, String period) {
    Row row = row(rows, kpi, scopeType, scopeValue, period);
    return row.isNullAt(6) ? null : row.getDouble(6);
  }

  private static String nullReason(String kpi, String scopeType, String scopeValue, String period) {
    return row(values, kpi, scopeType, scopeValue, period).getAs("null_reason");
  }

  @Test
  void rowsCarryPeriodsUnitsAndTags() {
    Row churn = row(values, "churn_rate", "company", "all", "month");
    assertThat((Date) churn.getAs("period_start")).isEqualTo(Date.valueOf("2025-03-01"));
    assertThat((Date) churn.getAs("period_end")).isEqualTo(Date.valueOf("2025-03-31"));
    assertThat((Date) row(values, "churn_rate", "company", "all", "trailing_90_days").getAs("period_start"))
        .isEqualTo(Date.valueOf("2025-01-01"));
    assertThat((String) churn.getAs("unit")).isEqualTo("percent");
    assertThat((String) churn.getAs("lifecycle_stage")).isEqualTo("retention");
    assertThat((String) churn.getAs("layer")).isEqualTo("strategic");
    assertThat((String) churn.getAs("importance")).isEqualTo("main");
    assertThat(kpis.columns()).containsExactly("kpi", "scope_type", "scope_value", "period", "period_start",
        "period_end", "value", "numerator", "denominator", "unit", "null_reason", "lifecycle_stage", "layer",
        "importance");
    assertThat(kpis.where("isnan(value) OR value = double('Infinity') OR value = double('-Infinity')").count()).isZero();
    assertThat(kpis.where("value IS NULL AND null_reason IS NULL").count()).isZero();
  }

  @Test
  void valueKpis() {
    // LTV = 3 years * (46 + 58.5) gross margin 12m / 2 customers with an order in 12 months
    assertThat(value("ltv", "month")).isCloseTo(3 * 104.5 / 2, within(EPS));
    assertThat(value(values, "ltv", "channel", "partner", "quarter")).isCloseTo(3 * 58.5, within(EPS));
    // CAC quarter = spend 1000 + 500 / 1 new customer (C2, first order 2025-02-15)
    assertThat(value("cac", "quarter")).isCloseTo(1500.0, within(EPS));
    assertThat(value(values, "cac", "channel", "partner", "quarter")).isCloseTo(500.0, within(EPS));
    assertThat(value("ltv_to_cac", "quarter")).isCloseTo(156.75 / 1500.0, within(EPS));
    assertThat(value(values, "ltv_to_cac", "channel", "partner", "quarter")).isCloseTo(175.5 / 500.0, within(EPS));
    // AOV quarter = (92 - 20 + 117) / 3 orders; month = O3 alone
    assertThat(value("avg_order_value", "quarter")).isCloseTo(63.0, within(EPS));
    assertThat(value("avg_order_value", "month")).isCloseTo(-20.0, within(EPS));
    assertThat(value(values, "avg_order_value", "owner", "S2", "quarter")).isCloseTo(117.0, within(EPS));
  }

  @Test
  void retentionKpis() {
    // month: C1 (last before 2025-01-10, 50 days) and C2 (2025-02-15) active at start; none inactive > 180 days at end
    assertThat(value("churn_rate", "month")).isEqualTo(0.0);
    assertThat(row(values, "churn_rate", "company", "all", "month").<Double>getAs("denominator")).isEqualTo(2.0);
    // month buyers: C1 (3 orders to date) -> repeat 1 / 1
    assertThat(value("repeat_purchase_rate", "month")).isCloseTo(100.0, within(EPS));
    // quarter: C1 lapsed at 2025-01-01 (last order 2024-01-15, 352 days) and bought again; C2 new
    assertThat(value("reactivation_rate", "quarter")).isCloseTo(100.0, within(EPS));
    assertThat(value("repeat_purchase_rate", "quarter")).isCloseTo(50.0, within(EPS));
    // NPS: only R2 (score 6, detractor) in 2025 -> 100 * (0 - 1) / 1
    assertThat(value("nps", "quarter")).isCloseTo(-100.0, within(EPS));
    assertThat(value(values, "nps", "owner", "S1", "month")).isCloseTo(-100.0, within(EPS));
  }

  @Test
  void salesKpis() {
    // L4 created 2025-01-01, not converted
    assertThat(value("lead_conversion_rate", "quarter")).isEqualTo(0.0);
    // closed in 2025: P4 lost (price); P2 is won 2025-04-05, after the run date
    assertThat(value("win_rate", "quarter")).isEqualTo(0.0);
    assertThat(value("lost_reason_share.price", "month")).isCloseTo(100.0, within(EPS));
    assertThat(value(values, "win_rate", "owner", "S2", "quarter")).isEqualTo(0.0);
    assertThat(value(values, "win_rate", "product_line", "lineA", "quarter")).isEqualTo(0.0);
    assertThat(value("sales_cycle_days", "quarter")).isNull();
    // funnel, created in quarter: P1 reached proposal, P4 qualification -> 1 / 2; proposal -> negotiation 0 / 1
    assertThat(value("stage_conversion.qualification_to_proposal", "quarter")).isCloseTo(50.0, within(EPS));
    assertThat(value("stage_conversion.proposal_to_negotiation", "quarter")).isEqualTo(0.0);
    assertThat(value("stage_conversion.qualification_to_proposal", "month")).isEqualTo(0.0);
    // open at run date with a known stage: P1 in proposal since 2025-03-01 = 30 days
    assertThat(value("avg_days_in_stage.proposal", "month")).isCloseTo(30.0, within(EPS));
    // sales activities in March: A1 call, A2 email, A4 meeting, all by S1
    assertThat(value("activities_per_salesperson", "month")).isCloseTo(3.0, within(EPS));
    assertThat(value("activities_per_won_deal", "month")).isNull();
  }

  @Test
  void serviceKpis() {
    // March tickets T1, T2, T5: complaints T1, T5; cost 50 + 30 + 15; responses 2 h (T1) and 6 h (T2)
    assertThat(value("complaint_rate", "month")).isCloseTo(200.0 / 3.0, within(EPS));
    assertThat(value("service_cost_per_ticket", "month")).isCloseTo(95.0 / 3.0, within(EPS));
    assertThat(value("first_response_hours", "month")).isCloseTo(4.0, within(EPS));
    // resolved in March by the run date: T1 after 48 h (T2 is resolved 2025-04-02)
    assertThat(value("avg_resolution_hours", "quarter")).isCloseTo(48.0, within(EPS));
  }

  @Test
  void deepeningKpis() {
    // product lines held: C1 2, C2 1, C3 0
    assertThat(value("cross_sell_rate", "month")).isCloseTo(50.0, within(EPS));
    assertThat(value(values, "product_penetration", "product_line", "lineA", "month")).isCloseTo(100.0, within(EPS));
    assertThat(value(values, "product_penetration", "product_line", "lineB", "month")).isCloseTo(50.0, within(EPS));
  }

  @Test
  void divisionByZeroIsNullWithAReason() {
    // month: nobody lapsed at 2025-03-01, no new customer, no won deal
    assertThat(value("reactivation_rate", "month")).isNull();
    assertThat(nullReason("reactivation_rate", "company", "all", "month"))
        .isEqualTo("division by zero: lapsed_at_start = 0");
    assertThat(value("cac", "month")).isNull();
    assertThat(value("ltv_to_cac", "month")).isNull();
    assertThat(nullReason("ltv_to_cac", "company", "all", "month")).startsWith("cac is null");
    assertThat(value("churn_rate", "quarter")).isNull();
    // without customer_scores the health KPI is reported as missing, not as zero
    assertThat(value("avg_health_score", "month")).isNull();
    assertThat(nullReason("avg_health_score", "company", "all", "month")).contains(CUSTOMER_SCORES.table());
  }

  @Test
  void segmentScopeHealthScoreAndDataAfterTheRunDate() {
    SparkSession spark = TestSpark.session();
    Dataset<Row> segments = spark.sql("SELECT * FROM VALUES ('C1', 'champions', 'high_active'),"
        + " ('C2', 'new', 'mid_active') AS t(customer_id, rfm_segment, value_activity_tag)");
    Dataset<Row> scores = spark.sql("SELECT * FROM VALUES ('C1', 80.0D), ('C2', 60.0D), ('C3', CAST(NULL AS DOUBLE))"
        + " AS t(customer_id, health_score)");
    // silver with rows dated after the run date appended to every dated table
    SilverTables later = SampleSilver.base().copy()
        .add(Entity.ORDERS, "O9|C1|2025-04-02|completed|EUR", "O10|C3|2025-04-01|completed|USD")
        .add(Entity.ORDER_LINES, "O9|1|2025-04-02|P1|lineA|3|10.00|100.00|5.00")
        .add(Entity.MARKETING_SPEND, "2025-04-01|web|9999.00")
        .add(Entity.LEADS, "L9||2025-04-01|web|converted|2025-04-02")
        .add(Entity.OPPORTUNITIES, "P9|C2|2025-04-01|qualification|2025-04-01|10.00|lineA|x|2025-04-02|false|timing|S2")
        .add(Entity.ACTIVITIES, "A99|C1|call|2025-04-01 09:00:00|S3|")
        .add(Entity.TICKETS, "T9|C2|2025-04-01 00:00:00|2025-04-01 01:00:00||open|low|complaint|setup|||1.00")
        .add(Entity.NPS_RESPONSES, "R9|C2|2025-04-02|10")
        .build();
    Dataset<Row> computed = KpiLibrary.compute(KpiInputs.of(later, features).withSegments(segments).withScores(scores),
        KpiParameters.defaults(), AS_OF).cache();
    Map<String, Row> rows = index(computed);
    assertThat(value(rows, "repeat_purchase_rate", "segment", "rfm:champions", "quarter")).isCloseTo(100.0, within(EPS));
    assertThat(value(rows, "repeat_purchase_rate", "segment", "value_activity:mid_active", "quarter")).isEqualTo(0.0);
    // (80 + 60) / 2 scored customers
    assertThat(value(rows, "avg_health_score", "company", "all", "month")).isCloseTo(70.0, within(EPS));
    assertThat(value(rows, "avg_health_score", "owner", "S2", "month")).isCloseTo(60.0, within(EPS));
    // apart from the segment scope and the health score, the rows are those of the run without later data
    assertThat(computed.where("scope_type <> 'segment' AND kpi <> 'avg_health_score'").orderBy("kpi", "scope_type",
        "scope_value", "period").collectAsList())
        .isEqualTo(kpis.where("kpi <> 'avg_health_score'").orderBy("kpi", "scope_type", "scope_value", "period")
            .collectAsList());
  }

  @Test
  void wholeKpiSetCostsOneCollectPlusItsBroadcasts() {
    // All measures of all eleven source tables are unioned and collected by one job (adaptive execution off);
    // Spark adds one job per broadcast-join build side (the customer dimensions, order revenue, product
    // medians, ...). Five here; the bound does not grow with the number of KPIs, scopes or periods.
    assertThat(values).hasSizeGreaterThan(100);
    assertThat(jobsStarted).isBetween(1, 6);
  }
}
