package io.cpm.jobs.bench;

import static java.util.Objects.requireNonNull;

import io.cpm.jobs.Main;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly benchmark behind {@code bench/nightly.sh} (not a test). {@code night} runs {@code cpm nightly} for
 * one run date in this JVM (the script starts one JVM per night, as a scheduler would) and measures every stage
 * from the outside, without changing the pipeline: stage boundaries come from the progress lines the pipeline
 * prints ({@code [  1.2s] ingest    started ...} / {@code done: N rows in S s}); CPU seconds are this process's
 * CPU time (driver and local executors share it); rows in are Spark's task input metrics (records read from
 * files and tables, re-reads included) counted by a listener the run's config registers; peak heap is the
 * driver's used heap sampled every 50 ms. {@code duckdb}, in a JVM of its own after the first night, runs
 * {@link DuckDbSideBySide}: the same landing night in an embedded DuckDB, and the order-based value features
 * beside cpm's. Each night
 * appends its stages to {@code WORK/stages.tsv}; {@code summary} prints them and appends one line to the
 * results CSV.
 *
 * <p>Usage: {@code NightlyBenchmark night|duckdb LANDING WORK RUN_DATE} and
 * {@code NightlyBenchmark summary WORK RESULTS_CSV LABEL}; LABEL holds the CSV's leading columns (date, commit,
 * cores, memory, customers, seed, heap) and {@code WORK/nights.tsv} the script's per-night wall, CPU and RSS.
 */
public final class NightlyBenchmark {
  private static final Pattern STARTED = Pattern.compile("^\\[\\s*[\\d.]+s\\] (\\S+)\\s+started for run date (\\S+)");
  private static final Pattern DONE = Pattern.compile("^\\[\\s*[\\d.]+s\\] (\\S+)\\s+done: ([\\d,]+) rows in ");
  /** The Spark settings printed with the results: what decides how the work is split and run. */
  private static final List<String> SETTINGS = List.of("spark.master", "spark.sql.shuffle.partitions",
      "spark.sql.adaptive.enabled", "spark.default.parallelism", "spark.sql.files.maxPartitionBytes",
      "spark.databricks.delta.snapshotPartitions", "spark.sql.autoBroadcastJoinThreshold");

