package io.cpm.segmentation.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cpm.metrics.testing.TestSpark;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class HealthScoreTest {
  private static final HealthParameters PARAMETERS = new HealthParameters(0.25, 0.15, 0.15, 0.15, 0.15, 0.15,
      20, 4, 12, 10, 3, 30, 60);
  private static final StructType SCHEMA = new StructType()
      .add("customer_id", DataTypes.StringType).add("activities_30d", DataTypes.LongType)
      .add("logins_30d", DataTypes.LongType).add("product_lines_held", DataTypes.IntegerType)
      .add("activities_90d", DataTypes.LongType).add("nps_avg", DataTypes.DoubleType)
      .add("tickets_12m", DataTypes.LongType).add("complaints_12m", DataTypes.LongType)
      .add("avg_days_to_pay", DataTypes.DoubleType).add("overdue_amount", DataTypes.DoubleType)
      .add("revenue_12m", DataTypes.DoubleType);

  @Test
  void componentsFollowTheDocumentedMappings() {
    Dataset<Row> features = TestSpark.session().createDataFrame(List.of(
        RowFactory.create("healthy", 15L, 10L, 4, 12L, 9.0, 0L, 0L, 20.0, 0.0, 1000.0),
        RowFactory.create("mixed", 5L, 0L, 1, 3L, null, 4L, 1L, 45.0, 250.0, 1000.0)), SCHEMA);
    Map<String, Row> rows = HealthScore.compute(features, PARAMETERS).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    Row healthy = rows.get("healthy");
    assertThat(values(healthy)).containsExactly(new double[] {100.0, 100.0, 100.0, 90.0, 100.0, 100.0}, within(1e-9));
    assertThat(healthy.getDouble(7)).isCloseTo(98.5, within(1e-9));
    assertThat(healthy.getList(8)).containsExactly("usage", "depth", "interaction", "nps", "support", "payment");
    Row mixed = rows.get("mixed");
    // usage 5/20, depth 1/4, interaction 3/12, NPS unknown (no answer), support 1 − (4 + 3)/10, payment
    // (1 − 15/60) · (1 − 250/1000).
    assertThat(mixed.isNullAt(4)).isTrue();
    double[] known = {mixed.getDouble(1), mixed.getDouble(2), mixed.getDouble(3), mixed.getDouble(5),
        mixed.getDouble(6)};
    assertThat(known).containsExactly(new double[] {25.0, 25.0, 25.0, 30.0, 56.25}, within(1e-9));
    // The NPS weight is left out and the others renormalized (not an invented 50 for the unknown answer).
    double expected = (0.25 * 25 + 0.15 * (25 + 25 + 30 + 56.25)) / 0.85;
    assertThat(mixed.getDouble(7)).isCloseTo(expected, within(1e-9));
    assertThat(mixed.getList(8)).containsExactly("usage", "depth", "interaction", "support", "payment");
  }

  @Test
  void componentsWithoutASourceAreLeftOutAndAScoreWithoutAnyIsNull() {
    // A CRM-only company: no order lines (depth), no NPS, no tickets (support), no invoices (payment).
    Dataset<Row> features = TestSpark.session().createDataFrame(List.of(
        RowFactory.create("crm", 5L, 5L, null, 6L, null, null, null, null, null, null),
        RowFactory.create("none", null, null, null, null, null, null, null, null, null, null)), SCHEMA);
    Map<String, Row> rows = HealthScore.compute(features, PARAMETERS).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));
    Row crm = rows.get("crm");
    // usage 10/20 = 50 (weight 0.25), interaction 6/12 = 50 (weight 0.15): the score is their weighted mean.
    assertThat(crm.getDouble(7)).isCloseTo(50.0, within(1e-9));
    assertThat(crm.getList(8)).containsExactly("usage", "interaction");
    for (int i = 2; i <= 6; i++) {
      if (i != 3) {
        assertThat(crm.isNullAt(i)).as("component %d", i).isTrue();
      }
    }
    assertThat(rows.get("none").isNullAt(7)).isTrue();
    assertThat(rows.get("none").getList(8)).isEmpty();
  }

  @Test
  void changeIsAgainstThePreviousRun() {
    Dataset<Row> features = TestSpark.session().createDataFrame(List.of(
        RowFactory.create("a", 15L, 10L, 4, 12L, 9.0, 0L, 0L, 20.0, 0.0, 1000.0),
        RowFactory.create("b", 5L, 0L, 1, 3L, null, 4L, 1L, 45.0, 250.0, 1000.0)), SCHEMA);
    Dataset<Row> current = HealthScore.compute(features, PARAMETERS);
    Dataset<Row> previous = current.where("customer_id = 'a'").selectExpr("customer_id", "health_score - 8.5 as health_score");
    Map<String, Object> change = HealthScore.withChange(current, previous).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.isNullAt(r.fieldIndex("health_change")) ? "none"
            : r.getDouble(r.fieldIndex("health_change"))));
    assertThat((Double) change.get("a")).isCloseTo(8.5, within(1e-9));
    assertThat(change.get("b")).isEqualTo("none");
  }

  @Test
  void rejectsInvalidWeights() {
    assertThatThrownBy(() -> new HealthParameters(0, 0, 0, 0, 0, 0, 20, 4, 12, 10, 3, 30, 60))
        .hasMessageContaining("all zero");
  }

  private static double[] values(Row row) {
    double[] result = new double[6];
    for (int i = 0; i < 6; i++) {
      result[i] = row.getDouble(i + 1);
    }
    return result;
  }
}
