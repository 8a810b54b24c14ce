package io.cpm.jobs.scoring;

import io.cpm.jobs.cli.StageCommand;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code cpm score --run-date D}: the score stage alone. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Churn, CLV and health scores for the run date (retrains the churn model when it is too old).")
public final class ScoreCommand extends StageCommand {
  @Override
  protected List<Stage> stages(CpmConfig config) {
    return List.of(ScoreStage.nightly(config));
  }
}
