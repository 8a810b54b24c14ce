package io.cpm.jobs.cli;

import java.time.LocalDate;
import picocli.CommandLine.Option;

/** Options shared by every pipeline command: the as-of run date and the configuration ({@link ConfigOptions}). */
public final class PipelineOptions extends ConfigOptions {
  @Option(names = "--run-date", required = true, paramLabel = "YYYY-MM-DD",
      description = "As-of date of the run (ISO date). Only data dated on or before it counts.")
  LocalDate runDate;

  @Option(names = "--dry-run",
      description = "Parse arguments and validate the config, print what would run, start no Spark.")
  boolean dryRun;

  public LocalDate runDate() {
    return runDate;
  }

  public boolean dryRun() {
    return dryRun;
  }
}
