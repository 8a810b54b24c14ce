package io.cpm.jobs.scoring;

import io.cpm.jobs.cli.CommandGroup;
import io.cpm.jobs.cli.StageCommand;
import picocli.CommandLine.Command;

/** {@code cpm churn}: train, score with the stored model, or evaluate on any labelled CSV. */
@Command(name = "churn", mixinStandardHelpOptions = true, description = "Churn model commands.",
    subcommands = {ChurnCommand.Train.class, ChurnCommand.Score.class, ChurnEvaluateCommand.class})
public final class ChurnCommand extends CommandGroup {
  /** {@code cpm churn train --run-date D}. */
  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train a churn model on point-in-time snapshots before the run date and store it as a new version.")
  public static final class Train extends StageCommand {
    public Train() {
      super(ChurnTrainStage::from);
    }
  }

  /** {@code cpm churn score --run-date D}. */
  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Write customer_scores for the run date with the newest stored churn model (no retraining).")
  public static final class Score extends StageCommand {
    public Score() {
      super(config -> ScoreStage.from(config, ScoreStage.Training.NEVER));
    }
  }
}
