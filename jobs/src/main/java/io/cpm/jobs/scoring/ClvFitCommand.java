package io.cpm.jobs.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.cli.CsvCommand;
import io.cpm.jobs.cli.TransactionOptions;
import io.cpm.jobs.common.Json;
import io.cpm.segmentation.clv.ClvPipeline;
import io.cpm.segmentation.clv.ClvTimeUnit;
import io.cpm.segmentation.clv.ModelFitException;
import io.cpm.segmentation.clv.PurchaseModelKind;
import io.cpm.segmentation.clv.RepeatPurchaseData;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cpm clv fit}: BTYD CLV on any transaction CSV (one row per transaction), with the transaction options
 * of every analyst command ({@link TransactionOptions}). Rows with a blank customer, an unparseable date or amount
 * are skipped and counted. Purchases are counted per day, so {@code --invoice-col} is only checked against the
 * header: the rows of one day, whatever their invoice, are one purchase.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = "Fit BG/NBD or Pareto/NBD plus Gamma-Gamma on a transaction CSV; prints one JSON object with --json.")
public final class ClvFitCommand extends CsvCommand {
  @Mixin
  TransactionOptions transactions;

  @Option(names = "--calibration-end", required = true, paramLabel = "YYYY-MM-DD",
      description = "Last day of the calibration period.")
  LocalDate calibrationEnd;

  @Option(names = "--holdout-end", paramLabel = "YYYY-MM-DD",
      description = "Last day of a holdout period to compare predictions with.")
  LocalDate holdoutEnd;

  @Option(names = "--time-unit", defaultValue = "week", description = "day | week | month (default ${DEFAULT-VALUE}).")
  String timeUnit;

  @Option(names = "--model", defaultValue = "bgnbd", description = "bgnbd | paretonbd (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--horizon-months", defaultValue = "12", description = "CLV horizon (default ${DEFAULT-VALUE}).")
  int horizonMonths;

  @Option(names = "--discount-rate-monthly", defaultValue = "0.01",
      description = "Monthly discount rate (default ${DEFAULT-VALUE}).")
  double discountRate;

  @Option(names = "--expected-days", defaultValue = "90",
      description = "Horizon of the expected purchases column in days (default ${DEFAULT-VALUE}).")
  int expectedDays;

  @Option(names = "--l2-penalty", defaultValue = "0", description = "L2 penalty on the parameters (default ${DEFAULT-VALUE}).")
  double l2Penalty;

  @Option(names = "--out", paramLabel = "DIR", description = "Write per-customer predictions (CSV) to this directory.")
  Path out;

  @Override
  public Integer call() {
    ClvPipeline.Parameters parameters;
    try {
      if (holdoutEnd != null && !holdoutEnd.isAfter(calibrationEnd)) {
        throw new IllegalArgumentException("--holdout-end " + holdoutEnd + " must be after --calibration-end "
            + calibrationEnd);
      }
      parameters = ClvPipeline.Parameters.builder(calibrationEnd).model(PurchaseModelKind.parse(model))
          .timeUnit(ClvTimeUnit.parse(timeUnit)).l2Penalty(l2Penalty).holdoutEnd(holdoutEnd)
          .expectedPurchasesDays(expectedDays).horizonMonths(horizonMonths).discountRateMonthly(discountRate).build();
      if (!(discountRate >= 0) || !(l2Penalty >= 0)) {
        throw new IllegalArgumentException("--discount-rate-monthly and --l2-penalty must be >= 0");
      }
    } catch (IllegalArgumentException e) {
      throw CpmException.usage(e.getMessage());
    }
    TransactionOptions.Values given = transactions.values();
    Dataset<Row> raw = readCsv(given.file(), given.columnsByOption());
    Dataset<Row> parsed = raw.select(
        trim(col(given.customerColumn())).as(RepeatPurchaseData.CUSTOMER),
        to_date(trim(col(given.dateColumn())), given.dateFormat()).as(RepeatPurchaseData.DATE),
        trim(col(given.amountColumn())).cast(DataTypes.DoubleType).as(RepeatPurchaseData.AMOUNT)).cache();
    long rows = parsed.count();
    Dataset<Row> valid = parsed.where(col(RepeatPurchaseData.CUSTOMER).isNotNull()
        .and(col(RepeatPurchaseData.CUSTOMER).notEqual(lit("")))
        .and(col(RepeatPurchaseData.DATE).isNotNull()).and(col(RepeatPurchaseData.AMOUNT).isNotNull())).cache();
    long badRows = rows - valid.count();
    ClvPipeline.Result result;
    try {
      result = ClvPipeline.run(valid, parameters);
    } catch (ModelFitException e) {
      throw CpmException.dataQuality("CLV fit on " + given.file() + " failed: " + e.getMessage());
    }
    Map<String, Object> report = result.report();
    report.put("timeUnit", parameters.timeUnit().name().toLowerCase(Locale.ROOT));
    report.put("calibrationEnd", calibrationEnd.toString());
    if (holdoutEnd != null) {
      report.put("holdoutEnd", holdoutEnd.toString());
    }
    report.put("rows", rows);
    report.put("badRows", badRows);
    report.put("fitSeconds", result.fitSeconds());
    if (out != null) {
      result.scored().drop("first_purchase_date").coalesce(1).write().mode("overwrite").option("header", "true")
          .csv(out.toAbsolutePath().toString());
      report.put("out", out.toString());
    }
    printReport(report, () -> Json.pretty(report));
    parsed.unpersist();
    valid.unpersist();
    return ExitCode.OK;
  }
}
