package io.cpm.jobs.segment;

import io.cpm.jobs.cli.StageCommand;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code cpm segment}: RFM, tiers, lifecycle, k-means clusters, playbook and tasks for one run date. */
@Command(name = "segment", mixinStandardHelpOptions = true,
    description = "Segment customers (RFM, value x activity, lifecycle, k-means), write transitions and tasks.")
public final class SegmentCommand extends StageCommand {
  @Override
  protected List<Stage> stages(CpmConfig config) {
    return List.of(SegmentStage.from(config));
  }
}
