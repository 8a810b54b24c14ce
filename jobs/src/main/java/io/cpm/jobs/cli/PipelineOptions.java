package io.cpm.jobs.cli;

import io.cpm.jobs.config.CpmConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by every pipeline command: the as-of run date and the configuration. */
public final class PipelineOptions {
  @Option(names = "--run-date", required = true, paramLabel = "YYYY-MM-DD",
      description = "As-of date of the run (ISO date). Only data dated on or before it counts.")
  LocalDate runDate;

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "conf/local.conf",
      description = "HOCON config file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one config key, e.g. --set paths.warehouse=/data/wh (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--dry-run",
      description = "Parse arguments and validate the config, print what would run, start no Spark.")
  boolean dryRun;

  public LocalDate runDate() {
    return runDate;
  }

  public boolean dryRun() {
    return dryRun;
  }

  public CpmConfig loadConfig() {
    return CpmConfig.load(config, overrides);
  }
}