  /** One stage of one night as measured. */
  record StageRun(LocalDate night, String stage, double wallSeconds, double cpuSeconds, long rowsRead,
      long rowsOut, long peakHeapBytes) {
    StageRun {
      requireNonNull(night, "night");
      requireNonNull(stage, "stage");
    }

    double rowsPerSecond() {
      return wallSeconds > 0 ? Math.max(rowsRead, rowsOut) / wallSeconds : 0;
    }

    String tsv() {
      return String.join("\t", night.toString(), stage, String.valueOf(wallSeconds), String.valueOf(cpuSeconds),
          String.valueOf(rowsRead), String.valueOf(rowsOut), String.valueOf(peakHeapBytes));
    }

    static StageRun parse(String line) {
      String[] f = line.split("\t");
      return new StageRun(LocalDate.parse(f[0]), f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]),
          Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]));
    }
  }

  /** Records read and Spark jobs run, summed over the whole JVM; registered through spark.extraListeners. */
  public static final class Counters extends SparkListener {
    static final AtomicLong RECORDS_READ = new AtomicLong();
    static final AtomicLong JOBS = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      TaskMetrics metrics = end.taskMetrics();
      if (metrics != null) {
        RECORDS_READ.addAndGet(metrics.inputMetrics().recordsRead());
      }
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      JOBS.incrementAndGet();
    }
  }

  private NightlyBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("night")) {
      night(Path.of(args[1]), Path.of(args[2]), LocalDate.parse(args[3]));
    } else if (args.length == 4 && args[0].equals("duckdb")) {
      duckdb(Path.of(args[1]), Path.of(args[2]), LocalDate.parse(args[3]));
    } else if (args.length == 4 && args[0].equals("summary")) {
      summary(Path.of(args[1]), Path.of(args[2]), args[3]);
    } else {
      System.err.println("usage: NightlyBenchmark night|duckdb LANDING WORK RUN_DATE"
          + " | summary WORK RESULTS_CSV LABEL");
      System.exit(2);
    }
    System.exit(0); // Spark's non-daemon threads would keep the JVM alive
  }

  private static void night(Path landing, Path work, LocalDate date) throws Exception {
    Path config = work.resolve("bench.conf");
    Files.writeString(config, String.join("\n",
        "include file(\"" + Path.of("conf/local.conf").toAbsolutePath() + "\")",
        "paths.landing = \"" + landing + "\"",
        "paths.warehouse = \"" + work.resolve("warehouse") + "\"",
        "paths.exports = \"" + work.resolve("exports") + "\"",
        "paths.reports = \"" + work.resolve("reports") + "\"",
        "spark.conf { \"spark.extraListeners\" = \"" + Counters.class.getName() + "\" }",
        ""));
    HeapSampler heap = new HeapSampler();
    heap.start();
    List<StageRun> runs = new ArrayList<>();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter out = new PrintWriter(new StageMeter(heap, runs), true)) {
      code = Main.run(out, new PrintWriter(err, true), "nightly", "--run-date", date.toString(),
          "--config", config.toString());
    }
    heap.interrupt();
    if (code != 0) {
      System.err.println("bench: cpm nightly --run-date " + date + " exited with " + code + ":\n" + err);
      System.exit(1);
    }
    Files.write(work.resolve("stages.tsv"), runs.stream().map(StageRun::tsv).toList(), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    SparkSession spark = SparkSession.active();
    StringBuilder settings = new StringBuilder();
    for (String key : SETTINGS) {
      // get(key, default) checks the default against the entry's type (a boolean entry rejects any text), so
      // the first run failed here after a whole night; getOption gives the effective value, default included.
      settings.append(key).append(" = ").append(spark.conf().getOption(key).getOrElse(() -> "(unset: Spark's default)"))
          .append('\n');
    }
    settings.append(String.format(Locale.ROOT, "driver max heap = %d MB, cores = %d, Spark jobs run = %d%n",
        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), Counters.JOBS.get()));
    Files.writeString(work.resolve("settings-" + date + ".txt"), settings.toString());
  }

  /** DuckDB on the night cpm just ran, in its own JVM so that neither is measured with the other's load. */
  private static void duckdb(Path landing, Path work, LocalDate date) throws Exception {
    List<StageRun> cpm = Files.readAllLines(work.resolve("stages.tsv")).stream().map(StageRun::parse)
        .filter(r -> r.night().equals(date)).toList();
    DuckDbSideBySide.Result side = DuckDbSideBySide.run(() -> SparkSessions.getOrCreate(
            CpmConfig.load(work.resolve("bench.conf"), List.of())), landing.resolve(date.toString()),
        work.resolve("duckdb"), date, work.resolve("warehouse"), cpm);
    Files.writeString(work.resolve("duckdb.tsv"), String.format(Locale.ROOT, "%.1f\t%.1f\t%s%n",
        side.ingestSeconds(), side.featureSeconds(), side.agreement()));
  }

  private static void summary(Path work, Path results, String label) throws IOException {
    List<StageRun> runs = Files.readAllLines(work.resolve("stages.tsv")).stream().map(StageRun::parse).toList();
    // nights.tsv (written by the script): run date, wall s with JVM start, CPU s of the process, max RSS MB.
    List<String[]> nights = Files.readAllLines(work.resolve("nights.tsv")).stream().map(l -> l.split("\t")).toList();
    System.out.println();
    System.out.printf(Locale.ROOT, "%-10s %-9s %8s %8s %12s %12s %10s %9s%n", "night", "stage", "wall s", "CPU s",
        "rows in", "rows out", "rows/s", "heap MB");
    for (StageRun run : runs) {
      System.out.printf(Locale.ROOT, "%-10s %-9s %8.1f %8.1f %,12d %,12d %,10.0f %9d%n", run.night(), run.stage(),
          run.wallSeconds(), run.cpuSeconds(), run.rowsRead(), run.rowsOut(), run.rowsPerSecond(),
          run.peakHeapBytes() >> 20);
    }
    System.out.println("rows in = records Spark tasks read from files and tables during the stage (re-reads"
        + " counted); rows out = the stage's own row count; rows/s = the larger of the two / wall s");
    System.out.println();
    System.out.printf(Locale.ROOT, "%-10s %-16s %22s %12s %12s%n", "night", "", "wall s (JVM start incl.)", "CPU s",
        "max RSS MB");
    for (String[] n : nights) {
      System.out.printf(Locale.ROOT, "%-10s %-16s %22s %12s %12s%n", n[0], n[0].equals(nights.get(0)[0])
          ? "first night" : "following night", n[1], n[2], n[3]);
    }
    String first = nights.get(0)[0];
    List<String[]> following = nights.subList(1, nights.size());
    long peakHeap = runs.stream().mapToLong(StageRun::peakHeapBytes).max().orElse(0);
    StringBuilder stages = new StringBuilder();
    for (StageRun run : runs) {
      if (run.night().toString().equals(first)) {
        stages.append(stages.length() == 0 ? "" : " ").append(run.stage()).append('=')
            .append(String.format(Locale.ROOT, "%.1f", run.wallSeconds()));
      }
    }
    String[] duck = Files.exists(work.resolve("duckdb.tsv"))
        ? Files.readString(work.resolve("duckdb.tsv")).trim().split("\t") : new String[] {"", "", ""};
    String line = String.join(",", label, String.valueOf(following.size()), nights.get(0)[1], nights.get(0)[2],
        following.isEmpty() ? "" : mean(following, 1), following.isEmpty() ? "" : mean(following, 2),
        String.valueOf(peakHeap >> 20),
        String.valueOf(nights.stream().mapToLong(n -> Long.parseLong(n[3])).max().orElse(0)), stages.toString(),
        duck[0], duck[1], duck[2].replace(",", ""));
    Files.writeString(results, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    System.out.println();
    System.out.println("bench: appended to " + results + ":\n" + line);
  }

  private static String mean(List<String[]> nights, int column) {
    return String.format(Locale.ROOT, "%.1f", nights.stream().mapToDouble(n -> Double.parseDouble(n[column]))
        .average().orElse(Double.NaN));
  }

  /** The largest used heap seen, sampled every 50 ms; {@link #resetWindow()} starts a stage's own peak. */
  static final class HeapSampler extends Thread {
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong windowPeak = new AtomicLong();

    HeapSampler() {
      super("bench-heap-sampler");
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        sample();
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void sample() {
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      peak.accumulateAndGet(used, Math::max);
      windowPeak.accumulateAndGet(used, Math::max);
    }

    long resetWindow() {
      sample();
      return windowPeak.getAndSet(0);
    }

    long peak() {
      return peak.get();
    }
  }

  /** The pipeline's progress output, echoed, with a measurement taken at each stage's start and end line. */
  private static final class StageMeter extends Writer {
    private final HeapSampler heap;
    private final List<StageRun> runs;
    private final StringBuilder line = new StringBuilder();
    private String stage;
    private LocalDate night;
    private long wallStart;
    private long cpuStart;
    private long readStart;

    StageMeter(HeapSampler heap, List<StageRun> runs) {
      this.heap = heap;
      this.runs = runs;
    }

    @Override
    public void write(char[] buffer, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        char c = buffer[i];
        if (c == '\n') {
          onLine(line.toString());
          line.setLength(0);
        } else {
          line.append(c);
        }
      }
    }

    private void onLine(String text) {
      System.out.println(text);
      Matcher started = STARTED.matcher(text);
      Matcher done = DONE.matcher(text);
      if (started.find()) {
        stage = started.group(1);
        night = LocalDate.parse(started.group(2));
        heap.resetWindow();
        wallStart = System.nanoTime();
        cpuStart = cpuNanos();
        readStart = Counters.RECORDS_READ.get();
      } else if (done.find() && done.group(1).equals(stage)) {
        runs.add(new StageRun(night, stage, (System.nanoTime() - wallStart) / 1e9,
            (cpuNanos() - cpuStart) / 1e9, Counters.RECORDS_READ.get() - readStart,
            Long.parseLong(done.group(2).replace(",", "")), heap.resetWindow()));
        stage = null;
      }
    }

    private static long cpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }

    @Override
    public void flush() {
      System.out.flush();
    }

    @Override
    public void close() {
      if (line.length() > 0) {
        onLine(line.toString());
        line.setLength(0);
      }
    }
  }
}
