package io.cpm.jobs.segment;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.GoldTable;
import io.cpm.segmentation.Centroid;
import io.cpm.segmentation.KMeansResult;
import io.cpm.segmentation.KMeansSegmentation;
import io.cpm.segmentation.Lifecycle;
import io.cpm.segmentation.ModelRun;
import io.cpm.segmentation.Playbook;
import io.cpm.segmentation.Rfm;
import io.cpm.segmentation.Tasks;
import io.cpm.segmentation.Tiers;
import io.cpm.segmentation.Transitions;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The segment stage: reads {@code customer_features} for the run date and the earlier runs' segments and
 * centroids, and writes customer_segments, segment_transitions, segment_model_runs, segment_centroids
 * (per run date), lifecycle_history (rebuilt from all runs) and customer_tasks (the task ledger).
 */
public final class SegmentStage implements Stage {
  public static final String SEGMENTS = GoldTable.CUSTOMER_SEGMENTS.table();
  public static final String TRANSITIONS = GoldTable.SEGMENT_TRANSITIONS.table();
  public static final String MODEL_RUNS = GoldTable.SEGMENT_MODEL_RUNS.table();
  public static final String CENTROIDS = GoldTable.SEGMENT_CENTROIDS.table();
  public static final String HISTORY = GoldTable.LIFECYCLE_HISTORY.table();
  public static final String TASKS = GoldTable.CUSTOMER_TASKS.table();
  static final String FEATURES = GoldTable.CUSTOMER_FEATURES.table();
  static final List<String> SEGMENT_COLUMNS = List.of("customer_id", Rfm.RECENCY_SCORE, Rfm.FREQUENCY_SCORE,
      Rfm.MONETARY_SCORE, Rfm.SCORE, Rfm.SEGMENT, Tiers.VALUE_TIER, Tiers.ACTIVITY_TIER, Tiers.TAG, Lifecycle.STAGE,
      KMeansSegmentation.CLUSTER_ID, KMeansSegmentation.CLUSTER_LABEL, Playbook.ACTION, Playbook.OWNER_ROLE);
  private static final Map<String, String> DIMENSIONS = dimensions();

  private final SegmentSettings settings;

  public SegmentStage(SegmentSettings settings) {
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
  }

  /** The stage with the {@code segments} settings and the run seed of {@code config}. */
  public static SegmentStage from(io.cpm.jobs.config.CpmConfig config) {
    return new SegmentStage(SegmentSettings.from(config.section("segments"), config.seed()));
  }

  @Override
  public String name() {
    return "segment";
  }

