package io.cpm.jobs.report;

import io.cpm.jobs.cli.StageCommand;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code cpm report}: the self-contained HTML run report of a run date. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write <reports>/<run date>/index.html: KPIs with trends, segments, churn model, CLV,"
        + " lifecycle funnel, data quality and stage timings (inline SVG, no network).")
public final class ReportCommand extends StageCommand {
  @Override
  protected List<Stage> stages(CpmConfig config) {
    return List.of(ReportStage.from(config));
  }
}
