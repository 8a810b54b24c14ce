package io.cpm.jobs.segment;

import io.cpm.jobs.cli.CsvCommand;
import io.cpm.jobs.cli.TransactionOptions;
import io.cpm.jobs.config.CpmConfig;
import java.time.LocalDate;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Base of the segmentation commands on a transaction CSV ({@code rfm}, {@code kmeans}): the shared
 * {@link TransactionOptions}, the as-of date recency is measured from, and the segment settings of the shipped
 * defaults (so the analyst tools score exactly like the nightly stage).
 */
abstract class AnalystCommand extends CsvCommand {
  @Mixin
  TransactionOptions transactions;

  @Option(names = "--as-of", paramLabel = "YYYY-MM-DD",
      description = "Date recency is measured from (default: the latest transaction date in the file).")
  LocalDate asOf;

  SegmentSettings settings(long seed) {
    return SegmentSettings.from(CpmConfig.defaults().section("segments"), seed);
  }

  /** The file read and aggregated per customer (recency_days, frequency, monetary). */
  TransactionCsv.Loaded load() {
    TransactionOptions.Values given = transactions.values();
    return TransactionCsv.load(readCsv(given.file(), given.columnsByOption()), given, asOf);
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
