package io.cpm.jobs.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the analyst commands on a transaction CSV: embedded Spark from the built-in defaults, the segment
 * settings of the shipped defaults (so the analyst tools score exactly like the nightly stage), JSON output.
 */
abstract class AnalystCommand implements Callable<Integer> {
  @Mixin
  TransactionOptions transactions;

  @Spec
  CommandSpec spec;

  SparkSession spark() {
    return SparkSessions.getOrCreate(CpmConfig.defaults());
  }

  SegmentSettings settings(long seed) {
    return SegmentSettings.from(CpmConfig.defaults().section("segments"), seed);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  void printJson(Map<String, Object> result) {
    try {
      out().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static Map<String, Object> accounting(TransactionCsv.Loaded loaded) {
    Map<String, Object> result = new java.util.LinkedHashMap<>();
    result.put("as_of", loaded.asOf().toString());
    result.put("rows_read", loaded.rowsRead());
    result.put("rows_used", loaded.rowsUsed());
    result.put("rows_skipped", loaded.rowsSkipped());
    result.put("skipped_by_reason", loaded.skipped());
    result.put("first_skipped_rows", loaded.firstSkippedRows());
    return result;
  }
}
