package io.cpm.jobs.cli;

import io.cpm.jobs.CpmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An analyst's CSV file with a header, read as strings (types are decided by the caller) with RFC 4180 quoting
 * (a quoted cell may hold the delimiter, a doubled quote or a line break), its named columns checked.
 */
public final class CsvInput {
  private CsvInput() {}

  /**
   * Reads {@code file}; a missing file or a named column not in the header is a usage error (exit 2) naming the
   * option and the header found.
   */
  public static Dataset<Row> read(SparkSession spark, Path file, String delimiter,
      Map<String, String> columnsByOption) {
    if (!Files.isRegularFile(file)) {
      throw CpmException.usage("input file not found: " + file.toAbsolutePath());
    }
    Dataset<Row> data = spark.read().option("header", "true").option("delimiter", delimiter)
        .option("multiLine", "true").option("escape", "\"").option("mode", "PERMISSIVE")
        .csv(file.toAbsolutePath().toString());
    List<String> columns = List.of(data.columns());
    for (Map.Entry<String, String> option : columnsByOption.entrySet()) {
      if (!columns.contains(option.getValue())) {
        throw CpmException.usage("column '" + option.getValue() + "' (" + option.getKey() + ") is not in the header"
            + " of " + file + "; header: " + columns);
      }
    }
    return data;
  }
}
