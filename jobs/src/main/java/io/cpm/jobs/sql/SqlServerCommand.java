package io.cpm.jobs.sql;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.cli.ConfigOptions;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.spark.SparkSessions;
import io.cpm.jobs.storage.Tables;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cpm sql-server}: the Spark Thrift JDBC server on localhost over the catalog, until stopped. */
@Command(name = "sql-server", mixinStandardHelpOptions = true,
    description = {"Start the Spark Thrift JDBC server (HiveServer2 protocol) with the catalog registered, so BI"
        + " tools and beeline connect with jdbc:hive2://localhost:<port>/<database>. Stop with Ctrl-C."})
public final class SqlServerCommand implements Callable<Integer> {
  /** Password or token connections must give (user name: {@link #USER_ENV}, optional). Never a command-line flag. */
  public static final String PASSWORD_ENV = "CPM_SQL_SERVER_PASSWORD";
  public static final String USER_ENV = "CPM_SQL_SERVER_USER";
  @Mixin
  ConfigOptions options;

  @Option(names = "--port", defaultValue = "10000", paramLabel = "N",
      description = "TCP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST",
      description = "Address to bind (default: ${DEFAULT-VALUE}). Any other address needs a password in the"
          + " environment variable " + PASSWORD_ENV + ".")
  String host;

  @Option(names = "--allow-writes",
      description = "Maintenance only: connections may also run writes, DDL and SET key=value (refused by"
          + " default; logged at start).")
  boolean allowWrites;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      throw CpmException.usage("--host " + host + ": unknown host");
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    CpmConfig config = options.loadConfig();
    String password = System.getenv(PASSWORD_ENV);
    password = password == null || password.isEmpty() ? null : password;
    if (password == null && !isLoopback(host)) {
      throw CpmException.usage("--host " + host + " is reachable from other machines: set a password (or token) in"
          + " the environment variable " + PASSWORD_ENV + " (and optionally " + USER_ENV + ")");
    }
    SparkSession spark = SparkSessions.getOrCreate(config);
    SqlCatalog.Refreshed catalog =
        SqlCatalog.registerAsCurrent(new Tables(spark, config.warehouseRoot(), config.database()));
    SqlServer server = SqlServer.start(spark, host, port, new SqlServer.Access(System.getenv(USER_ENV), password,
        allowWrites ? SqlServer.Writes.ALLOWED : SqlServer.Writes.REFUSED));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "cpm-sql-server-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("cpm sql-server: " + catalog.tables().size() + " tables registered in " + config.database()
        + (catalog.customer360() ? " plus view customer_360" : ""));
    catalog.notes().forEach(n -> out.println("  " + n));
    out.println("access: " + (password == null ? "no password (localhost only)" : "password from " + PASSWORD_ENV)
        + ", " + (allowWrites ? "WRITES ALLOWED (--allow-writes)" : "read-only"));
    if (allowWrites) {
      org.slf4j.LoggerFactory.getLogger(SqlServerCommand.class).warn(
          "sql-server started with --allow-writes: connections may change the warehouse");
    }
    out.println("listening: " + server.jdbcUrl(config.database()) + "  (Ctrl-C stops)");
    out.flush();
    stopped.await();
    return ExitCode.OK;
  }
}
