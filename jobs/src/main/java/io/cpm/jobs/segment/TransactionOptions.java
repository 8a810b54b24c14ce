package io.cpm.jobs.segment;

import java.nio.file.Path;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** Options of the analyst commands that read a transaction CSV (one row per order line or invoice). */
public final class TransactionOptions {
  @Option(names = "--transactions", required = true, paramLabel = "FILE",
      description = "CSV with a header row (UTF-8, comma, RFC 4180 quoting).")
  Path file;

  @Option(names = "--customer-col", required = true, paramLabel = "NAME", description = "Customer id column.")
  String customerColumn;

  @Option(names = "--date-col", required = true, paramLabel = "NAME", description = "Transaction date column.")
  String dateColumn;

  @Option(names = "--amount-col", required = true, paramLabel = "NAME", description = "Amount column (number).")
  String amountColumn;

  @Option(names = "--date-format", defaultValue = "yyyy-MM-dd", paramLabel = "PATTERN",
      description = "Date pattern (Spark datetime pattern, default ${DEFAULT-VALUE}).")
  String dateFormat;

  @Option(names = "--as-of", paramLabel = "YYYY-MM-DD",
      description = "Date recency is measured from (default: the latest transaction date in the file).")
  LocalDate asOf;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;
}
