package io.cpm.jobs.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The transaction options of every analyst command on a transaction CSV ({@code rfm}, {@code kmeans},
 * {@code clv fit}): one row per order line, order or invoice, with its columns named by option.
 */
public final class TransactionOptions {
  @Option(names = "--transactions", required = true, paramLabel = "FILE",
      description = "CSV with a header row (UTF-8, RFC 4180 quoting; delimiter --delimiter).")
  Path file;

  @Option(names = "--customer-col", required = true, paramLabel = "NAME", description = "Customer id column.")
  String customerColumn;

  @Option(names = "--date-col", required = true, paramLabel = "NAME", description = "Transaction date column.")
  String dateColumn;

  @Option(names = "--amount-col", required = true, paramLabel = "NAME", description = "Amount column (number).")
  String amountColumn;

  @Option(names = "--invoice-col", paramLabel = "NAME",
      description = "Invoice/order id column: rows of one invoice are one purchase (default: every row is one).")
  String invoiceColumn;

  @Option(names = "--date-format", defaultValue = "yyyy-MM-dd", paramLabel = "PATTERN",
      description = "Date pattern (Spark datetime pattern, default ${DEFAULT-VALUE}).")
  String dateFormat;

  /** The options as given. */
  public Values values() {
    return new Values(file, customerColumn, dateColumn, amountColumn, invoiceColumn, dateFormat);
  }

  /** The transaction options as a value; {@code invoiceColumn} is null when every row is a purchase of its own. */
  public record Values(Path file, String customerColumn, String dateColumn, String amountColumn,
      String invoiceColumn, String dateFormat) {
    /** The named columns by option, in option order ({@code --invoice-col} only when given). */
    public Map<String, String> columnsByOption() {
      Map<String, String> named = new LinkedHashMap<>();
      named.put("--customer-col", customerColumn);
      named.put("--date-col", dateColumn);
      named.put("--amount-col", amountColumn);
      if (invoiceColumn != null) {
        named.put("--invoice-col", invoiceColumn);
      }
      return named;
    }
  }
}
