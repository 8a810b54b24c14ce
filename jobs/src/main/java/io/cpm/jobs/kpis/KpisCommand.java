package io.cpm.jobs.kpis;

import io.cpm.jobs.cli.StageCommand;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code cpm kpis}: the KPI set and its alerts as of the run date. */
@Command(name = "kpis", mixinStandardHelpOptions = true,
    description = "Compute kpi_values (company, segment, owner, product line, channel; month, quarter, trailing"
        + " 90 days) and kpi_alerts for the run date.")
public final class KpisCommand extends StageCommand {
  @Override
  protected List<Stage> stages(CpmConfig config) {
    return List.of(new KpisStage(KpisSettings.from(config)));
  }
}
