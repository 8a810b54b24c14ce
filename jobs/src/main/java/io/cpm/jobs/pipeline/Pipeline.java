package io.cpm.jobs.pipeline;

import io.cpm.jobs.config.CpmConfig;
import java.util.ArrayList;
import java.util.List;

/** The nightly run: every stage in order. A stage is listed here once it works. */
public final class Pipeline {
  private Pipeline() {}

  public static List<Stage> nightly(CpmConfig config) {
    List<Stage> stages = new ArrayList<>();
    stages.add(io.cpm.jobs.ingest.IngestStage.allSources(config));
    stages.add(new io.cpm.jobs.features.FeaturesStage(io.cpm.jobs.features.FeaturesSettings.from(config)));
    stages.add(new io.cpm.jobs.segment.SegmentStage());
    stages.add(io.cpm.jobs.scoring.ScoreStage.nightly(config));
    stages.add(new io.cpm.jobs.kpis.KpisStage(io.cpm.jobs.kpis.KpisSettings.from(config)));
    stages.add(new io.cpm.jobs.publish.PublishStage());
    stages.add(new io.cpm.jobs.report.ReportStage());
    if (config.section("maintenance").getBoolean("in-nightly")) {
      stages.add(new io.cpm.jobs.maintenance.MaintainStage(
          io.cpm.jobs.maintenance.MaintenanceSettings.from(config.section("maintenance"))));
    }
    return List.copyOf(stages);
  }
}
