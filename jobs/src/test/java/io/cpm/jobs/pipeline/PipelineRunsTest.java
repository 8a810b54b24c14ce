package io.cpm.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.TestPipelines;
import io.cpm.metrics.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * pipeline_runs shows an attempt that was killed: a {@code started} row is committed before the first stage, and
 * the next attempt records the killed one as {@code interrupted}.
 */
class PipelineRunsTest {
  private static final LocalDate RUN_DATE = LocalDate.of(2025, 3, 31);

  @Test
  void anAttemptIsVisibleWhileItRunsAndAKilledOneIsRecordedAsInterrupted() {
    SparkSession spark = TestSpark.session();
    Path warehouse = TestSpark.newDirectory("pipeline-runs");
    PipelineContext context = TestPipelines.quietContext(spark,
        TestPipelines.localConfig(warehouse, "pipeline_runs_test"), RUN_DATE);
    // What a SIGKILL during attempt 1's first stage leaves behind: its started row and nothing else.
    context.tables().append(spark.createDataFrame(List.of(RowFactory.create(Date.valueOf(RUN_DATE), 1, "nightly",
        "started", null, 0.0, null)), PipelineRunner.PIPELINE_RUNS_SCHEMA), PipelineRunner.PIPELINE_RUNS);

    List<String> seenDuringStage = new ArrayList<>();
    Stage stage = new Stage() {
      @Override
      public String name() {
        return "features";
      }

      @Override
      public StageResult run(PipelineContext c) {
        for (Row r : c.tables().read(PipelineRunner.PIPELINE_RUNS).collectAsList()) {
          seenDuringStage.add(r.getInt(1) + " " + r.getString(2) + " " + r.getString(3));
        }
        return StageResult.of("features", 1, Map.of());
      }
    };
    new PipelineRunner(context, true).run(List.of(stage));

    assertThat(seenDuringStage).as("a kill during the stage would leave this").contains("2 nightly started");
    List<String> rows = context.tables().read(PipelineRunner.PIPELINE_RUNS).orderBy("attempt", "status")
        .collectAsList().stream().map(r -> r.getInt(1) + " " + r.getString(2) + " " + r.getString(3)).toList();
    assertThat(rows).containsExactly("1 nightly interrupted", "1 nightly started", "2 nightly started",
        "2 features succeeded");
  }
}
