package io.cpm.jobs.maintenance;

import io.cpm.jobs.cli.StageCommand;
import picocli.CommandLine.Command;

/** {@code cpm maintain}: Delta OPTIMIZE (Z-order where it helps) and VACUUM of the warehouse tables. */
@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = {"Compact small files (Delta OPTIMIZE, Z-order by customer id on big tables) and delete"
        + " unreferenced files older than maintenance.vacuum-retention-hours (VACUUM).",
        "Tables partitioned by run_date are compacted in the --run-date partition only."})
public final class MaintainCommand extends StageCommand {
  public MaintainCommand() {
    super(MaintainStage::from);
  }
}
