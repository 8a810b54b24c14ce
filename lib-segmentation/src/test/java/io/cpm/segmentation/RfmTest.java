package io.cpm.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.segmentation.testing.Defaults;
import io.cpm.segmentation.testing.FeatureRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RfmTest {
  @Test
  void quintileScoresAreExactWithTiesSharingTheirLowestPosition() {
    FeatureRows rows = new FeatureRows();
    // 10 active customers; B and C tie on every dimension, F..H tie on revenue.
    Object[][] data = {
        {"A", 1, 20L, 900.0}, {"B", 5, 10L, 500.0}, {"C", 5, 10L, 500.0}, {"D", 30, 8L, 400.0},
        {"E", 60, 6L, 300.0}, {"F", 90, 4L, 100.0}, {"G", 120, 3L, 100.0}, {"H", 200, 2L, 100.0},
        {"I", 300, 1L, 50.0}, {"J", 700, 1L, 10.0}};
    for (Object[] d : data) {
      rows.add((String) d[0], "recency_days", d[1], "order_count_lifetime", d[2], "revenue_lifetime", d[3]);
    }
    rows.add("K", "recency_days", 900, "order_count_lifetime", 30L, "revenue_lifetime", 5000.0); // outside window
    rows.add("P"); // never ordered
    Map<String, String> scores = new TreeMap<>();
    for (Row row : Rfm.score(rows.dataset(), Defaults.rfm()).collectAsList()) {
      scores.put(row.getAs("customer_id"), row.getAs(Rfm.SCORE) + " " + row.getAs(Rfm.SEGMENT));
    }
    // R on -recency: J(0 below) I(1) H(2) G(3) F(4) E(5) D(6) B,C(7) A(9) -> 1+floor(5*below/10)
    // F: I,J(0) H(2) G(3) F(4) E(5) D(6) B,C(7) A(9); M: J(0) I(1) F,G,H(2) E(5) D(6) B,C(7) A(9)
    assertThat(scores).containsEntry("A", "555 champions")
        .containsEntry("B", "444 loyal").containsEntry("C", "444 loyal")
        .containsEntry("D", "444 loyal")
        .containsEntry("E", "333 need_attention")
        .containsEntry("F", "332 need_attention")
        .containsEntry("G", "222 hibernating")
        .containsEntry("H", "222 hibernating")
        .containsEntry("I", "111 lost")
        .containsEntry("J", "111 lost")
        .containsEntry("K", "155 cant_lose")
        .containsEntry("P", "null null");
  }

  @Test
  void resultDoesNotDependOnRowOrder() {
    FeatureRows forward = new FeatureRows();
    FeatureRows backward = new FeatureRows();
    List<Object[]> data = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      data.add(new Object[] {"C" + i, i % 7, (long) (i % 3), (double) (i % 5)});
    }
    for (int i = 0; i < data.size(); i++) {
      Object[] d = data.get(i);
      Object[] e = data.get(data.size() - 1 - i);
      forward.add((String) d[0], "recency_days", d[1], "order_count_lifetime", d[2], "revenue_lifetime", d[3]);
      backward.add((String) e[0], "recency_days", e[1], "order_count_lifetime", e[2], "revenue_lifetime", e[3]);
    }
    assertThat(scores(forward)).isEqualTo(scores(backward));
    assertThat(scores(forward).values().stream().distinct().count()).isGreaterThan(5);
  }

  /** A window over all customers runs in one task on one core (Spark warns "No Partition Defined"). */
  @Test
  void scoringPlansNoWindow() {
    FeatureRows rows = new FeatureRows();
    for (int i = 0; i < 12; i++) {
      rows.add("C" + i, "recency_days", i * 30, "order_count_lifetime", (long) i, "revenue_lifetime", 10.0 * i);
    }
    String plan = Rfm.score(rows.dataset(), Defaults.rfm()).queryExecution().executedPlan().toString();
    assertThat(plan).doesNotContain("Window");
  }

  @Test
  void fewerActiveCustomersThanQuintilesStillScoreByPosition() {
    FeatureRows rows = new FeatureRows();
    rows.add("A", "recency_days", 1, "order_count_lifetime", 3L, "revenue_lifetime", 30.0);
    rows.add("B", "recency_days", 2, "order_count_lifetime", 1L, "revenue_lifetime", 10.0);
    // P = 2: below 0 -> 1, below 1 -> 1 + floor(5/2) = 3
    assertThat(scores(rows)).containsEntry("A", "333").containsEntry("B", "111");
  }

  @Test
  void segmentGridMustCoverEveryCell() {
    List<RfmSegmentRule> partial = RfmParameters.standardSegments().subList(1, 12);
    assertThatThrownBy(() -> new RfmParameters("r", "f", "m", 365, partial))
        .hasMessageContaining("R=5, FM=4");
  }

  private static Map<String, String> scores(FeatureRows rows) {
    Map<String, String> scores = new TreeMap<>();
    for (Row row : Rfm.score(rows.dataset(), Defaults.rfm()).collectAsList()) {
      scores.put(row.getAs("customer_id"), row.getAs(Rfm.SCORE));
    }
    return scores;
  }
}
