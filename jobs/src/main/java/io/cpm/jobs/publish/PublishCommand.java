package io.cpm.jobs.publish;

import io.cpm.jobs.cli.StageCommand;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.publish.PublishSettings.ExportMode;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cpm publish}: the CRM score file of a run date, plus the analyst catalog refresh. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Write <exports>/crm/<run date>/ (customer_scores.csv, manifest.json, _SUCCESS) and refresh"
        + " column comments and the customer_360 view.")
public final class PublishCommand extends StageCommand {
  @ArgGroup(exclusive = true)
  Mode mode;

  static final class Mode {
    @Option(names = "--incremental", description = "Export only customers whose values changed since the last"
        + " published run (overrides publish.crm.incremental).")
    boolean incremental;

    @Option(names = "--full", description = "Export every customer (overrides publish.crm.incremental).")
    boolean full;
  }

  @Override
  protected List<Stage> stages(CpmConfig config) {
    PublishSettings settings = PublishSettings.from(config.section(PublishStage.NAME));
    if (mode != null) {
      // --incremental / --full override publish.crm.incremental.
      settings = settings.withMode(mode.incremental ? ExportMode.INCREMENTAL : ExportMode.FULL);
    }
    return List.of(new PublishStage(settings));
  }
}
