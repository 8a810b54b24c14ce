package io.cpm.jobs.scoring;

import io.cpm.jobs.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code cpm clv}: analyst tools for customer lifetime value. */
@Command(name = "clv", mixinStandardHelpOptions = true, description = "Customer lifetime value (BTYD) tools.",
    subcommands = {ClvFitCommand.class})
public final class ClvCommand extends CommandGroup {
}
