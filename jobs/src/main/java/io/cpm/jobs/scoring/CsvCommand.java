package io.cpm.jobs.scoring;

import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.spark.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of the scoring commands on an analyst's CSV ({@code churn evaluate}, {@code clv fit}): the
 * {@code --delimiter} and {@code --json} options, reading the file with {@link CsvInput} on an embedded Spark
 * from the built-in defaults, and printing the report.
 */
abstract class CsvCommand implements Callable<Integer> {
  @Option(names = "--delimiter", defaultValue = ",", description = "Field delimiter (default '${DEFAULT-VALUE}').")
  String delimiter;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Spec
  CommandSpec spec;

  /** {@code file} read as strings with {@code --delimiter}; see {@link CsvInput#read} for the column checks. */
  Dataset<Row> readCsv(Path file, List<String> requiredColumns, List<String> optionNames) {
    return CsvInput.read(SparkSessions.getOrCreate(CpmConfig.defaults()), file, delimiter, requiredColumns,
        optionNames);
  }

  /** Prints the report as one JSON line with {@code --json}, otherwise the given text. */
  void printReport(Map<String, Object> report, Supplier<String> text) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? Json.write(report) : text.get());
    out.flush();
  }
}
