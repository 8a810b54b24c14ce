package io.cpm.jobs.sql;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.cli.ConfigOptions;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.spark.SparkSessions;
import io.cpm.jobs.storage.Tables;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cpm sql "<query>"}: runs one Spark SQL query against the warehouse catalog and prints the result. */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run a Spark SQL query against the catalog (every warehouse table as <database>.<table>,"
        + " plus the view customer_360) and print the result. Read-only: writes, DDL and SET key=value are"
        + " refused (exit 2) unless --allow-writes is given.",
        "Example: cpm sql \"SELECT churn_band, count(*) FROM cpm.customer_360 GROUP BY churn_band\""})
public final class SqlCommand implements Callable<Integer> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqlCommand.class);

  @Mixin
  ConfigOptions options;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query (quote it).")
  String query;

  @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv|json",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; json = JSON Lines).")
  QueryOutput.Format format;

  @Option(names = "--max-rows", defaultValue = "1000", paramLabel = "N",
      description = "Rows shown in table format (default: ${DEFAULT-VALUE}); csv and json print every row.")
  int maxRows;

  @Option(names = "--allow-writes",
      description = "Maintenance only: also run statements that change tables, the catalog or Spark settings"
          + " (refused by default; each use is logged).")
  boolean allowWrites;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CpmConfig config = options.loadConfig();
    SparkSession spark = SparkSessions.getOrCreate(config);
    SqlCatalog.registerAsCurrent(new Tables(spark, config.warehouseRoot(), config.database()));
    try {
      if (allowWrites) {
        String line = "--allow-writes: running a statement that may change the warehouse: " + query;
        LOG.warn(line);
        spec.commandLine().getErr().println("cpm sql: " + line);
      } else {
        String refusal = ReadOnlySql.refusal(spark.sessionState().sqlParser(), query);
        if (refusal != null) {
          throw CpmException.usage(ReadOnlySql.message(refusal));
        }
      }
      QueryOutput.print(spark.sql(query), format, maxRows, spec.commandLine().getOut());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Scala does not declare it, but a parse or analysis error of the user's query arrives here.
      if (e instanceof AnalysisException) {
        throw CpmException.usage("query failed: " + e.getMessage());
      }
      throw new IllegalStateException(e);
    }
    return ExitCode.OK;
  }
}
