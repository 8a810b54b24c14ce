package io.cpm.metrics.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cpm.metrics.features.CustomerFeatures;
import io.cpm.metrics.features.FeatureParameters;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
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
import org.junit.jupiter.api.Test;

/**
 * Issue 17 on {@link SampleSilver}: KPIs over an entity that is not exported are null with the reason (never 0),
 * the sales KPIs (bookings, won deals, average won deal size, median sales cycle, open pipeline value), the
 * year-to-date and all-time periods, opportunities without an account, and a lost stage as a funnel exit.
 */
class KpiPartialDataTest {
  private static final LocalDate AS_OF = SampleSilver.RUN_DATE;
  private static final double EPS = 1e-9;

  private static Map<String, Row> compute(SilverFixture fixture, KpiParameters params) {
    SilverTables silver = fixture.build();
    Dataset<Row> features = CustomerFeatures.compute(silver, FeatureParameters.defaults(), AS_OF);
    Map<String, Row> rows = new HashMap<>();
    for (Row row : KpiLibrary.compute(KpiInputs.of(silver, features), params, AS_OF).collectAsList()) {
      rows.put(row.getString(0) + "|" + row.getString(1) + "|" + row.getString(2) + "|" + row.getString(3), row);
    }
    return rows;
  }

  private static Row row(Map<String, Row> rows, String kpi, String scopeType, String scopeValue, String period) {
    Row row = rows.get(kpi + "|" + scopeType + "|" + scopeValue + "|" + period);
    assertThat(row).as(kpi + " " + scopeType + "=" + scopeValue + " " + period).isNotNull();
    return row;
  }

  private static Double value(Map<String, Row> rows, String kpi, String period) {
    Row row = row(rows, kpi, "company", "all", period);
    return row.isNullAt(6) ? null : row.getDouble(6);
  }

  private static String reason(Map<String, Row> rows, String kpi, String period) {
    return row(rows, kpi, "company", "all", period).getAs("null_reason");
  }

  @Test
  void aKpiOverAnEntityThatIsNotExportedIsNullWithTheReason() {
    Map<String, Row> rows = compute(SampleSilver.base().without(Entity.NPS_RESPONSES, Entity.MARKETING_SPEND,
        Entity.TICKETS), KpiParameters.defaults());
    assertThat(value(rows, "nps", "quarter")).isNull();
    assertThat(reason(rows, "nps", "quarter")).isEqualTo("no nps_responses export (silver nps_responses has no rows)");
    assertThat(value(rows, "cac", "quarter")).isNull();
    assertThat(reason(rows, "cac", "quarter")).contains("no marketing_spend export");
    assertThat(reason(rows, "ltv_to_cac", "quarter")).startsWith("cac is null").contains("marketing_spend");
    assertThat(value(rows, "complaint_rate", "month")).isNull();
    assertThat(reason(rows, "complaint_rate", "month")).contains("no tickets export");
    // KPIs with their inputs are unaffected.
    assertThat(value(rows, "avg_order_value", "quarter")).isCloseTo(63.0, within(EPS));
    assertThat(KpiLibrary.notComputed(KpiInputs.of(SampleSilver.base().without(Entity.NPS_RESPONSES).build(),
        SampleSilver.features()), KpiParameters.defaults(), AS_OF)).containsOnlyKeys("nps");
  }

  @Test
  void ltvIsNullNotZeroWithoutUnitCosts() {
    SilverFixture fixture = SampleSilver.base().without(Entity.ORDER_LINES).add(Entity.ORDER_LINES,
        "O1|1|2024-01-15|P1|lineA|2|100.00|100.00|",
        "O2|1|2025-01-10|P1|lineA|1|100.00|100.00|",
        "O3|2|2025-03-20|P2|lineB|2|40.00|60.00|",
        "O5|1|2025-02-15|P1|lineA|1|100.00|100.00|");
    Map<String, Row> rows = compute(fixture, KpiParameters.defaults());
    assertThat(value(rows, "ltv", "quarter")).isNull();
    assertThat(reason(rows, "ltv", "quarter")).contains("ltv_margin_12m has no value");
    assertThat(value(rows, "avg_order_value", "quarter")).isNotNull();
  }

