package io.cpm.jobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The root {@code cpm} command; every pipeline stage and analyst tool is a subcommand. */
@Command(name = "cpm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Customer scoring and segmentation pipeline on Apache Spark and Delta Lake.",
    footer = {"", "Exit codes: 0 ok, 1 internal error, 2 usage or config error, 3 data-quality gate failed,"
        + " 4 input missing (export not arrived; retry later)."},
    subcommands = {
        HelpCommand.class,
        NightlyCommand.class,
        io.cpm.jobs.sample.GenerateSampleCommand.class,
        IngestCommand.class,
        io.cpm.jobs.ingest.CheckMappingCommand.class,
        io.cpm.jobs.features.FeaturesCommand.class,
        io.cpm.jobs.kpis.KpisCommand.class,
        io.cpm.jobs.segment.SegmentCommand.class,
        io.cpm.jobs.segment.RfmCommand.class,
        io.cpm.jobs.segment.KMeansCommand.class,
        io.cpm.jobs.scoring.ScoreCommand.class,
        io.cpm.jobs.scoring.ChurnCommand.class,
        io.cpm.jobs.scoring.ClvCommand.class,
        PublishCommand.class,
        ReportCommand.class,
        SqlCommand.class,
        SqlServerCommand.class,
        MaintainCommand.class,
    })
public final class CpmCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: see 'cpm --help'");
  }
}