  @Override
  public StageResult run(PipelineContext context) {
    Tables tables = context.tables();
    LocalDate runDate = context.runDate();
    if (!tables.exists(FEATURES)) {
      throw CpmException.inputMissing("table " + FEATURES + " does not exist at " + tables.location(FEATURES)
          + "; run 'cpm features --run-date " + runDate + "' first");
    }
    Dataset<Row> features = tables.readRunDate(FEATURES, runDate).drop(Tables.RUN_DATE).cache();
    if (features.isEmpty()) {
      throw CpmException.inputMissing(FEATURES + " has no rows for run date " + runDate
          + "; run 'cpm features --run-date " + runDate + "' first");
    }
    List<String> notes = new ArrayList<>();
    LocalDate previousRun = latestBefore(tables, SEGMENTS, runDate);

    Dataset<Row> segmented = Rfm.score(features, settings.rfm());
    segmented = Tiers.assign(segmented, settings.tiers());
    segmented = Lifecycle.assign(segmented, previousStages(tables, runDate), runDate, settings.lifecycle());

    KMeansResult clusters = null;
    try {
      LocalDate centroidRun = latestBefore(tables, CENTROIDS, runDate);
      List<Centroid> previousCentroids = centroidRun == null ? List.of() : centroids(tables, centroidRun);
      clusters = KMeansSegmentation.fit(features, settings.kmeans(), previousCentroids, nextFreshId(tables, runDate));
      Dataset<Row> assignments = clusters.assignments();
      // A USING join keeps the left side's customer_id. (An equality join followed by
      // drop(assignments.col("customer_id")) dropped the wrong column here, because both sides derive from the
      // same features table: customers without a k-means row were written with a null customer_id.)
      segmented = segmented.join(assignments, new String[] {"customer_id"}, "left");
    } catch (IllegalArgumentException e) {
      notes.add("k-means skipped: " + e.getMessage());
      segmented = segmented.withColumn(KMeansSegmentation.CLUSTER_ID, lit(null).cast(DataTypes.IntegerType))
          .withColumn(KMeansSegmentation.CLUSTER_LABEL, lit(null).cast(DataTypes.StringType));
    }
    segmented = Playbook.apply(segmented, settings.playbook(), settings.defaultAction(), settings.defaultOwnerRole());
    Dataset<Row> segments = segmented.select(SEGMENT_COLUMNS.stream().map(c -> col(c))
        .toArray(org.apache.spark.sql.Column[]::new));
    tables.replaceRunDate(segments, SEGMENTS, runDate);
    Dataset<Row> written = tables.readRunDate(SEGMENTS, runDate).drop(Tables.RUN_DATE);
    long customers = written.count();

    SparkSession spark = context.spark();
    if (clusters != null) {
      tables.replaceRunDate(modelRuns(spark, clusters, settings), MODEL_RUNS, runDate);
      tables.replaceRunDate(centroidRows(spark, clusters.centroids()), CENTROIDS, runDate);
      notes.add("k-means: k=" + clusters.chosenK() + " chosen by silhouette over " + clusters.runs().size() + " k");
    }

    Dataset<Row> transitions;
    if (previousRun == null) {
      transitions = spark.createDataFrame(List.of(), transitionSchema());
      notes.add("no earlier run: no transitions");
    } else {
      transitions = Transitions.between(written, tables.readRunDate(SEGMENTS, previousRun).drop(Tables.RUN_DATE),
              DIMENSIONS)
          .select(lit(Date.valueOf(previousRun)).as("previous_run_date"), col("dimension"), col("from_segment"),
              col("to_segment"), col("customers"));
    }
    tables.replaceRunDate(transitions, TRANSITIONS, runDate);

    Dataset<Row> allStages = tables.read(SEGMENTS).select(col("customer_id"), col(Tables.RUN_DATE),
        col(Lifecycle.STAGE));
    tables.overwrite(Lifecycle.history(allStages), HISTORY);

    Dataset<Row> existingTasks = tables.exists(TASKS) ? tables.read(TASKS) : null;
    Dataset<Row> raised = Tasks.raise(features, settings.taskRules(), runDate);
    Dataset<Row> ledger = Tasks.update(existingTasks, raised, settings.taskRules(), runDate).localCheckpoint();
    tables.overwrite(ledger, TASKS);
    long open = ledger.where(col("status").equalTo("open")).count();
    notes.add(open + " open customer tasks");
    features.unpersist();

    Map<String, String> outputs = new LinkedHashMap<>();
    for (String table : List.of(SEGMENTS, TRANSITIONS, MODEL_RUNS, CENTROIDS, HISTORY, TASKS)) {
      outputs.put(table, tables.qualifiedName(table));
    }
    return new StageResult(name(), customers, outputs, notes);
  }

  /** The latest run date before {@code runDate} in a per-run table, or null. */
  static LocalDate latestBefore(Tables tables, String table, LocalDate runDate) {
    if (!tables.exists(table)) {
      return null;
    }
    Row row = tables.read(table).where(col(Tables.RUN_DATE).lt(lit(Date.valueOf(runDate))))
        .agg(max(Tables.RUN_DATE)).first();
    return row.isNullAt(0) ? null : row.getDate(0).toLocalDate();
  }

