package io.cpm.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.segmentation.testing.Defaults;
import io.cpm.segmentation.testing.FeatureRows;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TiersTest {
  @Test
  void percentileValueTiersAndActivityTiers() {
    FeatureRows rows = new FeatureRows();
    for (int i = 1; i <= 10; i++) {
      // revenue 100..1000; activity and recency vary with i
      rows.add("C" + i, "revenue_12m", 100.0 * i, "recency_days", i * 10,
          "activities_30d", (long) (i <= 3 ? 10 : i <= 6 ? 2 : 0), "activities_prev_30d", 10L);
    }
    rows.add("Z", "revenue_12m", 0.0, "activities_30d", 0L);
    Map<String, String> tags = new TreeMap<>();
    for (Row row : Tiers.assign(rows.dataset(), Defaults.tiers()).collectAsList()) {
      tags.put(row.getAs("customer_id"), row.getAs(Tiers.TAG));
    }
    // thresholds: 80th pct of 100..1000 = 800, 40th = 400 (exact quantiles of the positive values)
    assertThat(tags).containsEntry("C1", "low_active")         // 100, steady activity, ordered 10 days ago
        .containsEntry("C3", "low_active")
        .containsEntry("C4", "mid_declining")                   // activity 10 -> 2 (-80 %)
        .containsEntry("C7", "mid_declining")                   // no activity, ordered 70 days ago
        .containsEntry("C8", "high_declining")
        .containsEntry("C10", "high_declining")                 // 100 days: not yet dormant (limit 120)
        .containsEntry("Z", "low_dormant");                     // never ordered, no activity
  }

  @Test
  void absoluteThresholds() {
    FeatureRows rows = new FeatureRows();
    rows.add("A", "revenue_12m", 5000.0, "recency_days", 5, "activities_30d", 3L, "activities_prev_30d", 3L);
    rows.add("B", "revenue_12m", 999.0, "recency_days", 200);
    rows.add("C", "revenue_12m", 1000.0, "recency_days", 200, "activities_30d", 1L);
    TierParameters absolute = new TierParameters("revenue_12m", TierParameters.ThresholdMode.ABSOLUTE, 5000, 1000,
        30, 60, 120);
    Map<String, String> tags = new TreeMap<>();
    for (Row row : Tiers.assign(rows.dataset(), absolute).collectAsList()) {
      tags.put(row.getAs("customer_id"), row.getAs(Tiers.TAG));
    }
    assertThat(tags).isEqualTo(Map.of("A", "high_active", "B", "low_dormant", "C", "mid_declining"));
  }
}
