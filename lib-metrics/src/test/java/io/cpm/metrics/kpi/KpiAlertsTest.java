package io.cpm.metrics.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cpm.metrics.testing.TestSpark;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class KpiAlertsTest {
  private static final AlertRules RULES = new AlertRules(List.of(
      new AlertRules.Target("nps", 30.0, null),
      new AlertRules.Target("first_response_hours", null, 4.0),
      new AlertRules.Target("ltv_to_cac", 3.0, null)),
      Map.of("nps", 0.1), 0.2);

  private static Dataset<Row> values(Object[]... kpiValue) {
    List<Row> rows = new ArrayList<>();
    for (Object[] kv : kpiValue) {
      rows.add(RowFactory.create(kv[0], "company", "all", "month", Date.valueOf("2025-03-01"),
          Date.valueOf("2025-03-31"), kv[1], null, null, "x", null, "retention", "strategic", "main"));
    }
    return TestSpark.session().createDataFrame(rows, KpiLibrary.SCHEMA);
  }

  private static List<String> alerts(Dataset<Row> alerts) {
    return alerts.orderBy("kpi", "reason").collectAsList().stream()
        .map(r -> r.getString(0) + ":" + r.getString(8)).toList();
  }

  @Test
  void missedTargetsAndMovesAgainstTheGoodDirection() {
    Dataset<Row> current = values(new Object[] {"nps", 20.0}, new Object[] {"first_response_hours", 5.0},
        new Object[] {"churn_rate", 10.0}, new Object[] {"win_rate", null}, new Object[] {"ltv_to_cac", 3.5},
        new Object[] {"lost_reason_share.price", 60.0});
    Dataset<Row> previous = values(new Object[] {"nps", 25.0}, new Object[] {"first_response_hours", 4.0},
        new Object[] {"churn_rate", 20.0}, new Object[] {"win_rate", 50.0}, new Object[] {"ltv_to_cac", 0.0},
        new Object[] {"lost_reason_share.price", 40.0});
    Dataset<Row> alerts = KpiAlerts.evaluate(current, previous, KpiLibrary.directions(KpiParameters.defaults()), RULES);
    // nps 20 < 30 and (20 - 25) / 25 = -0.2 beyond -0.1; first response 5 > 4 h and (5 - 4) / 4 = +0.25 > 0.2
    // (lower is better); lost reason share (60 - 40) / 40 = +0.5; churn improved; win rate null; ltv/cac was 0
    assertThat(alerts(alerts)).containsExactly("first_response_hours:missed_target",
        "first_response_hours:moved_against", "lost_reason_share.price:moved_against", "nps:missed_target",
        "nps:moved_against");
    Row npsMissed = alerts.where("kpi = 'nps' AND reason = 'missed_target'").first();
    assertThat(npsMissed.<Double>getAs("value")).isEqualTo(20.0);
    assertThat(npsMissed.<Double>getAs("target")).isEqualTo(30.0);
    assertThat(npsMissed.<Double>getAs("previous_value")).isEqualTo(25.0);
    assertThat(npsMissed.<Double>getAs("change")).isCloseTo(-5.0, within(1e-12));
    assertThat(alerts.columns()).containsExactly(KpiAlerts.SCHEMA.fieldNames());
  }

  @Test
  void firstRunHasOnlyTargetAlerts() {
    Dataset<Row> current = values(new Object[] {"nps", 20.0}, new Object[] {"ltv_to_cac", 2.0});
    assertThat(alerts(KpiAlerts.evaluate(current, null, KpiLibrary.directions(KpiParameters.defaults()), RULES)))
        .containsExactly("ltv_to_cac:missed_target", "nps:missed_target");
  }
}
