package io.cpm.jobs.cli;

import io.cpm.jobs.common.Json;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.spark.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every analyst command on a CSV file ({@code rfm}, {@code kmeans}, {@code clv fit}, {@code churn
 * evaluate}): the {@code --delimiter} and {@code --json} options, an embedded Spark from the built-in defaults,
 * reading the file with {@link CsvInput} and printing the report. Commands on transactions add the
 * {@link TransactionOptions} mixin.
 */
public abstract class CsvCommand implements Callable<Integer> {
  @Option(names = "--delimiter", defaultValue = ",", description = "Field delimiter (default '${DEFAULT-VALUE}').")
  String delimiter;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Spec
  protected CommandSpec spec;

  protected SparkSession spark() {
    return SparkSessions.getOrCreate(CpmConfig.defaults());
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected boolean json() {
    return json;
  }

  /** {@code file} read as strings with {@code --delimiter}; see {@link CsvInput#read} for the column checks. */
  protected Dataset<Row> readCsv(Path file, Map<String, String> columnsByOption) {
    return CsvInput.read(spark(), file, delimiter, columnsByOption);
  }

  /** Prints the report as one JSON line with {@code --json}, otherwise the given text. */
  protected void printReport(Map<String, Object> report, Supplier<String> text) {
    PrintWriter out = out();
    out.println(json ? Json.write(report) : text.get());
    out.flush();
  }

  /** Prints the report as one JSON line. */
  protected void printJson(Map<String, Object> report) {
    printReport(report, () -> Json.write(report));
  }
}
