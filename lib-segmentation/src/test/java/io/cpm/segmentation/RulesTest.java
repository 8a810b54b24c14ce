package io.cpm.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.metrics.testing.TestSpark;
import io.cpm.segmentation.testing.FeatureRows;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Playbook mapping, transitions, and task raising / de-duplication / closing. */
class RulesTest {
  private static final LocalDate D = LocalDate.of(2025, 3, 31);
  static final List<TaskRule> TASK_RULES = List.of(
      new TaskRule("churn_risk", TaskRule.Kind.CHURN_RISK, 50, 7, "account_manager", null),
      new TaskRule("welcome", TaskRule.Kind.WELCOME, 1, 3, "success_manager", "growing"),
      new TaskRule("service", TaskRule.Kind.SERVICE, 6, 5, "service_agent", null),
      new TaskRule("finance", TaskRule.Kind.FINANCE, 0.01, 10, "finance", null));

  @Test
  void firstMatchingPlaybookRuleWinsWithDefault() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType)
        .add("value_activity_tag", DataTypes.StringType).add("value_tier", DataTypes.StringType)
        .add("lifecycle_stage", DataTypes.StringType);
    Dataset<Row> segments = TestSpark.session().createDataFrame(List.of(
        org.apache.spark.sql.RowFactory.create("A", "high_active", "high", "mature"),
        org.apache.spark.sql.RowFactory.create("B", "mid_active", "mid", "growing"),
        org.apache.spark.sql.RowFactory.create("C", "low_declining", "low", "at_risk"),
        org.apache.spark.sql.RowFactory.create("D", "high_dormant", "high", "churned"),
        org.apache.spark.sql.RowFactory.create("E", "low_active", "low", "mature")), schema);
    List<PlaybookRule> rules = List.of(
        new PlaybookRule(Map.of("value_activity_tag", List.of("high_active")), "dedicated_account_manager",
            "account_manager"),
        new PlaybookRule(Map.of("value_tier", List.of("high"), "lifecycle_stage", List.of("churned")),
            "win_back_offer", "account_manager"),
        new PlaybookRule(Map.of("value_tier", List.of("mid"), "lifecycle_stage", List.of("growing")),
            "success_manager_follow_up", "success_manager"),
        new PlaybookRule(Map.of("value_tier", List.of("low"), "lifecycle_stage", List.of("at_risk")),
            "automated_email", "marketing"),
        new PlaybookRule(Map.of("value_tier", List.of("high")), "never_reached_for_A", "x"));
    Map<String, String> actions = new TreeMap<>();
    for (Row row : Playbook.apply(segments, rules, "nurture", "marketing").collectAsList()) {
      actions.put(row.getAs("customer_id"), row.getAs(Playbook.ACTION) + "/" + row.getAs(Playbook.OWNER_ROLE));
    }
    assertThat(actions).isEqualTo(Map.of("A", "dedicated_account_manager/account_manager",
        "B", "success_manager_follow_up/success_manager", "C", "automated_email/marketing",
        "D", "win_back_offer/account_manager", "E", "nurture/marketing"));
    assertThatThrownBy(() -> Playbook.validate(List.of(new PlaybookRule(Map.of("tier", List.of("x")), "a", "b"))))
        .hasMessageContaining("unknown column tier");
  }

  @Test
  void transitionsCountCustomersBetweenRuns() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("seg", DataTypes.StringType);
    Dataset<Row> previous = TestSpark.session().createDataFrame(List.of(
        org.apache.spark.sql.RowFactory.create("A", "x"), org.apache.spark.sql.RowFactory.create("B", "x"),
        org.apache.spark.sql.RowFactory.create("C", "y")), schema);
    Dataset<Row> current = TestSpark.session().createDataFrame(List.of(
        org.apache.spark.sql.RowFactory.create("A", "x"), org.apache.spark.sql.RowFactory.create("B", "y"),
        org.apache.spark.sql.RowFactory.create("C", "y"), org.apache.spark.sql.RowFactory.create("N", "x")), schema);
    List<String> rows = Transitions.between(current, previous, Map.of("rfm", "seg"))
        .orderBy("from_segment", "to_segment").collectAsList().stream()
        .map(r -> r.get(0) + ":" + r.get(1) + "->" + r.get(2) + "=" + r.get(3)).toList();
    assertThat(rows).containsExactly("rfm:null->x=1", "rfm:x->x=1", "rfm:x->y=1", "rfm:y->y=1");
  }

  @Test
  void openTaskIsNotRaisedAgainAndClosesWhenConditionClears() {
    FeatureRows night1 = new FeatureRows()
        .add("A", "activities_30d", 2L, "activities_prev_30d", 10L)             // churn risk (-80 %)
        .add("B", "nps_last", 4, "overdue_amount", 120.0)                        // service + finance
        .add("C", "first_order_date", D, "activities_30d", 4L, "activities_prev_30d", 4L); // welcome
    Dataset<Row> tasks1 = Tasks.update(null, Tasks.raise(night1.dataset(), TASK_RULES, D), TASK_RULES, D).cache();
    assertThat(summary(tasks1)).containsExactly("A churn_risk open raised 2025-03-31",
        "B finance open raised 2025-03-31", "B service open raised 2025-03-31", "C welcome open raised 2025-03-31");
    assertThat(tasks1.where("rule = 'welcome'").first().<String>getAs("group_name")).isEqualTo("growing");
    assertThat(tasks1.where("rule = 'welcome'").first().<java.sql.Date>getAs("due_date"))
        .isEqualTo(java.sql.Date.valueOf(D.plusDays(3)));

    LocalDate next = D.plusDays(1);
    FeatureRows night2 = new FeatureRows()
        .add("A", "activities_30d", 1L, "activities_prev_30d", 10L)              // still falling: same task
        .add("B", "nps_last", 9, "overdue_amount", 120.0)                        // NPS recovered: service closes
        .add("C", "first_order_date", D, "activities_30d", 4L, "activities_prev_30d", 4L);
    Dataset<Row> tasks2 = Tasks.update(tasks1, Tasks.raise(night2.dataset(), TASK_RULES, next), TASK_RULES, next)
        .cache();
    assertThat(summary(tasks2)).containsExactly("A churn_risk open raised 2025-03-31",
        "B finance open raised 2025-03-31", "B service closed raised 2025-03-31", "C welcome open raised 2025-03-31");
    assertThat(tasks2.select("task_id").distinct().count()).isEqualTo(4);
    // rerunning the second night on its own output gives the same table
    Dataset<Row> rerun = Tasks.update(tasks2, Tasks.raise(night2.dataset(), TASK_RULES, next), TASK_RULES, next);
    assertThat(rerun.collectAsList()).containsExactlyInAnyOrderElementsOf(tasks2.collectAsList());
    // the welcome task closes once its due date has passed
    LocalDate later = D.plusDays(4);
    Dataset<Row> tasks3 = Tasks.update(tasks2, Tasks.raise(night2.dataset(), TASK_RULES, later), TASK_RULES, later);
    assertThat(summary(tasks3)).contains("C welcome closed raised 2025-03-31");
  }

  private static List<String> summary(Dataset<Row> tasks) {
    return tasks.orderBy("customer_id", "rule").collectAsList().stream()
        .map(r -> r.getAs("customer_id") + " " + r.getAs("rule") + " " + r.getAs("status") + " raised "
            + r.getAs("raised_on"))
        .toList();
  }
}
