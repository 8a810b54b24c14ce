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

  public Path file() {
    return file;
  }

  public String customerColumn() {
    return customerColumn;
  }

  public String dateColumn() {
    return dateColumn;
  }

  public String amountColumn() {
    return amountColumn;
  }

  /** The invoice column, or {@code null} when every row is a purchase of its own. */
  public String invoiceColumn() {
    return invoiceColumn;
  }

  public String dateFormat() {
    return dateFormat;
  }

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
