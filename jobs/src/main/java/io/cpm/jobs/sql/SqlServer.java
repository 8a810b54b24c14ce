package io.cpm.jobs.sql;

import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * Spark's Thrift JDBC/ODBC server (HiveServer2 protocol) on top of a running session, so BI tools and
 * {@code beeline} query the catalog with a Hive JDBC URL {@code jdbc:hive2://<host>:<port>/<database>}.
 * Connections share the session's catalog (tables and the customer_360 view); the server's own Hive
 * execution metastore is a throw-away in-memory Derby database.
 */
public final class SqlServer implements AutoCloseable {
  private static final String DELTA_METADATA_ONLY_QUERIES = "spark.databricks.delta.optimizeMetadataQuery.enabled";

  private final HiveThriftServer2 server;
  private final String host;
  private final int port;

  private SqlServer(HiveThriftServer2 server, String host, int port) {
    this.server = server;
    this.host = host;
    this.port = port;
  }

  /** Starts the server on {@code host:port} (binary transport, no authentication: bind it to localhost). */
  public static SqlServer start(SparkSession spark, String host, int port) {
    Objects.requireNonNull(host, "host");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid port: " + port + " (must be 1-65535)");
    }
    spark.conf().set("hive.server2.thrift.bind.host", host);
    spark.conf().set("hive.server2.thrift.port", Integer.toString(port));
    spark.conf().set("hive.server2.transport.mode", "binary");
    spark.conf().set("hive.server2.authentication", "NONE");
    // Every JDBC connection gets a new session with the Java 8 date API on; Delta 3.3's metadata-only
    // min/max over a date column then fails with a ClassCastException (LocalDate vs java.sql.Date). New
    // sessions take their settings from the SparkContext's conf, so the optimization is turned off there.
    spark.sparkContext().conf().set(DELTA_METADATA_ONLY_QUERIES, "false");
    spark.conf().set(DELTA_METADATA_ONLY_QUERIES, "false");
    return new SqlServer(HiveThriftServer2.startWithContext(spark.sqlContext()), host, port);
  }

  public String jdbcUrl(String database) {
    return "jdbc:hive2://" + host + ":" + port + "/" + database;
  }

  @Override
  public void close() {
    server.stop();
  }
}
