package io.cpm.jobs.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.metrics.schema.GoldTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nightly's stage list (assembled with the built-in defaults; starts no Spark) against the table catalogue. */
class NightlyTest {
  @Test
  void everyCatalogueTableIsWrittenByANightlyStage() {
    List<String> stages = Nightly.stages(CpmConfig.defaults()).stream().map(Stage::name).toList();
    assertThat(stages).startsWith("ingest", "features");
    for (GoldTable table : GoldTable.values()) {
      // pipeline_runs is written by the nightly run itself (PipelineRunner), not by one of its stages.
      assertThat(table.writer()).as(table.table())
          .isIn(table == GoldTable.PIPELINE_RUNS ? List.of("nightly") : stages);
    }
  }
}
