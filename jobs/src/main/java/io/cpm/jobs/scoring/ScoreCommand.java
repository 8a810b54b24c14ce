package io.cpm.jobs.scoring;

import io.cpm.jobs.cli.StageCommand;
import picocli.CommandLine.Command;

/** {@code cpm score --run-date D}: the score stage alone. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Churn, CLV and health scores for the run date (retrains the churn model when it is too old).")
public final class ScoreCommand extends StageCommand {
  public ScoreCommand() {
    super(ScoreStage::nightly);
  }
}
