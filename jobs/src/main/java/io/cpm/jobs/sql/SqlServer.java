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
  private static final String CUSTOM_AUTHENTICATION_CLASS = "hive.server2.custom.authentication.class";
  private static final String DELTA_METADATA_ONLY_QUERIES = "spark.databricks.delta.optimizeMetadataQuery.enabled";

  private final HiveThriftServer2 server;
  private final String host;
  private final int port;

  private SqlServer(HiveThriftServer2 server, String host, int port) {
    this.server = server;
    this.host = host;
    this.port = port;
  }

  /**
   * Who may connect and what they may run. {@code password} null means no authentication (only for a loopback
   * address); {@code user} null accepts any user name with the password.
   */
  public record Access(String user, String password, Writes writes) {
    public Access {
      Objects.requireNonNull(writes, "writes");
    }

    /** Read-only, no password: the local default. */
    public static Access localReadOnly() {
      return new Access(null, null, Writes.REFUSED);
    }
  }

  /** Whether connections may run writes, DDL and SET key=value. */
  public enum Writes { REFUSED, ALLOWED }

  /** Starts a read-only server without authentication on {@code host:port} (bind it to localhost). */
  public static SqlServer start(SparkSession spark, String host, int port) {
    return start(spark, host, port, Access.localReadOnly());
  }

  /**
   * Starts the server on {@code host:port} (binary transport). With a password, HiveServer2 CUSTOM authentication
   * checks it ({@link PasswordAuthenticator}); with {@link Writes#REFUSED} every connection's session refuses
   * what {@link ReadOnlySql} refuses.
   */
  public static SqlServer start(SparkSession spark, String host, int port, Access access) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(access, "access");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid port: " + port + " (must be 1-65535)");
    }
    spark.conf().set("hive.server2.thrift.bind.host", host);
    spark.conf().set("hive.server2.thrift.port", Integer.toString(port));
    spark.conf().set("hive.server2.transport.mode", "binary");
    if (access.password() == null) {
      spark.conf().set("hive.server2.authentication", "NONE");
    } else {
      PasswordAuthenticator.expect(access.user(), access.password());
      spark.conf().set("hive.server2.authentication", "CUSTOM");
      spark.conf().set(CUSTOM_AUTHENTICATION_CLASS, PasswordAuthenticator.class.getName());
      // HiveServer2 creates the CUSTOM provider with a fresh HiveConf (hive-site.xml plus system properties), not
      // the server's conf, so the class is named there too.
      System.setProperty(CUSTOM_AUTHENTICATION_CLASS, PasswordAuthenticator.class.getName());
    }
    if (access.writes() == Writes.REFUSED) {
      ReadOnlySql.enforceInNewSessions(spark);
    }
    // Every JDBC connection gets a new session with the Java 8 date API on; Delta 3.3's metadata-only
    // min/max over a date column then fails with a ClassCastException (LocalDate vs java.sql.Date). New
    // sessions take their settings from the SparkContext's conf, so the optimization is turned off there.
    spark.sparkContext().conf().set(DELTA_METADATA_ONLY_QUERIES, "false");
    spark.conf().set(DELTA_METADATA_ONLY_QUERIES, "false");
    SqlServer server = new SqlServer(HiveThriftServer2.startWithContext(spark.sqlContext()), host, port);
    server.awaitListening(java.time.Duration.ofSeconds(60));
    return server;
  }

  /**
   * HiveServer2's binary transport binds its port on a thread of its own after {@code startWithContext} returns;
   * a client that connects before that is refused. Waits until the port accepts a connection.
   */
  private void awaitListening(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (java.net.Socket probe = new java.net.Socket()) {
        probe.connect(new java.net.InetSocketAddress(host, port), 1000);
        return;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException("the SQL server did not start listening on " + host + ":" + port
              + " within " + timeout.toSeconds() + " s: " + e.getMessage());
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the SQL server", e);
      }
    }
  }

  public String jdbcUrl(String database) {
    return "jdbc:hive2://" + host + ":" + port + "/" + database;
  }

  @Override
  public void close() {
    server.stop();
  }
}
