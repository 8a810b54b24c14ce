package io.cpm.metrics.testing;

import io.cpm.metrics.features.CustomerFeatures;
import io.cpm.metrics.features.FeatureParameters;
import io.cpm.metrics.schema.Entity;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The small hand-made silver data set the feature and KPI tests compute their expected numbers from
 * (run date 2025-03-31). C1 is an active repeat buyer, C2 a one-order GBP customer, C3 has no orders,
 * tickets or activities, C4 is created after the run date. Rows dated after 2025-03-31 are there on purpose:
 * they must not count.
 */
public final class SampleSilver {
  /** The run date the expected numbers are worked out for. */
  public static final LocalDate RUN_DATE = LocalDate.parse("2025-03-31");
  private static Dataset<Row> features;

  private SampleSilver() {}

  /** Customer features of {@link #base()} at {@link #RUN_DATE} with default parameters, computed once per JVM. */
  public static synchronized Dataset<Row> features() {
    if (features == null) {
      features = CustomerFeatures.compute(base().build(), FeatureParameters.defaults(), RUN_DATE).cache();
      features.count();
    }
    return features;
  }

  public static SilverFixture base() {
    return new SilverFixture()
        // customer_id|name|industry|region|size|owner_id|created_at|first_contact_at|email|phone
        .add(Entity.ACCOUNTS,
            "C1|Acme|retail|north|small|S1|2023-01-10|2022-12-01||",
            "C2|Beta|industry|south|large|S2|2024-06-01|||",
            "C3|Gamma|retail|north|mid|S1|2025-03-01|||",
            "C4|Delta|retail|south|small|S2|2025-04-05|||")
        // order_id|customer_id|order_date|status|currency
        .add(Entity.ORDERS,
            "O1|C1|2024-01-15|completed|EUR",
            "O2|C1|2025-01-10|completed|USD",
            "O3|C1|2025-03-20|completed|EUR",
            "O4|C1|2025-02-01|cancelled|EUR",
            "O5|C2|2025-02-15|completed|GBP")
        // order_id|line_no|order_date|product_id|product_line|quantity|unit_price|list_price|unit_cost
        .add(Entity.ORDER_LINES,
            "O1|1|2024-01-15|P1|lineA|2|100.00|100.00|60.00",
            "O1|2|2024-01-15|P2|lineB|1|50.00|60.00|",
            "O2|1|2025-01-10|P1|lineA|1|100.00|100.00|50.00",
            "O3|1|2025-03-20|P1|lineA|-1|100.00|100.00|60.00",
            "O3|2|2025-03-20|P2|lineB|2|40.00|60.00|20.00",
            "O4|1|2025-02-01|P1|lineA|5|100.00|100.00|60.00",
            "O5|1|2025-02-15|P1|lineA|1|100.00|100.00|50.00")
        // invoice_id|customer_id|order_id|issued_at|due_at|paid_at|amount|currency
        .add(Entity.INVOICES,
            "I1|C1|O2|2025-01-10|2025-02-09|2025-02-01|92.00|USD",
            "I2|C1|O3|2025-03-01|2025-03-15|2025-04-03|100.00|EUR",
            "I3|C2|O5|2025-02-15|2025-03-17||100.00|GBP",
            "I4|C2||2025-03-20|2025-04-19||50.00|EUR",
            "I5|C1|O1|2024-02-01|2024-03-01|2024-02-11|200.00|EUR")
        // contract_id|customer_id|start_date|end_date|annual_value|status
        .add(Entity.CONTRACTS,
            "K1|C1|2024-01-01|2025-12-31|1200.00|active",
            "K2|C1|2023-01-01|2023-12-31|500.00|ended",
            "K3|C2|2025-04-10||800.00|active")
        // opportunity_id|customer_id|created_at|stage|stage_changed_at|amount|product_line|topic|closed_at|won|lost_reason|owner_id
        .add(Entity.OPPORTUNITIES,
            "P1|C1|2025-02-01|proposal|2025-03-01|5000.00|lineA|integration||||S1",
            "P2|C1|2024-11-01|closed_won|2025-04-05|3000.00|lineB|pricing|2025-04-05|true||S1",
            "P3|C1|2024-01-01|closed_won|2024-02-01|1000.00|lineA|onboarding|2024-02-01|true||S1",
            "P4|C2|2025-03-10|qualification|2025-03-25|700.00|lineA|pricing|2025-03-25|false|price|S2")
        // activity_id|customer_id|type|occurred_at|owner_id|subject
        .add(Entity.ACTIVITIES,
            "A1|C1|call|2025-03-30 10:00:00|S1|follow-up",
            "A2|C1|email|2025-03-10 10:00:00|S1|offer",
            "A3|C1|login|2025-03-02 10:00:00||",
            "A4|C1|meeting|2025-03-01 10:00:00|S1|review",
            "A5|C1|login|2025-02-01 10:00:00||",
            "A6|C1|event|2025-01-15 10:00:00||webinar",
            "A7|C1|visit|2024-10-01 10:00:00|S1|site visit",
            "A8|C1|call|2025-04-01 10:00:00|S1|after run date",
            "A9|C2|login|2025-03-31 00:30:00||")
        // response_id|customer_id|responded_at|score
        .add(Entity.NPS_RESPONSES,
            "R1|C1|2024-06-01|9",
            "R2|C1|2025-03-01|6",
            "R3|C1|2025-04-01|10")
        // lead_id|customer_id|created_at|channel|status|converted_at
        .add(Entity.LEADS,
            "L1|C1|2022-11-01|web|converted|2023-01-10",
            "L2|C1|2023-05-01|event|converted|2023-05-20",
            "L3|C2|2024-05-01|partner|converted|2024-06-01",
            "L4||2025-01-01|web|open|")
        // ticket_id|customer_id|created_at|first_response_at|resolved_at|status|priority|type|topic|satisfaction|parts_cost|labor_cost
        .add(Entity.TICKETS,
            "T1|C1|2025-03-01 10:00:00|2025-03-01 12:00:00|2025-03-03 10:00:00|resolved|high|complaint|billing|2|10.00|40.00",
            "T2|C1|2025-03-25 09:00:00|2025-03-25 15:00:00|2025-04-02 09:00:00|resolved|low|question|billing|||30.00",
            "T3|C1|2024-12-01 08:00:00|2024-12-01 09:00:00|2024-12-02 08:00:00|resolved|low|question|setup|||20.00",
            "T4|C1|2023-06-01 08:00:00|2023-06-01 09:00:00|2023-06-02 08:00:00|resolved|low|question|setup|||100.00",
            "T5|C2|2025-03-30 08:00:00|||open|high|complaint|setup|||15.00")
        // month|channel|amount
        .add(Entity.MARKETING_SPEND,
            "2025-03-01|web|1000.00",
            "2025-03-01|partner|500.00");
  }
}
