package io.cpm.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.testing.TestSpark;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The nightly against object storage: S3Proxy (an S3-compatible server from Maven Central, run as a child
 * process with a filesystem backend under target/) on 127.0.0.1, landing exports uploaded over s3a, then
 * spark-submit with conf/cluster.conf as it ships — every s3a setting from environment variables,
 * credentials only from the environment (EnvironmentVariableCredentialsProvider), catalog in-memory.
 */
class S3aIT {
  private static final String BUCKET = "cpm-it";
  /**
   * Tables a single clean first night legitimately leaves empty: no bad rows to quarantine, no earlier run to
   * transition from, no previous period for alert thresholds.
   */
  private static final java.util.Set<String> MAY_BE_EMPTY_ON_FIRST_RUN =
      java.util.Set.of("quarantine", "segment_transitions", "kpi_alerts");
  // Per-run random credentials: S3Proxy's own config lives under target/, cpm only sees the environment.
  private static final String ACCESS_KEY = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String SECRET_KEY = UUID.randomUUID().toString();

  @Test
  void nightlyWritesDeltaTablesAndExportsIntoTheBucket() throws Exception {
    Path work = ItEnv.newWorkDirectory("s3a");
    ItLanding.Landing landing = ItLanding.prepare(work);
    int port = ItEnv.freePort();
    String endpoint = "http://127.0.0.1:" + port;
    try (ChildProcess s3proxy = startS3Proxy(work, port)) {
      awaitPort(port, s3proxy);
      FileSystem s3 = FileSystem.get(java.net.URI.create("s3a://" + BUCKET + "/"), clientConf(endpoint));
      s3.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(landing.root().toUri()),
          new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/landing"));
      assertThat(s3.exists(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/landing/" + landing.runDate())))
          .as("landing uploaded").isTrue();

      String config = RepoFiles.path("conf/cluster.conf").toString();
      List<String> stages = nightlyStages(config);
      Map<String, String> env = new HashMap<>();
      env.put("CPM_BUCKET", BUCKET);
      env.put("CPM_S3_ENDPOINT", endpoint);
      env.put("CPM_S3_PATH_STYLE", "true");
      env.put("CPM_S3_SSL", "false");
      env.put("CPM_S3_CREDENTIALS_PROVIDER", "com.amazonaws.auth.EnvironmentVariableCredentialsProvider");
      env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
      env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
      env.put("CPM_CATALOG_IMPLEMENTATION", "in-memory");
      env.put("CPM_SHUFFLE_PARTITIONS", "2");
      List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--class", "io.cpm.jobs.Main",
          "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
          "--conf", "spark.databricks.delta.snapshotPartitions=2", "--conf", "spark.local.dir=" + work,
          ItEnv.appJar().toString(),
          "nightly", "--run-date", landing.runDate().toString(), "--config", config));
      List<String> command = ChildProcess.java(List.of("-Xmx1g", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + work,
          "-Dlog4j2.configurationFile=" + RepoFiles.path("conf/log4j2.properties")),
          ItEnv.sparkClasspath(), "org.apache.spark.deploy.SparkSubmit", args);
      try (ChildProcess run = ChildProcess.start("spark-submit-s3a", command, env, work)) {
        assertThat(run.waitFor(Duration.ofMinutes(10))).as("nightly on s3a (" + landing.origin() + "):\n"
            + run.tail()).isZero();
      }

      assertThat(stages).as("stages of cpm nightly (none: Pipeline.nightly lists no stages yet)").isNotEmpty();
      SparkSession spark = TestSpark.session();
      clientConf(endpoint).forEach(e -> spark.sparkContext().hadoopConfiguration().set(e.getKey(), e.getValue()));
      String warehouse = "s3a://" + BUCKET + "/warehouse";
      List<String> tables = Outputs.deltaTables(spark, warehouse);
      assertThat(tables).as("Delta tables in " + warehouse).contains("pipeline_runs");
      for (String table : tables) {
        if (MAY_BE_EMPTY_ON_FIRST_RUN.contains(table)) {
          spark.read().format("delta").load(warehouse + "/" + table).schema(); // readable, possibly empty
          continue;
        }
        assertThat(spark.read().format("delta").load(warehouse + "/" + table).count())
            .as(table + " rows read back over s3a").isPositive();
      }
      if (stages.contains("publish")) {
        assertThat(Outputs.exportFiles(spark, "s3a://" + BUCKET + "/exports")).as("export files in the bucket")
            .isNotEmpty();
      }
      // The objects are really in S3Proxy's store, not on some local path the run fell back to.
      assertThat(work.resolve("s3proxy-data").resolve(BUCKET).resolve("warehouse/pipeline_runs/_delta_log"))
          .isDirectory();
    }
  }

  /** The stage names {@code cpm nightly --dry-run} prints for the cluster config. */
  private static List<String> nightlyStages(String config) {
    CliRunner.Result dry = CliRunner.run("nightly", "--run-date", "2025-03-31", "--config", config, "--dry-run");
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    String line = dry.out().lines().filter(l -> l.trim().startsWith("stages = ")).findFirst().orElseThrow();
    String list = line.substring(line.indexOf('[') + 1, line.lastIndexOf(']')).trim();
    return list.isEmpty() ? List.of() : List.of(list.split(",\\s*"));
  }

  /** Test-side s3a client settings; the credentials exist only in memory here and in the child's env. */
  private static Configuration clientConf(String endpoint) {
    Configuration conf = new Configuration(false);
    conf.set("fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    conf.set("fs.s3a.endpoint", endpoint);
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set("fs.s3a.access.key", ACCESS_KEY);
    conf.set("fs.s3a.secret.key", SECRET_KEY);
    conf.set("fs.s3a.impl.disable.cache", "true");
    return conf;
  }

  private static ChildProcess startS3Proxy(Path work, int port) throws IOException {
    Path data = Files.createDirectories(work.resolve("s3proxy-data").resolve(BUCKET)).getParent();
    Path properties = work.resolve("s3proxy.conf");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + data,
        ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return ChildProcess.start("s3proxy", List.of(java, "-Xmx256m", "-jar", ItEnv.s3proxyJar().toString(),
        "--properties", properties.toString()), Map.of(), work);
  }

  private static void awaitPort(int port, ChildProcess server) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError("S3Proxy not listening on " + port + " after 60 s; log:\n" + server.tail());
  }
}
