package io.cpm.jobs.kpis;

import io.cpm.jobs.cli.StageCommand;
import picocli.CommandLine.Command;

/** {@code cpm kpis}: the KPI set and its alerts as of the run date. */
@Command(name = "kpis", mixinStandardHelpOptions = true,
    description = "Compute kpi_values (company, segment, owner, product line, channel; month, quarter, trailing"
        + " 90 days) and kpi_alerts for the run date.")
public final class KpisCommand extends StageCommand {
  public KpisCommand() {
    super(KpisStage::from);
  }
}
