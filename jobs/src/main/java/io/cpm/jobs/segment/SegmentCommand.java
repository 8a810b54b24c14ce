package io.cpm.jobs.segment;

import io.cpm.jobs.cli.StageCommand;
import picocli.CommandLine.Command;

/** {@code cpm segment}: RFM, tiers, lifecycle, k-means clusters, playbook and tasks for one run date. */
@Command(name = "segment", mixinStandardHelpOptions = true,
    description = "Segment customers (RFM, value x activity, lifecycle, k-means), write transitions and tasks.")
public final class SegmentCommand extends StageCommand {
  public SegmentCommand() {
    super(SegmentStage::from);
  }
}
