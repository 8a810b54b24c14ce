package io.cpm.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.metrics.testing.TestSpark;
import io.cpm.segmentation.testing.Defaults;
import io.cpm.segmentation.testing.FeatureRows;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private static final LocalDate D = LocalDate.of(2025, 3, 31);
  private static final StructType PREVIOUS = new StructType()
      .add("customer_id", DataTypes.StringType).add(Lifecycle.PREVIOUS_STAGE, DataTypes.StringType)
      .add(Lifecycle.PREVIOUS_SINCE, DataTypes.DateType);

  @Test
  void everyStageFromItsRule() {
    FeatureRows rows = new FeatureRows();
    rows.add("prospect");
    rows.add("new", "first_order_date", D.minusDays(20), "days_since_last_order", 20);
    rows.add("growing", "first_order_date", D.minusDays(400), "days_since_last_order", 10,
        "purchase_cycle_days", 30.0, "order_trend", 1.5, "frequency_12m", 12L);
    rows.add("mature", "first_order_date", D.minusDays(400), "days_since_last_order", 10,
        "purchase_cycle_days", 30.0, "order_trend", 1.0, "frequency_12m", 12L);
    rows.add("overdue", "first_order_date", D.minusDays(400), "days_since_last_order", 70,
        "purchase_cycle_days", 30.0, "order_trend", 1.0, "frequency_12m", 12L);
    rows.add("falling", "first_order_date", D.minusDays(400), "days_since_last_order", 10,
        "purchase_cycle_days", 30.0, "order_trend", 0.2, "frequency_12m", 8L);
    // 4 activities in 90 days against 30 in the nine months before (10 per 90 days): below half its own rate
    rows.add("quieter", "first_order_date", D.minusDays(400), "days_since_last_order", 10,
        "purchase_cycle_days", 30.0, "order_trend", 1.0, "frequency_12m", 12L,
        "activities_90d", 4L, "activities_12m", 34L);
    // 5 of 10 per 90 days is not below half; 2 against 8 earlier is too little history; a new buyer is exempt
    rows.add("half-as-busy", "first_order_date", D.minusDays(400), "days_since_last_order", 10,
        "purchase_cycle_days", 30.0, "order_trend", 1.0, "frequency_12m", 12L,
        "activities_90d", 5L, "activities_12m", 35L);
    rows.add("little-history", "first_order_date", D.minusDays(400), "days_since_last_order", 10,
        "purchase_cycle_days", 30.0, "order_trend", 1.0, "frequency_12m", 12L,
        "activities_90d", 0L, "activities_12m", 8L);
    rows.add("new-after-courting", "first_order_date", D.minusDays(60), "days_since_last_order", 10,
        "activities_90d", 2L, "activities_12m", 40L);
    rows.add("churned", "first_order_date", D.minusDays(900), "days_since_last_order", 400);
    rows.add("back", "first_order_date", D.minusDays(900), "days_since_last_order", 3, "purchase_cycle_days", 200.0);
    rows.add("still-back", "first_order_date", D.minusDays(900), "days_since_last_order", 30,
        "purchase_cycle_days", 200.0);
    rows.add("back-long-ago", "first_order_date", D.minusDays(900), "days_since_last_order", 30,
        "purchase_cycle_days", 200.0);
    Dataset<Row> previous = TestSpark.session().createDataFrame(List.of(
        RowFactory.create("back", "churned", Date.valueOf(D.minusDays(200))),
        RowFactory.create("still-back", "reactivated", Date.valueOf(D.minusDays(40))),
        RowFactory.create("back-long-ago", "reactivated", Date.valueOf(D.minusDays(100))),
        RowFactory.create("churned", "churned", Date.valueOf(D.minusDays(30)))), PREVIOUS);
    Map<String, String> stages = new TreeMap<>();
    for (Row row : Lifecycle.assign(rows.dataset(), previous, D, Defaults.lifecycle()).collectAsList()) {
      stages.put(row.getAs("customer_id"), row.getAs(Lifecycle.STAGE));
    }
    assertThat(stages).containsEntry("prospect", "prospect").containsEntry("new", "new")
        .containsEntry("growing", "growing").containsEntry("mature", "mature")
        .containsEntry("overdue", "at_risk").containsEntry("falling", "at_risk")
        .containsEntry("churned", "churned").containsEntry("back", "reactivated")
        .containsEntry("still-back", "reactivated").containsEntry("back-long-ago", "mature")
        .containsEntry("quieter", "at_risk").containsEntry("half-as-busy", "mature")
        .containsEntry("little-history", "mature").containsEntry("new-after-courting", "new")
        .hasSize(14);
  }

  @Test
  void historyCompressesRunsIntoIntervals() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType)
        .add("run_date", DataTypes.DateType).add(Lifecycle.STAGE, DataTypes.StringType);
    Dataset<Row> stages = TestSpark.session().createDataFrame(List.of(
        RowFactory.create("A", Date.valueOf("2025-01-01"), "new"),
        RowFactory.create("A", Date.valueOf("2025-01-02"), "new"),
        RowFactory.create("A", Date.valueOf("2025-01-03"), "growing"),
        RowFactory.create("A", Date.valueOf("2025-01-04"), "new"),
        RowFactory.create("B", Date.valueOf("2025-01-02"), "prospect")), schema);
    List<String> intervals = Lifecycle.history(stages).orderBy("customer_id", "valid_from").collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getString(1) + " " + r.get(2) + " " + r.get(3)).toList();
    assertThat(intervals).containsExactly(
        "A new 2025-01-01 2025-01-03",
        "A growing 2025-01-03 2025-01-04",
        "A new 2025-01-04 null",
        "B prospect 2025-01-02 null");
    List<String> current = Lifecycle.current(Lifecycle.history(stages)).orderBy("customer_id").collectAsList()
        .stream().map(r -> r.getString(0) + " " + r.getString(1) + " " + r.get(2)).toList();
    assertThat(current).containsExactly("A new 2025-01-04", "B prospect 2025-01-02");
  }
}
