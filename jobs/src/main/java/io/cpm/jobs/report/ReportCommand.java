package io.cpm.jobs.report;

import io.cpm.jobs.cli.StageCommand;
import picocli.CommandLine.Command;

/** {@code cpm report}: the self-contained HTML run report of a run date. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write <reports>/<run date>/index.html: KPIs with trends, segments, churn model, CLV,"
        + " lifecycle funnel, data quality and stage timings (inline SVG, no network).")
public final class ReportCommand extends StageCommand {
  public ReportCommand() {
    super(ReportStage::from);
  }
}
