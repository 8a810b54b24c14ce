package io.cpm.jobs.app;

import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.features.FeaturesStage;
import io.cpm.jobs.ingest.IngestStage;
import io.cpm.jobs.kpis.KpisStage;
import io.cpm.jobs.maintenance.MaintainStage;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.publish.PublishStage;
import io.cpm.jobs.report.ReportStage;
import io.cpm.jobs.scoring.ScoreStage;
import io.cpm.jobs.segment.SegmentStage;
import java.util.ArrayList;
import java.util.List;

/**
 * The nightly run: every stage in order, assembled here (the composition root) so that the pipeline framework
 * knows no stage. Each stage's inputs and outputs are in {@code docs/architecture.md}.
 */
public final class Nightly {
  private Nightly() {}

  public static List<Stage> stages(CpmConfig config) {
    List<Stage> stages = new ArrayList<>();
    stages.add(IngestStage.allSources(config));
    stages.add(FeaturesStage.from(config));
    stages.add(SegmentStage.from(config));
    stages.add(ScoreStage.nightly(config));
    stages.add(KpisStage.from(config));
    stages.add(PublishStage.from(config));
    stages.add(ReportStage.from(config));
    if (config.section("maintenance").getBoolean("in-nightly")) {
      stages.add(MaintainStage.from(config));
    }
    return List.copyOf(stages);
  }
}
