package io.cpm.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The embedded nightly on the committed sample, run once per failsafe JVM and shared by the integration tests
 * that read its outputs (a sample night costs minutes; running the same night twice bought no extra check).
 *
 * <p>{@link #firstNight()} runs {@code cpm nightly --run-date 2025-03-29} in a JVM started like {@code ./cpm}
 * and keeps a copy of what that night left behind (warehouse, exports, reports): {@link SparkSubmitIT} compares
 * a standalone-cluster submit of the same night against it cell for cell. {@link #threeNights()} then continues
 * the same warehouse with {@code cpm nightly --from 2025-03-30 --run-date 2025-03-31} (a backfill of two dates
 * in one Spark session), which {@link SampleNightlyGoldenIT} checks against the golden file. Each result is
 * computed by the first test class that asks and guarded by its own lock, so a test class waiting for the
 * first night is not held up by the later two when the classes run concurrently.
 */
final class SampleNights {
  static final List<LocalDate> DATES =
      List.of(LocalDate.parse("2025-03-29"), LocalDate.parse("2025-03-30"), LocalDate.parse("2025-03-31"));
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);
  private static final Object FIRST_LOCK = new Object();
  private static final Object ALL_LOCK = new Object();
  private static Path work;
  private static GoldenSummary.SampleRun run;
  private static GoldenSummary.SampleRun firstNight;
  private static String firstLog;
  private static String allLog;

  private SampleNights() {}

  /** A copy of the outputs as they were after the first night (2025-03-29) alone. */
  static GoldenSummary.SampleRun firstNight() throws IOException, InterruptedException {
    synchronized (FIRST_LOCK) {
      if (firstNight == null) {
        work = ItEnv.newWorkDirectory("sample-nights");
        run = GoldenSummary.sampleRun(work, "out");
        firstLog = nightly("sample-night-1", List.of("--run-date", DATES.get(0).toString()));
        GoldenSummary.SampleRun copy = GoldenSummary.sampleRun(work, "first-night");
        for (String dir : List.of("warehouse", "exports", "reports")) {
          copyTree(run.out().resolve(dir), copy.out().resolve(dir));
        }
        firstNight = copy;
      }
      return firstNight;
    }
  }

  /** The outputs after all three sample nights, in the warehouse the first night started. */
  static GoldenSummary.SampleRun threeNights() throws IOException, InterruptedException {
    synchronized (ALL_LOCK) {
      if (allLog == null) {
        firstNight();
        allLog = firstLog + nightly("sample-nights-2-3", List.of("--from", DATES.get(1).toString(),
            "--run-date", DATES.get(2).toString()));
      }
      return run;
    }
  }

  /** What the nightly runs printed (stdout and stderr), first night first. */
  static String log() {
    synchronized (ALL_LOCK) {
      return allLog;
    }
  }

  /** The log file (Spark's, Hadoop's and Delta's warnings) that every night appends to. */
  static Path logFile() {
    return work.resolve("cpm.log");
  }

  private static String nightly(String name, List<String> dates) throws IOException, InterruptedException {
    List<String> args = new java.util.ArrayList<>(List.of("nightly"));
    args.addAll(dates);
    args.addAll(List.of("--config", run.config().toString()));
    List<String> command = ChildProcess.java(List.of("-Xmx2g", "-XX:+UseSerialGC",
            "-Dlog4j2.configurationFile=" + RepoFiles.path("conf/log4j2.properties"), "-Dcpm.log.file=" + logFile(),
            "-Djava.io.tmpdir=" + work),
        ItEnv.appJar() + java.io.File.pathSeparator + ItEnv.runtimeClasspath(), "io.cpm.jobs.Main", args);
    try (ChildProcess process = ChildProcess.start(name, command, Map.of(), work)) {
      assertThat(process.waitFor(RUN_TIMEOUT)).as("cpm " + String.join(" ", args) + " on the sample:\n"
          + process.tail()).isZero();
      return process.logText();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(from)) {
      paths.forEach(source -> {
        Path target = to.resolve(from.relativize(source).toString());
        try {
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
