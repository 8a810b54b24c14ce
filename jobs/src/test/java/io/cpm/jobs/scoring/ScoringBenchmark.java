package io.cpm.jobs.scoring;

import static org.apache.spark.sql.functions.col;

import io.cpm.segmentation.churn.ChurnAlgorithm;
import io.cpm.segmentation.churn.ChurnFeatureSpec;
import io.cpm.segmentation.churn.ChurnTrainer;
import io.cpm.segmentation.clv.BgNbdModel;
import io.cpm.segmentation.clv.BtydSimulation;
import io.cpm.segmentation.clv.ClvPipeline;
import io.cpm.segmentation.clv.ClvTimeUnit;
import io.cpm.segmentation.clv.GammaGammaModel;
import io.cpm.segmentation.clv.PurchaseCounts;
import io.cpm.segmentation.clv.PurchaseModelKind;
import io.cpm.segmentation.clv.RepeatPurchaseData;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.math3.random.Well19937c;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark (not a test): simulates N customers' transactions on Spark from a known BG/NBD + Gamma-Gamma model,
 * then times the CLV stage (grouping to sufficient statistics, the two fits, scoring every customer) and churn
 * training (LR + GBT) on M synthetic snapshot rows. Run by bench/clv.sh; prints the figures.
 *
 * <p>Arguments: customers (1,000,000), churn rows (500,000; 0 skips churn training), purchase models
 * ({@code bgnbd,paretonbd}). With {@code -Dcpm.bench.dumpCounts=FILE} the BG/NBD sufficient statistics are also
 * written as CSV (x, t_x, T, weight) for working on the optimizer without Spark.
 */
public final class ScoringBenchmark {
  private static final LocalDate CALIBRATION_END = LocalDate.of(2025, 3, 31);

  private ScoringBenchmark() {}

