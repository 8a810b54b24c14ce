package io.cpm.jobs.app;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.cli.StageCommand;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cpm nightly}: every stage for one run date, recorded in {@code pipeline_runs}. With {@code --from}
 * it runs each date from that one up to {@code --run-date} in order (a backfill in one Spark session).
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "Run every stage (ingest all sources, then each later stage) for one run date,"
        + " or for each date of a range with --from.")
public final class NightlyCommand extends StageCommand {
  @Option(names = "--from", paramLabel = "YYYY-MM-DD",
      description = "Backfill: run every date from this one through --run-date, oldest first.")
  LocalDate from;

  @Override
  protected List<Stage> stages(CpmConfig config) {
    return Nightly.stages(config);
  }

  @Override
  protected List<LocalDate> runDates() {
    if (from == null) {
      return List.of(options.runDate());
    }
    if (from.isAfter(options.runDate())) {
      throw CpmException.usage("--from " + from + " is after --run-date " + options.runDate());
    }
    List<LocalDate> dates = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(options.runDate()); d = d.plusDays(1)) {
      dates.add(d);
    }
    return dates;
  }

  @Override
  protected boolean recordsPipelineRuns() {
    return true;
  }
}
