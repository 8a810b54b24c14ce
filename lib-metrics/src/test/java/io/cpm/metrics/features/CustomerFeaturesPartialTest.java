package io.cpm.metrics.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import io.cpm.metrics.testing.SampleSilver;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Issue 17: a feature whose source is not exported is null for every customer (not 0) and listed as such. */
class CustomerFeaturesPartialTest {
  @Test
  void featuresOfAnEntityThatIsNotExportedAreNullAndListed() {
    SilverTables silver = SampleSilver.base().without(Entity.NPS_RESPONSES, Entity.TICKETS, Entity.ORDERS,
        Entity.ORDER_LINES).build();
    Map<String, Row> rows = CustomerFeatures.compute(silver, FeatureParameters.defaults(), SampleSilver.RUN_DATE)
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    for (Row row : rows.values()) {
      for (String feature : new String[] {"nps_responses", "tickets_12m", "complaints_12m", "revenue_12m",
          "order_count_12m", "product_lines_held", "frequency_12m", "gross_margin_12m", "is_repeat_buyer"}) {
        assertThat(row.isNullAt(row.fieldIndex(feature))).as(row.getString(0) + " " + feature).isTrue();
      }
      // Activities are exported: a customer without any has 0, a fact.
      assertThat(row.isNullAt(row.fieldIndex("activities_30d"))).isFalse();
    }
    Map<String, String> unavailable = CustomerFeatures.unavailable(silver);
    assertThat(unavailable).containsKeys("nps_avg", "tickets_12m", "revenue_12m", "recency_days", "avg_order_value")
        .doesNotContainKeys("activities_30d", "open_pipeline_amount");
    assertThat(unavailable.get("nps_avg")).isEqualTo("no nps_responses export (silver nps_responses has no rows)");
    assertThat(CustomerFeatures.unavailable(SampleSilver.base().build())).isEmpty();
  }

  @Test
  void grossMarginOfABuyerWithoutUnitCostsIsUnknown() {
    SilverTables silver = SampleSilver.base().without(Entity.ORDER_LINES).add(Entity.ORDER_LINES,
        "O2|1|2025-01-10|P1|lineA|1|100.00|100.00|",
        "O5|1|2025-02-15|P1|lineA|1|100.00|100.00|50.00").build();
    Map<String, Row> rows = CustomerFeatures.compute(silver, FeatureParameters.defaults(), SampleSilver.RUN_DATE)
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    Row c1 = rows.get("C1");
    assertThat(c1.isNullAt(c1.fieldIndex("gross_margin_12m"))).isTrue();
    Row c2 = rows.get("C2");
    assertThat(c2.<Double>getAs("gross_margin_12m")).isNotNull();
  }
}