  /** Lifecycle stage current before the run (history of the earlier runs only, so a rerun sees the same input). */
  private static Dataset<Row> previousStages(Tables tables, LocalDate runDate) {
    if (!tables.exists(SEGMENTS)) {
      return tables.spark().createDataFrame(List.of(), new StructType().add("customer_id", DataTypes.StringType)
          .add(Lifecycle.PREVIOUS_STAGE, DataTypes.StringType).add(Lifecycle.PREVIOUS_SINCE, DataTypes.DateType));
    }
    Dataset<Row> earlier = tables.read(SEGMENTS).where(col(Tables.RUN_DATE).lt(lit(Date.valueOf(runDate))))
        .select(col("customer_id"), col(Tables.RUN_DATE), col(Lifecycle.STAGE));
    return Lifecycle.current(Lifecycle.history(earlier));
  }

  private static List<Centroid> centroids(Tables tables, LocalDate run) {
    List<Centroid> result = new ArrayList<>();
    for (Row r : tables.readRunDate(CENTROIDS, run).collectAsList()) {
      result.add(new Centroid(r.getAs("cluster_id"), r.getAs("cluster_label"), r.<Long>getAs("customers"),
          r.getAs("feature"), r.<Double>getAs("value"), r.<Double>getAs("standardized"), r.<Double>getAs("mean"),
          r.<Double>getAs("stddev"), r.<Boolean>getAs("log_scaled")));
    }
    return result;
  }

  /** One more than the largest cluster id of any earlier run, so retired ids are never reused. */
  private static int nextFreshId(Tables tables, LocalDate runDate) {
    if (!tables.exists(CENTROIDS)) {
      return 1;
    }
    Row row = tables.read(CENTROIDS).where(col(Tables.RUN_DATE).lt(lit(Date.valueOf(runDate))))
        .agg(max("cluster_id")).first();
    return row.isNullAt(0) ? 1 : row.getInt(0) + 1;
  }

  private static Dataset<Row> modelRuns(SparkSession spark, KMeansResult clusters, SegmentSettings settings) {
    StructType schema = new StructType().add("k", DataTypes.IntegerType).add("silhouette", DataTypes.DoubleType)
        .add("cost", DataTypes.DoubleType).add("chosen", DataTypes.BooleanType)
        .add("cluster_sizes", DataTypes.StringType).add("features", DataTypes.StringType)
        .add("seed", DataTypes.LongType).add("customers", DataTypes.LongType);
    List<Row> rows = new ArrayList<>();
    for (ModelRun run : clusters.runs()) {
      rows.add(RowFactory.create(run.k(), run.silhouette(), run.cost(), run.chosen(),
          run.clusterSizes().stream().map(String::valueOf).collect(Collectors.joining(",")),
          KMeansSegmentation.describe(settings.kmeans()), settings.kmeans().seed(), clusters.customers()));
    }
    return spark.createDataFrame(rows, schema);
  }

  private static Dataset<Row> centroidRows(SparkSession spark, List<Centroid> centroids) {
    StructType schema = new StructType().add("cluster_id", DataTypes.IntegerType)
        .add("cluster_label", DataTypes.StringType).add("customers", DataTypes.LongType)
        .add("feature", DataTypes.StringType).add("value", DataTypes.DoubleType)
        .add("standardized", DataTypes.DoubleType).add("mean", DataTypes.DoubleType)
        .add("stddev", DataTypes.DoubleType).add("log_scaled", DataTypes.BooleanType);
    List<Row> rows = new ArrayList<>();
    for (Centroid c : centroids) {
      rows.add(RowFactory.create(c.clusterId(), c.clusterLabel(), c.customers(), c.feature(), c.value(),
          c.standardized(), c.mean(), c.stddev(), c.logScaled()));
    }
    return spark.createDataFrame(rows, schema);
  }

  private static StructType transitionSchema() {
    return new StructType().add("previous_run_date", DataTypes.DateType).add("dimension", DataTypes.StringType)
        .add("from_segment", DataTypes.StringType).add("to_segment", DataTypes.StringType)
        .add("customers", DataTypes.LongType);
  }

  private static Map<String, String> dimensions() {
    Map<String, String> dimensions = new LinkedHashMap<>();
    dimensions.put("rfm", Rfm.SEGMENT);
    dimensions.put("lifecycle", Lifecycle.STAGE);
    dimensions.put("cluster", KMeansSegmentation.CLUSTER_ID);
    dimensions.put("value_activity", Tiers.TAG);
    return dimensions;
  }
}
