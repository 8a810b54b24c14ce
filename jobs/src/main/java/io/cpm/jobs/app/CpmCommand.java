package io.cpm.jobs.app;

import io.cpm.jobs.cli.CommandGroup;
import io.cpm.jobs.cli.ConsoleLogging;
import io.cpm.jobs.features.FeaturesCommand;
import io.cpm.jobs.ingest.CheckMappingCommand;
import io.cpm.jobs.ingest.IngestCommand;
import io.cpm.jobs.kpis.KpisCommand;
import io.cpm.jobs.maintenance.MaintainCommand;
import io.cpm.jobs.publish.PublishCommand;
import io.cpm.jobs.report.ReportCommand;
import io.cpm.jobs.sample.GenerateSampleCommand;
import io.cpm.jobs.scoring.ChurnCommand;
import io.cpm.jobs.scoring.ClvCommand;
import io.cpm.jobs.scoring.ScoreCommand;
import io.cpm.jobs.segment.KMeansCommand;
import io.cpm.jobs.segment.RfmCommand;
import io.cpm.jobs.segment.SegmentCommand;
import io.cpm.jobs.sql.SqlCommand;
import io.cpm.jobs.sql.SqlServerCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The root {@code cpm} command and the CLI's command tree: every pipeline stage and analyst tool is a subcommand.
 * With {@link Nightly} this package is the composition root, the one place that names every stage; a command
 * itself lives in the package of the stage or tool it runs (docs/DEVELOPING.md).
 */
@Command(name = "cpm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Customer scoring and segmentation pipeline on Apache Spark and Delta Lake.",
    footer = {"", "Exit codes: 0 ok, 1 internal error, 2 usage or config error, 3 data-quality gate failed,"
        + " 4 input missing (export not arrived; retry later)."},
    subcommands = {
        HelpCommand.class,
        NightlyCommand.class,
        GenerateSampleCommand.class,
        IngestCommand.class,
        CheckMappingCommand.class,
        FeaturesCommand.class,
        KpisCommand.class,
        SegmentCommand.class,
        RfmCommand.class,
        KMeansCommand.class,
        ScoreCommand.class,
        ChurnCommand.class,
        ClvCommand.class,
        PublishCommand.class,
        ReportCommand.class,
        SqlCommand.class,
        SqlServerCommand.class,
        MaintainCommand.class,
    })
public final class CpmCommand extends CommandGroup {
  /** Inherited by every subcommand, so {@code cpm nightly --verbose} works as well as {@code cpm --verbose nightly}. */
  @picocli.CommandLine.Option(names = "--verbose", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Also print Spark's, Hadoop's and Delta's warnings on the console (they always go to the log"
          + " file, logs/cpm.log).")
  void verbose(boolean verbose) {
    if (verbose) {
      ConsoleLogging.verbose();
    }
  }
}