  public static void main(String[] args) {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int churnRows = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    EnumSet<PurchaseModelKind> kinds = EnumSet.noneOf(PurchaseModelKind.class);
    for (String name : (args.length > 2 ? args[2] : "bgnbd,paretonbd").split(",")) {
      kinds.add(PurchaseModelKind.parse(name));
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("cpm-bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "8").config("spark.sql.session.timeZone", "UTC").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    System.out.printf(Locale.ROOT, "cores %d, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    long t0 = System.nanoTime();
    Dataset<Row> transactions = transactions(spark, customers).cache();
    long rows = transactions.count();
    System.out.printf(Locale.ROOT, "simulated %,d customers, %,d transactions in %.1f s%n", customers, rows, since(t0));

    String dump = System.getProperty("cpm.bench.dumpCounts");
    if (dump != null) {
      dumpCounts(transactions, java.nio.file.Path.of(dump));
    }
    for (PurchaseModelKind kind : kinds) {
      long start = System.nanoTime();
      ClvPipeline.Result result = ClvPipeline.run(transactions, ClvPipeline.Parameters.builder(CALIBRATION_END)
          .model(kind).timeUnit(ClvTimeUnit.WEEK).build());
      long scoreStart = System.nanoTime();
      result.scored().write().format("noop").mode("overwrite").save();
      double scoring = since(scoreStart);
      System.out.printf(Locale.ROOT, "CLV %-9s total %.1f s = grouping %.1f s (%,d sufficient-statistic rows) + fits"
              + " %.2f s (purchase model %.2f s: %d iterations, %d evaluations, %.1f ms/evaluation; Gamma-Gamma %d"
              + " evaluations on %,d rows) + scoring %.1f s; params %s, gg %s%n",
          kind.name().toLowerCase(Locale.ROOT), since(start), result.groupingSeconds(), result.sufficientStatisticRows(),
          result.fitSeconds(), result.purchaseFitSeconds(), result.purchases().iterations(),
          result.purchases().evaluations(), 1e3 * result.purchaseFitSeconds() / result.purchases().evaluations(),
          result.spend().evaluations(), result.spendObservationRows(), scoring,
          result.purchases().model().parameters(), result.spend().model().parameters());
    }
    transactions.unpersist();
    if (churnRows <= 0) {
      return;
    }

    long churnStart = System.nanoTime();
    Dataset<Row> training = churnRows(spark, churnRows).cache();
    training.count();
    double generation = since(churnStart);
    long trainStart = System.nanoTime();
    ChurnFeatureSpec spec = ChurnFeatureSpec.infer(training, "customer_id", List.of("label"));
    ChurnTrainer.Result result = ChurnTrainer.train(ChurnTrainer.splitById(training, "customer_id", 0.2, 0.2, 42),
        spec, EnumSet.allOf(ChurnAlgorithm.class), 42);
    System.out.printf(Locale.ROOT, "churn training on %,d rows (%d features): %.1f s (data %.1f s); chosen %s,"
            + " validation ROC-AUC %s, test ROC-AUC %.3f%n", churnRows, spec.features().size(), since(trainStart),
        generation, result.model().algorithm().label(), result.validationRocAuc(), result.test().rocAuc());
  }

  /** Writes the BG/NBD sufficient statistics (x, t_x, T, weight per row) for offline optimizer work. */
  private static void dumpCounts(Dataset<Row> transactions, java.nio.file.Path path) {
    PurchaseCounts counts = RepeatPurchaseData.purchaseCounts(
        RepeatPurchaseData.summarize(transactions, CALIBRATION_END, ClvTimeUnit.WEEK));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < counts.size(); i++) {
      text.append(counts.frequency()[i]).append(',').append(counts.recency()[i]).append(',')
          .append(counts.age()[i]).append(',').append(counts.weight()[i]).append('\n');
    }
    try {
      java.nio.file.Files.writeString(path, text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    System.out.printf(Locale.ROOT, "wrote %,d sufficient-statistic rows to %s%n", counts.size(), path);
  }

  private static double since(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  /** First purchases spread over a year before the calibration end; BG/NBD in weeks, Gamma-Gamma spend. */
  static Dataset<Row> transactions(SparkSession spark, int customers) {
    StructType schema = new StructType().add(RepeatPurchaseData.CUSTOMER, DataTypes.StringType)
        .add(RepeatPurchaseData.DATE, DataTypes.DateType).add(RepeatPurchaseData.AMOUNT, DataTypes.DoubleType);
    BgNbdModel purchases = new BgNbdModel(0.5, 4.0, 0.7, 2.5);
    GammaGammaModel spend = new GammaGammaModel(6.0, 4.0, 15.0);
    long end = CALIBRATION_END.toEpochDay();
    MapPartitionsFunction<Long, Row> simulate = ids -> {
      BtydSimulation simulation = new BtydSimulation(new Well19937c(1000L + TaskContext.getPartitionId()));
      List<Row> out = new ArrayList<>();
      while (ids.hasNext()) {
        long id = ids.next();
        long first = end - 365 + (id % 365);
        double rate = simulation.spendRate(spend);
        String customer = "C" + id;
        out.add(RowFactory.create(customer, Date.valueOf(LocalDate.ofEpochDay(first)), simulation.spend(spend, rate)));
        for (double weeks : simulation.bgNbdPurchaseTimes(purchases, (end - first) / 7.0)) {
          out.add(RowFactory.create(customer, Date.valueOf(LocalDate.ofEpochDay(first + (long) (weeks * 7))),
              simulation.spend(spend, rate)));
        }
      }
      Iterator<Row> iterator = out.iterator();
      return iterator;
    };
    return spark.range(0, customers, 1, 8).as(Encoders.LONG()).mapPartitions(simulate, Encoders.row(schema));
  }

  /** Synthetic snapshot rows: 10 numeric features (two with missing cells), 2 categoricals, planted label. */
  static Dataset<Row> churnRows(SparkSession spark, int rows) {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType);
    for (int j = 0; j < 10; j++) {
      schema = schema.add("f" + j, DataTypes.DoubleType);
    }
    schema = schema.add("region", DataTypes.StringType).add("size", DataTypes.StringType)
        .add("label", DataTypes.DoubleType);
    MapPartitionsFunction<Long, Row> generate = ids -> {
      Random random = new Random(7 + TaskContext.getPartitionId());
      List<Row> out = new ArrayList<>();
      while (ids.hasNext()) {
        long id = ids.next();
        Object[] cells = new Object[14];
        cells[0] = "C" + (id / 4);
        double risk = 0;
        for (int j = 0; j < 10; j++) {
          double value = random.nextGaussian();
          risk += j < 4 ? value * (j + 1) * 0.4 : 0;
          cells[1 + j] = j >= 8 && random.nextDouble() < 0.2 ? null : value;
        }
        cells[11] = new String[] {"north", "south", "east", "west"}[random.nextInt(4)];
        cells[12] = new String[] {"small", "mid", "large"}[random.nextInt(3)];
        cells[13] = random.nextDouble() < 1 / (1 + Math.exp(-(risk - 1))) ? 1.0 : 0.0;
        out.add(RowFactory.create(cells));
      }
      return out.iterator();
    };
    return spark.range(0, rows, 1, 8).as(Encoders.LONG()).mapPartitions(generate, Encoders.row(schema))
        .where(col("customer_id").isNotNull());
  }
}
