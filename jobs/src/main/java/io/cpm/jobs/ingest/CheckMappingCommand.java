package io.cpm.jobs.ingest;

import io.cpm.jobs.cli.ConfigOptions;
import io.cpm.metrics.schema.Entity;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cpm check-mapping}: check the export mappings against a run date's files in seconds (see {@link MappingCheck}). */
@Command(name = "check-mapping", mixinStandardHelpOptions = true,
    description = {"Check every export mapping against the files of a run date without starting Spark: reads each"
        + " file's header and first rows as ingest would and prints the columns found and missing, expression"
        + " errors, sample rows and the reason codes the sample gets. See docs/bring-your-own-exports.md.",
        "Exit 2: a mapping is invalid; exit 3: a file cannot be ingested as mapped; exit 4: a folder is missing."})
public final class CheckMappingCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions config;

  @Option(names = "--run-date", required = true, paramLabel = "YYYY-MM-DD",
      description = "Run date whose landing folders are checked.")
  LocalDate runDate;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "1000",
      description = "Rows read per file (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--source", paramLabel = "SOURCE", description = "Only this source (crm, erp, tickets).")
  String source;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (rows < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rows must be at least 1");
    }
    if (source != null && !Entity.sources().contains(source)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown source '" + source
          + "' (known: " + String.join(", ", Entity.sources()) + ")");
    }
    return MappingCheck.run(config.loadConfig(), runDate, source == null ? Entity.sources() : List.of(source), rows,
        spec.commandLine().getOut());
  }
}
