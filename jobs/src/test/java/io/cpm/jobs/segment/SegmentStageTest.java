package io.cpm.jobs.segment;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.testing.TestSpark;
import io.cpm.segmentation.testing.FeatureRows;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The segment stage end to end on Delta tables: outputs, reruns, backfills, stable clusters and task dedup. */
class SegmentStageTest {
  private static final LocalDate DAY1 = LocalDate.of(2025, 3, 29);
  private static final LocalDate DAY2 = LocalDate.of(2025, 3, 30);
  private static final LocalDate DAY3 = LocalDate.of(2025, 3, 31);

  @Test
  void nightlyRunsRerunsAndBackfillStayConsistent() {
    SparkSession spark = TestSpark.session();
    Path warehouse = TestSpark.newDirectory("segment-wh");
    Tables tables = new Tables(spark, warehouse.toString(), "seg_test");
    // Day 1 and day 3 first, then backfill day 2 (arrived late), then rerun day 3.
    tables.replaceRunDate(features(DAY1, false), SegmentStage.FEATURES, DAY1);
    tables.replaceRunDate(features(DAY2, true), SegmentStage.FEATURES, DAY2);
    tables.replaceRunDate(features(DAY3, true), SegmentStage.FEATURES, DAY3);

    assertThat(segment(warehouse, DAY1).exitCode()).isZero();
    Dataset<Row> day1 = tables.readRunDate(SegmentStage.SEGMENTS, DAY1);
    assertThat(day1.count()).isEqualTo(202);
    assertThat(day1.where(col("customer_id").isNull()).count()).as("rows without a customer id").isZero();
    assertThat(day1.where(col("customer_id").equalTo("P")).select("lifecycle_stage", "cluster_id").first().toString())
        .isEqualTo("[prospect,null]");
    assertThat(List.of(day1.columns())).containsAll(SegmentStage.SEGMENT_COLUMNS);
    assertThat(stage(tables, DAY1, "Z")).isEqualTo("churned");
    assertThat(tables.readRunDate(SegmentStage.MODEL_RUNS, DAY1).where("chosen").count()).isEqualTo(1);
    assertThat(tables.readRunDate(SegmentStage.MODEL_RUNS, DAY1).count()).isEqualTo(2); // k = 3..4
    long openDay1 = openTasks(tables);
    assertThat(openDay1).isPositive();

    assertThat(segment(warehouse, DAY3).exitCode()).isZero();
    assertThat(segment(warehouse, DAY2).exitCode()).isZero(); // backfill
    List<Row> historyAfterBackfill = sorted(tables.read(SegmentStage.HISTORY));
    List<Row> tasksAfterBackfill = sorted(tables.read(SegmentStage.TASKS));
    assertThat(segment(warehouse, DAY3).exitCode()).isZero(); // rerun of the latest date
    List<Row> history = sorted(tables.read(SegmentStage.HISTORY));

    // Z bought again on day 2 after being churned: reactivated, with a closed churned interval before it.
    assertThat(stage(tables, DAY2, "Z")).isEqualTo("reactivated");
    assertThat(history.stream().filter(r -> r.getString(0).equals("Z"))
        .map(r -> r.getString(1) + " " + r.get(2) + " " + r.get(3)).toList())
        .containsExactly("churned 2025-03-29 2025-03-30", "reactivated 2025-03-30 null");
    assertThat(history).isEqualTo(historyAfterBackfill);
    assertThat(history.stream().filter(r -> r.isNullAt(3)).count()).isEqualTo(202);

    // Reruns do not raise open tasks again; task ids stay unique.
    List<Row> tasks = sorted(tables.read(SegmentStage.TASKS));
    assertThat(tasks).isEqualTo(tasksAfterBackfill);
    assertThat(tables.read(SegmentStage.TASKS).select("task_id").distinct().count()).isEqualTo(tasks.size());
    assertThat(tables.read(SegmentStage.TASKS).where("status = 'open'").groupBy("customer_id", "rule").count()
        .where("count > 1").count()).isZero();

    // Same profiles every day: every customer keeps its cluster id.
    Dataset<Row> first = tables.readRunDate(SegmentStage.SEGMENTS, DAY1).select("customer_id", "cluster_id");
    Dataset<Row> last = tables.readRunDate(SegmentStage.SEGMENTS, DAY3).select(col("customer_id"),
        col("cluster_id").as("later"));
    long moved = first.join(last, "customer_id").where(col("cluster_id").notEqual(col("later"))).count();
    assertThat(moved).isLessThanOrEqualTo(3);

    Dataset<Row> transitions = tables.readRunDate(SegmentStage.TRANSITIONS, DAY3);
    assertThat(transitions.select("previous_run_date").distinct().first().getDate(0).toLocalDate()).isEqualTo(DAY2);
    assertThat(transitions.where("dimension = 'lifecycle'").agg(org.apache.spark.sql.functions.sum("customers"))
        .first().getLong(0)).isEqualTo(202);
    assertThat(transitions.select("dimension").distinct().count()).isEqualTo(4);
  }

  private static CliRunner.Result segment(Path warehouse, LocalDate runDate) {
    CliRunner.Result result = CliRunner.run("segment", "--run-date", runDate.toString(),
        "--config", RepoFiles.path("conf/local.conf").toString(), "--set", "paths.warehouse=" + warehouse,
        "--set", "catalog.database=seg_test", "--set", "segments.kmeans.k-max=4",
        "--set", "segments.kmeans.max-iterations=10");
    assertThat(result.exitCode()).as(result.err()).isZero();
    return result;
  }

  /** 200 planted customers, prospect P, plus Z, who lapsed for over a year and buys again from day 2 on. */
  private static Dataset<Row> features(LocalDate day, boolean zBoughtAgain) {
    FeatureRows rows = new FeatureRows();
    FeatureRows.planted(rows, 200, 5, LocalDate.of(2025, 3, 31));
    int recency = zBoughtAgain ? (int) (day.toEpochDay() - DAY2.toEpochDay()) : 500;
    rows.add("Z", "recency_days", recency, "days_since_last_order", recency, "frequency_12m", zBoughtAgain ? 1L : 0L,
        "monetary_12m", zBoughtAgain ? 900.0 : 0.0, "order_count_lifetime", 6L, "revenue_lifetime", 5000.0,
        "purchase_cycle_days", 120.0, "first_order_date", LocalDate.of(2022, 1, 1),
        "last_order_date", day.minusDays(recency), "nps_last", 3);
    // P never ordered: no k-means features, so no cluster, but a segments row under its own id.
    rows.add("P", "nps_last", 8);
    return rows.dataset();
  }

  private static String stage(Tables tables, LocalDate day, String customer) {
    return tables.readRunDate(SegmentStage.SEGMENTS, day).where(col("customer_id").equalTo(customer))
        .first().getAs("lifecycle_stage");
  }

  private static long openTasks(Tables tables) {
    return tables.read(SegmentStage.TASKS).where("status = 'open'").count();
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.orderBy(rows.columns()[0], java.util.Arrays.copyOfRange(rows.columns(), 1, rows.columns().length))
        .collectAsList();
  }
}
