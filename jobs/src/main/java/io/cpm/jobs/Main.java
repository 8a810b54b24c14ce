package io.cpm.jobs;

import io.cpm.jobs.app.CpmCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.spark.SparkException;
import picocli.CommandLine;

/** Entry point of the {@code cpm} CLI, for the launcher and for spark-submit. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one CLI invocation and returns its exit code; tests call this instead of {@link #main}. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine(out, err);
    return commandLine.execute(args);
  }

  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new CpmCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    // picocli skips the unmatched-argument check when --help is given, so 'cpm no-such-command --help' printed
    // the top-level help and exited 0: a typo in a scheduled command would pass. Unmatched words are a usage
    // error (exit 2, with picocli's "Did you mean" suggestions) whatever else the line asks for.
    commandLine.setExecutionStrategy(parseResult -> {
      for (CommandLine.ParseResult level = parseResult; level != null; level = level.subcommand()) {
        if (!level.unmatched().isEmpty()) {
          throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
        }
      }
      return new CommandLine.RunLast().execute(parseResult);
    });
    commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
      CpmException known = findCpmException(exception);
      if (known != null) {
        cmd.getErr().println("cpm " + cmd.getCommandName() + ": " + known.getMessage());
        return known.exitCode();
      }
      Throwable root = rootCause(exception);
      cmd.getErr().println("cpm " + cmd.getCommandName() + ": internal error: " + root);
      exception.printStackTrace(cmd.getErr());
      return ExitCode.INTERNAL_ERROR;
    });
    return commandLine;
  }

  private static CpmException findCpmException(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CpmException cpm) {
        return cpm;
      }
    }
    return null;
  }

  /** A SparkException wraps the task failure a user can act on; report that, not the wrapper. */
  private static Throwable rootCause(Throwable error) {
    Throwable t = error;
    while ((t instanceof SparkException || t.getClass().getName().endsWith("ExecutionException")
        || t instanceof java.lang.reflect.InvocationTargetException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
