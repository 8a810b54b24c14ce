package io.cpm.jobs.features;

import io.cpm.jobs.cli.StageCommand;
import picocli.CommandLine.Command;

/** {@code cpm features}: per-customer features as of the run date. */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Compute customer_features (value, needs, behavior, lifecycle) as of the run date.")
public final class FeaturesCommand extends StageCommand {
  public FeaturesCommand() {
    super(FeaturesStage::from);
  }
}
