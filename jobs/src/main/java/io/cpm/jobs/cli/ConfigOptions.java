package io.cpm.jobs.cli;

import io.cpm.jobs.config.CpmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The config options ({@code --config}, {@code --set}): on their own for commands that query the catalog rather
 * than run a date ({@code sql}, {@code sql-server}), and as part of {@link PipelineOptions}.
 */
public class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE", defaultValue = "conf/local.conf",
      description = "HOCON config file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one config key, e.g. --set paths.warehouse=/data/wh (repeatable).")
  List<String> overrides = new ArrayList<>();

  public CpmConfig loadConfig() {
    return CpmConfig.load(config, overrides);
  }
}
