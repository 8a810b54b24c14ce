package io.cpm.jobs.cli;

import io.cpm.jobs.ExitCode;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.PipelineRunner;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.spark.SparkSessions;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the pipeline commands: loads and validates the config, then (unless {@code --dry-run}) starts
 * Spark and runs the command's stages for the run date through {@link PipelineRunner}.
 */
public abstract class StageCommand implements Callable<Integer> {
  @Mixin
  protected PipelineOptions options;

  @Spec
  protected CommandSpec spec;

  /** Builds the command's one stage from the config; null when the command overrides {@link #stages}. */
  private final Function<CpmConfig, Stage> stage;

  /** A command that overrides {@link #stages} (several stages, or options that change the stage). */
  protected StageCommand() {
    this.stage = null;
  }

  /** A command that runs one stage, built from the config before anything runs (so --dry-run validates it). */
  protected StageCommand(Function<CpmConfig, Stage> stage) {
    this.stage = Objects.requireNonNull(stage, "stage");
  }

  /** The stages this command runs, in order: by default the one stage given to the constructor. */
  protected List<Stage> stages(CpmConfig config) {
    if (stage == null) {
      throw new IllegalStateException(getClass().getName() + " names no stage: override stages(config)");
    }
    return List.of(stage.apply(config));
  }

  /** The run dates to process, oldest first; one unless the command supports a range. */
  protected List<LocalDate> runDates() {
    return List.of(options.runDate());
  }

  /** Whether this command records its stages in {@code pipeline_runs}. */
  protected boolean recordsPipelineRuns() {
    return false;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CpmConfig config = options.loadConfig();
    List<Stage> stages = stages(config);
    if (options.dryRun()) {
      out.println("dry run: " + spec.qualifiedName() + " --run-date " + options.runDate());
      out.println("  run dates = " + runDates());
      for (Map.Entry<String, Object> e : config.describe().entrySet()) {
        out.println("  " + e.getKey() + " = " + e.getValue());
      }
      out.println("  stages = " + stages.stream().map(Stage::name).toList());
      return ExitCode.OK;
    }
    List<LocalDate> dates = runDates();
    SparkSession spark = SparkSessions.getOrCreate(config);
    for (LocalDate date : dates) {
      PipelineContext context = new PipelineContext(spark, config, date, out);
      context.tables().registerAll();
      new PipelineRunner(context, recordsPipelineRuns()).run(stages);
    }
    return ExitCode.OK;
  }
}
