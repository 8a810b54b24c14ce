package io.cpm.jobs.sql;

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
  @Mixin
  ConfigOptions options;

  @Option(names = "--port", defaultValue = "10000", paramLabel = "N",
      description = "TCP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST",
      description = "Address to bind (default: ${DEFAULT-VALUE}; there is no authentication).")
  String host;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    CpmConfig config = options.loadConfig();
    SparkSession spark = SparkSessions.getOrCreate(config);
    SqlCatalog.Refreshed catalog =
        SqlCatalog.registerAsCurrent(new Tables(spark, config.warehouseRoot(), config.database()));
    SqlServer server = SqlServer.start(spark, host, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "cpm-sql-server-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("cpm sql-server: " + catalog.tables().size() + " tables registered in " + config.database()
        + (catalog.customer360() ? " plus view customer_360" : ""));
    catalog.notes().forEach(n -> out.println("  " + n));
    out.println("listening: " + server.jdbcUrl(config.database()) + "  (Ctrl-C stops)");
    out.flush();
    stopped.await();
    return ExitCode.OK;
  }
}
