package io.cpm.jobs.scoring;

import picocli.CommandLine.Command;

/** {@code cpm clv}: analyst tools for customer lifetime value. */
@Command(name = "clv", mixinStandardHelpOptions = true, description = "Customer lifetime value (BTYD) tools.",
    subcommands = {ClvFitCommand.class})
public final class ClvCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: see 'cpm clv --help'");
  }
}
