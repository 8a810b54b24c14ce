package io.cpm.jobs.scoring;

import io.cpm.jobs.CpmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A CSV file with a header read as strings (types are decided by the caller), with its columns checked. */
final class CsvInput {
  private CsvInput() {}

  static Dataset<Row> read(SparkSession spark, Path file, String delimiter, List<String> requiredColumns,
      List<String> optionNames) {
    if (!Files.isRegularFile(file)) {
      throw CpmException.inputMissing("input file not found: " + file.toAbsolutePath());
    }
    Dataset<Row> data = spark.read().option("header", "true").option("delimiter", delimiter)
        .option("multiLine", "false").option("mode", "PERMISSIVE").csv(file.toAbsolutePath().toString());
    List<String> columns = List.of(data.columns());
    for (int i = 0; i < requiredColumns.size(); i++) {
      if (!columns.contains(requiredColumns.get(i))) {
        throw CpmException.usage("column '" + requiredColumns.get(i) + "' (" + optionNames.get(i) + ") not found in "
            + file + "; its columns are " + columns);
      }
    }
    return data;
  }
}
