package io.cpm.metrics.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;

/**
 * One local[2] SparkSession per test JVM, shared by every test class (starting Spark costs seconds).
 *
 * <p>Delta Lake's extension and catalog are enabled when Delta is on the test classpath (the jobs module),
 * so library tests stay free of it. Scratch space lives under the module's {@code target/}.
 */
public final class TestSpark {
  private static SparkSession session;
  private static Path scratch;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      scratch = scratchRoot();
      SparkSession.Builder builder = SparkSession.builder()
          .master("local[2]")
          .appName("cpm-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.sql.adaptive.enabled", "false")
          // As in the jobs' SparkSessions: 100 cached classes (Spark's default) evict before reuse.
          .config("spark.sql.codegen.cache.maxEntries", "2000")
          .config("spark.databricks.delta.allFilesInCrc.enabled", "false")
          .config("spark.local.dir", scratch.resolve("spark-local").toString())
          .config("spark.sql.warehouse.dir", scratch.resolve("spark-warehouse").toString())
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "4")
          .config("spark.databricks.delta.stalenessLimit", "3600000");
      if (deltaAvailable()) {
        builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
      }
      session = builder.getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /** A fresh, empty directory under target/ for one test's files. */
  public static Path newDirectory(String name) {
    session();
    try {
      return Files.createTempDirectory(scratch, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean deltaAvailable() {
    try {
      Class.forName("io.delta.sql.DeltaSparkSessionExtension");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static Path scratchRoot() {
    Path root = Paths.get(System.getProperty("java.io.tmpdir"), "cpm-test-" + ProcessHandle.current().pid());
    try {
      return Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
