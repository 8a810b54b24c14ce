package io.cpm.jobs.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code cpm}, {@code cpm churn}, {@code cpm clv}): run without one, it is
 * a usage error (exit 2) pointing at its help.
 */
public abstract class CommandGroup implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing " + (spec.parent() == null ? "command" : "subcommand")
        + ": see '" + spec.qualifiedName() + " --help'");
  }
}
