package io.cpm.jobs.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.cli.CsvCommand;
import io.cpm.segmentation.churn.ChurnAlgorithm;
import io.cpm.segmentation.churn.ChurnFeatureSpec;
import io.cpm.segmentation.churn.ChurnLabel;
import io.cpm.segmentation.churn.ChurnTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cpm churn evaluate}: trains and evaluates the churn pipeline on any labelled CSV. Column types are
 * inferred: a column whose non-blank cells all parse as numbers is numeric (blank cells are missing values),
 * other columns are one-hot encoded strings (unless they have more than {@value #MAX_CATEGORIES} distinct
 * values, which makes them identifiers, not categories); the id column is never a feature.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Train and evaluate churn models on a labelled CSV; prints one JSON object with --json.")
public final class ChurnEvaluateCommand extends CsvCommand {
  static final int MAX_CATEGORIES = 100;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "CSV with a header row.")
  Path input;

  @Option(names = "--id-col", required = true, description = "Customer id column (never used as a feature).")
  String idColumn;

  @Option(names = "--label-col", required = true, description = "Label column.")
  String labelColumn;

  @Option(names = "--positive-label", required = true, description = "Label value meaning churned.")
  String positiveLabel;

  @Option(names = "--test-fraction", defaultValue = "0.2", description = "Held-out share (default ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--seed", defaultValue = "42", description = "Split and GBT seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--model", defaultValue = "auto", description = "logistic | gbt | auto (default ${DEFAULT-VALUE}).")
  String model;

  @Override
  public Integer call() {
    if (!(testFraction > 0 && testFraction < 0.9)) {
      throw CpmException.usage("invalid --test-fraction " + testFraction + " (must be in (0, 0.9))");
    }
    Set<ChurnAlgorithm> algorithms;
    try {
      algorithms = ChurnAlgorithm.parse(model);
    } catch (IllegalArgumentException e) {
      throw CpmException.usage("invalid --model: " + e.getMessage());
    }
    Dataset<Row> raw = readCsv(input, Map.of("--id-col", idColumn, "--label-col", labelColumn));
    Dataset<Row> blanked = raw;
    for (String name : raw.columns()) {
      blanked = blanked.withColumn(name, when(trim(col(name)).equalTo(""), lit(null)).otherwise(trim(col(name))));
    }
    blanked = blanked.cache();
    long rows = blanked.count();
    Dataset<Row> valid = blanked.where(col(idColumn).isNotNull().and(col(labelColumn).isNotNull()));
    long badRows = rows - valid.count();
    if (valid.where(col(labelColumn).equalTo(positiveLabel)).isEmpty()) {
      throw CpmException.usage("--positive-label '" + positiveLabel + "' never occurs in column " + labelColumn
          + " of " + input);
    }
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    inferTypes(valid, numeric, categorical, ignored);
    Dataset<Row> typed = valid.withColumn(ChurnLabel.LABEL,
        when(col(labelColumn).equalTo(positiveLabel), 1.0).otherwise(0.0));
    for (String name : numeric) {
      typed = typed.withColumn(name, col(name).cast(DataTypes.DoubleType));
    }
    ChurnFeatureSpec features;
    try {
      features = new ChurnFeatureSpec(idColumn, numeric, categorical);
    } catch (IllegalArgumentException e) {
      throw CpmException.usage("no usable feature columns in " + input + ": " + e.getMessage());
    }
    double validationFraction = algorithms.size() > 1 ? 0.2 * (1 - testFraction) : 0.0;
    ChurnTrainer.Result result;
    try {
      result = ChurnTrainer.train(ChurnTrainer.splitStratified(typed, validationFraction, testFraction, seed),
          features, algorithms, seed);
    } catch (IllegalArgumentException e) {
      throw CpmException.dataQuality("cannot train on " + input + ": " + e.getMessage());
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("model", result.model().algorithm().label());
    report.put("rocAuc", result.test().rocAuc());
    report.put("prAuc", result.test().prAuc());
    report.put("brier", result.test().brier());
    report.put("trainRows", result.fitRows() + result.validationRows());
    report.put("testRows", result.testRows());
    report.put("positiveRate", result.test().positiveRate());
    Map<String, Object> validation = new LinkedHashMap<>();
    result.validationRocAuc().forEach((k, v) -> validation.put(k.label(), Double.isNaN(v) ? null : v));
    report.put("validationRocAuc", validation);
    report.put("rows", rows);
    report.put("badRows", badRows);
    report.put("numericColumns", numeric);
    report.put("categoricalColumns", categorical);
    report.put("ignoredColumns", ignored);
    report.put("calibration", ChurnModels.calibration(result.test()));
    report.put("lift", ChurnModels.lift(result.test()));
    blanked.unpersist();
    printReport(report, () -> String.format(Locale.ROOT, "model %s: ROC-AUC %.4f, PR-AUC %.4f, Brier %.4f on %d"
            + " held-out rows (%d training rows, %d bad rows skipped)", report.get("model"), result.test().rocAuc(),
        result.test().prAuc(), result.test().brier(), result.testRows(), report.get("trainRows"), badRows));
    return ExitCode.OK;
  }

  /** One pass: per column, the number of non-blank cells, those that are not numbers, and distinct values. */
  private void inferTypes(Dataset<Row> data, List<String> numeric, List<String> categorical, List<String> ignored) {
    List<Column> aggregates = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    for (String name : data.columns()) {
      if (name.equals(idColumn) || name.equals(labelColumn)) {
        continue;
      }
      candidates.add(name);
      aggregates.add(count(when(col(name).isNotNull().and(col(name).cast(DataTypes.DoubleType).isNull()), 1)));
      aggregates.add(countDistinct(col(name)));
    }
    if (candidates.isEmpty()) {
      return;
    }
    Row stats = data.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
    for (int i = 0; i < candidates.size(); i++) {
      long nonNumeric = stats.getLong(2 * i);
      long distinct = stats.getLong(2 * i + 1);
      if (nonNumeric == 0 && distinct > 0) {
        numeric.add(candidates.get(i));
      } else if (nonNumeric > 0 && distinct <= MAX_CATEGORIES) {
        categorical.add(candidates.get(i));
      } else {
        ignored.add(candidates.get(i));
      }
    }
  }
}
