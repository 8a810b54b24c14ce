package io.cpm.jobs.features;

import io.cpm.jobs.cli.StageCommand;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code cpm features}: per-customer features as of the run date. */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Compute customer_features (value, needs, behavior, lifecycle) as of the run date.")
public final class FeaturesCommand extends StageCommand {
  @Override
  protected List<Stage> stages(CpmConfig config) {
    return List.of(new FeaturesStage(FeaturesSettings.from(config)));
  }
}