  @Test
  void salesKpisPeriodsAccountlessOpportunitiesAndLostAsAnExit() {
    // Won in 2025: P5 (C2, 10 days, 200), P6 (C2, 50 days, 400), P7 (no account, 4 days, 100). P8 is lost with
    // the stage "lost" (listed in the funnel below), P9 lost in negotiation.
    SilverFixture fixture = SampleSilver.base().copy().add(Entity.OPPORTUNITIES,
        "P5|C2|2025-01-01|closed_won|2025-01-11|200.00|lineA|x|2025-01-11|true||S2",
        "P6|C2|2025-01-01|closed_won|2025-02-20|400.00|lineA|x|2025-02-20|true||S2",
        "P7||2025-01-05|closed_won|2025-01-09|100.00|lineB|x|2025-01-09|true||S3",
        "P8|C2|2025-03-01|lost|2025-03-05|50.00|lineA|x|2025-03-05|false|price|S2",
        "P9|C1|2025-02-01|negotiation|2025-03-15|80.00|lineA|x|2025-03-15|false|timing|S1");
    KpiParameters params = new KpiParameters(FeatureParameters.defaults(), 180, 3.0,
        List.of("qualification", "proposal", "negotiation", "closed_won", "lost"), Set.of("call", "email"),
        Set.of("lost", "closed_lost"));
    Map<String, Row> rows = compute(fixture, params);

    Row ytd = row(rows, "bookings", "company", "all", "year_to_date");
    assertThat((Date) ytd.getAs("period_start")).isEqualTo(Date.valueOf("2025-01-01"));
    assertThat(value(rows, "bookings", "year_to_date")).isCloseTo(700.0, within(EPS));
    assertThat(value(rows, "won_deals", "year_to_date")).isEqualTo(3.0);
    assertThat(value(rows, "avg_won_deal_size", "year_to_date")).isCloseTo(700.0 / 3, within(EPS));
    assertThat(value(rows, "sales_cycle_days", "year_to_date")).isCloseTo(64.0 / 3, within(EPS));
    assertThat(value(rows, "sales_cycle_days_median", "year_to_date")).isCloseTo(10.0, within(EPS));
    // all time adds P3 (2024, 31 days, 1000); the month has no won deal: the median is null with a reason.
    assertThat(value(rows, "bookings", "all_time")).isCloseTo(1700.0, within(EPS));
    assertThat(value(rows, "sales_cycle_days_median", "all_time")).isCloseTo(20.5, within(EPS));
    assertThat(value(rows, "sales_cycle_days_median", "month")).isNull();
    assertThat(reason(rows, "sales_cycle_days_median", "month")).isNotNull();
    assertThat(value(rows, "bookings", "month")).isEqualTo(0.0);
    // P7 has no account: it counts for the company and its opportunity owner, in no segment or customer scope.
    assertThat(row(rows, "bookings", "owner", "S3", "year_to_date").getDouble(6)).isCloseTo(100.0, within(EPS));
    // Open at the run date: P1 (proposal, 5000) and P2 (closed after the run date, 3000).
    assertThat(value(rows, "open_pipeline_value", "month")).isCloseTo(8000.0, within(EPS));
    assertThat(value(rows, "open_pipeline_value.proposal", "month")).isCloseTo(5000.0, within(EPS));
    // Funnel of 2025's opportunities: P1 reached proposal; P4 and P8 (lost, stage unknown) qualification only;
    // P9 lost in negotiation; P5-P7 won. "lost" is not a stage: P8 does not count as reaching every stage.
    assertThat(rows.keySet()).noneMatch(k -> k.startsWith("stage_conversion.closed_won_to_lost|"));
    assertThat(value(rows, "stage_conversion.qualification_to_proposal", "year_to_date"))
        .isCloseTo(100.0 * 5 / 7, within(EPS));
    assertThat(value(rows, "stage_conversion.negotiation_to_closed_won", "year_to_date"))
        .isCloseTo(75.0, within(EPS));
  }
}
