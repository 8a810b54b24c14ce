package io.cpm.jobs.ingest;

import io.cpm.jobs.cli.StageCommand;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.metrics.schema.Entity;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cpm ingest}: load one run date's exports into bronze, silver, quarantine and ingest_runs. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Ingest the exports under <paths.landing>/<run date>/<source>/ into bronze, silver (MERGE),"
        + " quarantine and ingest_runs. See docs/ingestion.md.",
        "Exit 3: a file is unreadable or the quarantine rate is above ingest.max-quarantine-rate;"
            + " exit 4: an export has not fully arrived (its folder, its completion marker or a required file).",
        "Files matching no mapping are listed in the summary."})
public final class IngestCommand extends StageCommand {
  @Option(names = "--source", paramLabel = "SOURCE", completionCandidates = Sources.class,
      description = "Only this source: ${COMPLETION-CANDIDATES} (default: all).")
  String source;

  /** The source names picocli offers and checks. */
  static final class Sources implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Entity.sources().iterator();
    }
  }

  /**
   * With --dry-run, also checks the mappings against the run date's files as check-mapping does (no Spark): exit
   * 3 when a file cannot be ingested as mapped; folders not arrived yet are listed but are no error.
   */
  @Override
  public Integer call() {
    int code = super.call();
    if (code != io.cpm.jobs.ExitCode.OK || !options.dryRun()) {
      return code;
    }
    int checked = io.cpm.jobs.ingest.MappingCheck.run(options.loadConfig(), options.runDate(),
        source == null ? Entity.sources() : List.of(source), 1000, spec.commandLine().getOut());
    // A dry run may come before the exports: a folder not there yet is reported above, not an error here.
    return checked == io.cpm.jobs.ExitCode.INPUT_MISSING ? io.cpm.jobs.ExitCode.OK : checked;
  }

  @Override
  protected List<Stage> stages(CpmConfig config) {
    return List.of(source == null ? IngestStage.allSources(config) : new IngestStage(List.of(source), config));
  }
}
