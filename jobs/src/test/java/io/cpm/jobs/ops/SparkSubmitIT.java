package io.cpm.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar submitted with Spark's own SparkSubmit (Spark's jars from Maven, no distribution) to a
 * standalone Spark Master and Worker started from the same jars on 127.0.0.1, on the sample's first night: the
 * segment and score counts must equal the golden file's first block, and every table and export must equal
 * the embedded launcher's first night ({@link SampleNights#firstNight()}, shared with
 * {@link SampleNightlyGoldenIT}) cell for cell. A submit with {@code --master local[2]} is run by {@link S3aIT};
 * this class used to run one on the sample too, only to compare the cluster against it, which the embedded
 * first night now does without running that night a third time.
 */
class SparkSubmitIT {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
  private static final LocalDate RUN_DATE = SampleNights.DATES.get(0);
  private static Path work;
  private static GoldenSummary.SampleRun embedded;
  private static GoldenSummary.SampleRun submitted;

  @BeforeAll
  static void submitToAStandaloneCluster() throws Exception {
    work = ItEnv.newWorkDirectory("spark-submit");
    Path home = sparkHome(work.resolve("spark-home"));
    int masterPort = ItEnv.freePort();
    String masterUrl = "spark://127.0.0.1:" + masterPort;
    String classpath = home.resolve("conf") + java.io.File.pathSeparator + home.resolve("jars") + "/*";
    Map<String, String> env = Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.12",
        "SPARK_LOCAL_IP", "127.0.0.1");
    submitted = GoldenSummary.sampleRun(work, "submit-standalone");
    try (ChildProcess master = ChildProcess.start("spark-master", ChildProcess.java(List.of("-Xmx256m"), classpath,
            "org.apache.spark.deploy.master.Master", List.of("--host", "127.0.0.1", "--port",
                String.valueOf(masterPort), "--webui-port", String.valueOf(ItEnv.freePort()))), env, work);
         ChildProcess worker = startWorker(master, masterUrl, classpath, home, env)) {
      try (ChildProcess run = ChildProcess.start("spark-submit-standalone", sparkSubmit(masterUrl, submitted),
          Map.of(), work)) {
        assertThat(run.waitFor(RUN_TIMEOUT)).as("spark-submit --master " + masterUrl + ":\n" + run.tail()).isZero();
      }
      assertThat(master.logText()).as("the application ran on the standalone master")
          .contains("Registered app cpm");
      assertThat(worker.logText()).as("the worker launched an executor for it").contains("Asked to launch executor");
    }
    // Only now, not first: while SampleNightlyGoldenIT runs the shared first night in the other failsafe lane,
    // this class's own night runs beside it instead of waiting for it with a core idle.
    embedded = SampleNights.firstNight();
  }

  @Test
  void sparkSubmitToAStandaloneClusterGivesTheGoldenCounts() throws IOException {
    String golden = GoldenSummary.blocks(Files.readString(SampleNightlyGoldenIT.GOLDEN)).get(RUN_DATE);
    assertThat(golden).as("golden block for " + RUN_DATE).isNotNull();
    assertThat(GoldenSummary.night(TestSpark.session(), submitted.warehouse(), RUN_DATE))
        .as("spark-submit to a standalone cluster on the sample's first night vs the golden file").isEqualTo(golden);
  }

  @Test
  void standaloneClusterFromMavenJarsMatchesTheEmbeddedFirstNightCellForCell() {
    SparkSession spark = TestSpark.session();
    Outputs.assertSameTables(spark, embedded.warehouse(), submitted.warehouse());
    Outputs.assertSameExports(spark, embedded.exports(), submitted.exports());
  }

  private static ChildProcess startWorker(ChildProcess master, String masterUrl, String classpath, Path home,
      Map<String, String> env) throws IOException, InterruptedException {
    master.awaitLog("I have been elected leader", Duration.ofSeconds(90));
    ChildProcess worker = ChildProcess.start("spark-worker", ChildProcess.java(List.of("-Xmx256m"), classpath,
        "org.apache.spark.deploy.worker.Worker", List.of(masterUrl, "--host", "127.0.0.1", "--cores", "2",
            "--memory", "1536m", "--webui-port", String.valueOf(ItEnv.freePort()),
            "--work-dir", home.resolve("work").toString())), env, work);
    try {
      worker.awaitLog("Successfully registered with master", Duration.ofSeconds(90));
    } catch (AssertionError | InterruptedException e) {
      worker.close();
      throw e;
    }
    return worker;
  }

  /**
   * SPARK_HOME as RUNTIME-NOTES describes (conf/, jars/, work/); jars/ holds links to Maven's Spark jars
   * rather than copies (300 MB). conf/ stays empty so Master and Worker log at Spark's default INFO level,
   * which the test waits on.
   */
  static Path sparkHome(Path home) throws IOException {
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("work"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String entry : ItEnv.sparkClasspath().split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry);
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, jar);
      }
    }
    return home;
  }

  static List<String> cpmArgs(GoldenSummary.SampleRun run) {
    return List.of("nightly", "--run-date", RUN_DATE.toString(), "--config", run.config().toString());
  }

  static List<String> driverJvm() {
    // Full JIT (C2): a nightly runs for minutes, long enough that C1-only code costs more than it saves.
    return List.of("-Xmx2g", "-XX:+UseSerialGC",
        "-Dlog4j2.configurationFile=" + RepoFiles.path("conf/log4j2.properties"),
        "-Djava.io.tmpdir=" + work);
  }

  /** {@code spark-submit} without a distribution: SparkSubmit's main class on the cluster's jars. */
  static List<String> sparkSubmit(String master, GoldenSummary.SampleRun run) {
    List<String> args = new ArrayList<>(List.of("--master", master, "--deploy-mode", "client",
        "--class", "io.cpm.jobs.Main", "--name", "cpm",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.memory=1g", "--conf", "spark.cores.max=2",
        "--conf", "spark.default.parallelism=2",
        "--conf", "spark.local.dir=" + work,
        "--conf", "spark.executor.extraJavaOptions=-XX:+UseSerialGC",
        ItEnv.appJar().toString()));
    args.addAll(cpmArgs(run));
    return ChildProcess.java(driverJvm(), ItEnv.sparkClasspath(), "org.apache.spark.deploy.SparkSubmit", args);
  }
}
