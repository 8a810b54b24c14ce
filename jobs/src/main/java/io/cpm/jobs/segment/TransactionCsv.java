package io.cpm.jobs.segment;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.cli.TransactionOptions;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Aggregates a transaction CSV (read by {@link io.cpm.jobs.cli.CsvInput}) for the analyst commands per customer
 * into recency_days (days from the as-of date to the last transaction), frequency (distinct invoices, or rows
 * without an invoice column) and monetary (sum of amounts). Rows with a missing customer, an unparseable date or amount, or a date after the
 * as-of date are counted per reason with their row numbers (the header is row 1), never silently dropped.
 */
final class TransactionCsv {
  static final int SHOWN_BAD_ROWS = 5;

  /** Per-customer aggregates plus the accounting of every row read. */
  record Loaded(Dataset<Row> customers, LocalDate asOf, long rowsRead, long rowsUsed, Map<String, Long> skipped,
      List<Long> firstSkippedRows) {
    long rowsSkipped() {
      return rowsRead - rowsUsed;
    }

    String describe(String file) {
      StringBuilder text = new StringBuilder(file + ": " + rowsRead + " rows read, " + rowsUsed + " used, "
          + rowsSkipped() + " skipped");
      if (rowsSkipped() > 0) {
        text.append(" (");
        skipped.forEach((reason, n) -> text.append(reason).append(' ').append(n).append(", "));
        text.setLength(text.length() - 2);
        text.append("; first skipped rows: ").append(firstSkippedRows).append(')');
      }
      return text.append("; as of ").append(asOf).toString();
    }
  }

  private TransactionCsv() {}

  /**
   * The per-customer aggregates of {@code csv} (as read, strings), as of {@code asOfOption} or, when that is
   * null, the latest transaction date in the file.
   */
  static Loaded load(Dataset<Row> csv, TransactionOptions.Values options, LocalDate asOfOption) {
    String invoiceColumn = options.invoiceColumn();
    List<String> columns = new ArrayList<>(options.columnsByOption().values());
    JavaRDD<Row> numbered = csv.select(columns.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new))
        .toJavaRDD().zipWithIndex().map(TransactionCsv::withRowNumber);
    StructType schema = new StructType().add("_row", DataTypes.LongType);
    for (int i = 0; i < columns.size(); i++) {
      schema = schema.add("_c" + i, DataTypes.StringType);
    }
    String format = options.dateFormat().replace("'", "''");
    Dataset<Row> parsed = csv.sparkSession().createDataFrame(numbered, schema)
        .select(col("_row"), trim(col("_c0")).as("customer_id"),
            expr("cast(try_to_timestamp(trim(_c1), '" + format + "') as date)").as("date"),
            expr("try_cast(trim(_c2) as double)").as("amount"),
            invoiceColumn == null ? lit(null).cast(DataTypes.StringType).as("invoice") : trim(col("_c3")).as("invoice"))
        .cache();
    LocalDate asOf = asOfOption;
    if (asOf == null) {
      Row latest = parsed.agg(max("date")).first();
      if (latest.isNullAt(0)) {
        throw CpmException.dataQuality(options.file() + ": no row has a date parseable with '" + options.dateFormat()
            + "' in column " + options.dateColumn());
      }
      asOf = latest.getDate(0).toLocalDate();
    }
    Column reason = when(col("customer_id").isNull().or(col("customer_id").equalTo("")), "missing_customer")
        .when(col("date").isNull(), "unparseable_date")
        .when(col("amount").isNull(), "unparseable_amount")
        .when(col("date").gt(lit(Date.valueOf(asOf))), "after_as_of");
    Dataset<Row> classified = parsed.withColumn("_reason", reason).cache();
    long rowsRead = classified.count();
    Map<String, Long> skipped = new LinkedHashMap<>();
    for (Row row : classified.where(col("_reason").isNotNull()).groupBy("_reason").count().orderBy("_reason")
        .collectAsList()) {
      skipped.put(row.getString(0), row.getLong(1));
    }
    List<Long> firstSkipped = classified.where(col("_reason").isNotNull()).orderBy("_row").limit(SHOWN_BAD_ROWS)
        .collectAsList().stream().map(r -> r.getLong(0)).toList();
    Dataset<Row> good = classified.where(col("_reason").isNull());
    long rowsUsed = rowsRead - skipped.values().stream().mapToLong(Long::longValue).sum();
    if (rowsUsed == 0) {
      throw CpmException.dataQuality(options.file() + ": no usable rows (" + skipped + "; first skipped rows "
          + firstSkipped + ")");
    }
    Column frequency = invoiceColumn == null ? count(lit(1)) : countDistinct(col("invoice"));
    Dataset<Row> customers = good.groupBy("customer_id")
        .agg(datediff(lit(Date.valueOf(asOf)), max("date")).as("recency_days"), frequency.cast("long").as("frequency"),
            sum("amount").as("monetary"));
    return new Loaded(customers, asOf, rowsRead, rowsUsed, skipped, firstSkipped);
  }

  private static Row withRowNumber(Tuple2<Row, Long> indexed) {
    Row row = indexed._1();
    Object[] values = new Object[row.length() + 1];
    values[0] = indexed._2() + 2; // the header is row 1
    for (int i = 0; i < row.length(); i++) {
      values[i + 1] = row.get(i);
    }
    return RowFactory.create(values);
  }
}
