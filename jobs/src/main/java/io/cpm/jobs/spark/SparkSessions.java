package io.cpm.jobs.spark;

import io.cpm.jobs.config.CpmConfig;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil$;
import org.apache.spark.sql.SparkSession;

/**
 * Creates (or joins) the SparkSession for a command.
 *
 * <p>Under spark-submit the master and any {@code --conf} come from the submitter and win over the config
 * file; embedded runs ({@code ./cpm}) use {@code spark.master} from the config. Delta Lake's SQL extension
 * and catalog are always enabled. An already running session (tests, notebooks) is reused as it is.
 */
public final class SparkSessions {
  /**
   * Spark keeps 100 compiled whole-stage classes by default. One nightly run generates about 1,300 distinct
   * ones, and stages repeat query shapes (features at the run date, then at each churn snapshot), so with 100
   * entries the cache evicts a class before its second use and compiles it again (about 650 extra Janino
   * compilations per sample night). A compiled class is tens of kilobytes; 2,000 of them fit easily.
   */
  static final String CODEGEN_CACHE_ENTRIES = "spark.sql.codegen.cache.maxEntries";
  static final String DEFAULT_CODEGEN_CACHE_ENTRIES = "2000";

  /**
   * Delta 3.3 stores a table's file list in each commit's checksum file (.crc) and, when the previous
   * checksum lacks it (always on a table's first commit), reconstructs the previous snapshot's file list with
   * a Spark job to compute it. Nothing on the read path uses that list (it only saves the job on the next
   * commit), and a nightly run creates or first-writes dozens of tables, so one job per commit is pure
   * overhead. The checksum itself (counts, sizes, protocol, metadata) is still written.
   */
  static final String ALL_FILES_IN_CRC = "spark.databricks.delta.allFilesInCrc.enabled";

  /** Defaults that apply unless the submitter or the config file sets the key. */
  static final Map<String, String> DEFAULTS = Map.of(
      CODEGEN_CACHE_ENTRIES, DEFAULT_CODEGEN_CACHE_ENTRIES,
      ALL_FILES_IN_CRC, "false");

  private SparkSessions() {}

  /**
   * The Hadoop configuration a session started now would get, built without starting Spark (for {@code cpm
   * check-mapping}): Spark's own {@code SparkHadoopUtil} turns the submitted settings and the config file's
   * {@code spark.conf} (e.g. {@code "spark.hadoop.fs.s3a.endpoint"}) into Hadoop keys, as the session does, so
   * s3a paths are read with the same endpoint, credentials provider and path style as ingest.
   */
  public static Configuration hadoopConfiguration(CpmConfig config) {
    SparkConf conf = new SparkConf();
    for (Map.Entry<String, String> e : config.sparkConf().entrySet()) {
      if (!conf.contains(e.getKey())) {
        conf.set(e.getKey(), e.getValue());
      }
    }
    return SparkHadoopUtil$.MODULE$.newConfiguration(conf);
  }

  public static SparkSession getOrCreate(CpmConfig config) {
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active == null) {
      active = SparkSession.getDefaultSession().getOrElse(() -> null);
    }
    if (active != null) {
      return active;
    }
    SparkConf submitted = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(config.appName());
    if (!submitted.contains("spark.master")) {
      builder.master(config.sparkMaster());
      builder.config("spark.ui.showConsoleProgress", "false");
      builder.config("spark.driver.host", "127.0.0.1");
    }
    builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    DEFAULTS.forEach((key, value) -> {
      if (!submitted.contains(key)) {
        builder.config(key, value);
      }
    });
    for (Map.Entry<String, String> e : config.sparkConf().entrySet()) {
      if (!submitted.contains(e.getKey())) {
        builder.config(e.getKey(), e.getValue());
      }
    }
    if ("hive".equals(config.catalogImplementation())) {
      builder.enableHiveSupport();
    }
    SparkSession session = builder.getOrCreate();
    session.sparkContext().setLogLevel("WARN");
    return session;
  }
}
