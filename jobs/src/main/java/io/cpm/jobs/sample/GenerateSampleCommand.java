package io.cpm.jobs.sample;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cpm generate-sample}: writes synthetic exports with planted customer types; starts no Spark. */
@Command(name = "generate-sample", mixinStandardHelpOptions = true,
    description = {"Write synthetic CRM / ERP / ticket exports in the landing layout: <out>/<start>/ holds the",
        "history since --history-from (initial load), then one folder per day up to --end with the rows",
        "created or changed that day. Planted customer types go to <truth>/customers.csv."})
public final class GenerateSampleCommand implements Callable<Integer> {
  static final int MAX_DAILY_FOLDERS = 92;
  static final int MIN_HISTORY_DAYS = 540;
  private static final Pattern RUN_DATE_FOLDER = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  @Option(names = "--customers", required = true, paramLabel = "N", description = "Number of customers.")
  int customers;

  @Option(names = "--start", required = true, paramLabel = "YYYY-MM-DD",
      description = "First run date: its folder holds the whole history up to it (initial load).")
  LocalDate start;

  @Option(names = "--end", paramLabel = "YYYY-MM-DD",
      description = "Last run date (default: --start); one folder per day after --start.")
  LocalDate end;

  @Option(names = "--history-from", paramLabel = "YYYY-MM-DD",
      description = "First day of the history (default: --start minus 2 years).")
  LocalDate historyFrom;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--bad-rows", defaultValue = "0", paramLabel = "K",
      description = "Plant K bad rows of every reason code at the end of files (default: ${DEFAULT-VALUE}).")
  int badRows;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Landing folder to write.")
  Path out;

  @Option(names = "--truth", paramLabel = "DIR",
      description = "Folder for customers.csv and bad_rows.csv (default: <out>/../ground-truth).")
  Path truth;

  @Option(names = "--overwrite",
      description = "Replace run-date folders already in --out (otherwise a non-empty --out is an error).")
  boolean overwrite;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    SampleGenerator.Settings settings = settings();
    prepareOutput(settings.landing());
    long started = System.nanoTime();
    SampleGenerator.Result result = SampleGenerator.generate(settings);
    double seconds = (System.nanoTime() - started) / 1e9;
    PrintWriter writer = spec.commandLine().getOut();
    writer.printf("generated %d customers, run dates %s..%s, history from %s, seed %d%n", customers,
        settings.start(), settings.end(), settings.historyFrom(), seed);
    for (Map.Entry<Entity, Long> e : result.rowsByEntity().entrySet()) {
      writer.printf("  rows %-16s %,d%n", e.getKey().entityName(), e.getValue());
    }
    writer.printf("  customers by type %s%n", result.customersByType());
    writer.printf("  bad rows %d (listed in %s)%n", result.badRows(), settings.truth().resolve("bad_rows.csv"));
    writer.printf("total rows %d in %.1f s (%.0f rows/s)%n", result.totalRows(), seconds,
        result.totalRows() / Math.max(seconds, 1e-9));
    return ExitCode.OK;
  }

  SampleGenerator.Settings settings() {
    LocalDate last = end == null ? start : end;
    LocalDate first = historyFrom == null ? start.minusYears(2) : historyFrom;
    if (customers < 1 || customers > 9_999_999) {
      throw CpmException.usage("--customers " + customers + " must be between 1 and 9999999");
    }
    if (last.isBefore(start)) {
      throw CpmException.usage("--end " + last + " is before --start " + start);
    }
    if (ChronoUnit.DAYS.between(start, last) > MAX_DAILY_FOLDERS) {
      throw CpmException.usage("--end " + last + " is more than " + MAX_DAILY_FOLDERS
          + " days after --start " + start + " (one open file per day and entity)");
    }
    if (ChronoUnit.DAYS.between(first, last) < MIN_HISTORY_DAYS) {
      throw CpmException.usage("--history-from " + first + " must be at least " + MIN_HISTORY_DAYS
          + " days before --end " + last + " so every planted customer type has room to show");
    }
    if (badRows < 0) {
      throw CpmException.usage("--bad-rows " + badRows + " must not be negative");
    }
    Path truthDir = truth != null ? truth : out.toAbsolutePath().normalize().resolveSibling("ground-truth");
    return new SampleGenerator.Settings(customers, first, start, last, seed, badRows, out, truthDir);
  }

  private void prepareOutput(Path landing) {
    if (!Files.isDirectory(landing)) {
      return;
    }
    try (Stream<Path> children = Files.list(landing)) {
      List<Path> existing = children.sorted().toList();
      if (existing.isEmpty()) {
        return;
      }
      if (!overwrite) {
        throw CpmException.usage("--out " + landing + " is not empty; pass --overwrite to replace its run-date"
            + " folders");
      }
      for (Path child : existing) {
        if (Files.isDirectory(child) && RUN_DATE_FOLDER.matcher(child.getFileName().toString()).matches()) {
          deleteTree(child);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
