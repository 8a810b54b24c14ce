package io.cpm.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.jobs.pipeline.Stage;
import io.cpm.jobs.pipeline.StageResult;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The ingest stage: reads one run date's exports of the chosen sources from
 * {@code <landing>/<run date>/<source>/}, and writes {@code bronze_<entity>} (raw rows), the silver entity
 * tables (MERGE on business keys, the later record by {@code (_run_date, _source_file, _row_number)} wins),
 * {@code quarantine} (rejected rows with a {@link ReasonCode}) and {@code ingest_runs} (row accounting per
 * file). See docs/ingestion.md.
 *
 * <p>Every file is parsed and checked before anything is written, so a file-level problem (exit 3) or a
 * missing export folder (exit 4) leaves every table unchanged. When the quarantine rate gate fails, bronze,
 * quarantine and ingest_runs are written for inspection but silver is not touched (exit 3).
 */
public final class IngestStage implements Stage {
  public static final String NAME = "ingest";
  public static final String QUARANTINE = GoldTable.QUARANTINE.table();
  public static final String INGEST_RUNS = GoldTable.INGEST_RUNS.table();
  /** Most tasks one gzipped CSV file is parsed by (see {@code ingest.split-gzip-bytes}). */
  private static final int MAX_PARTS = 4;

  static final StructType QUARANTINE_SCHEMA = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("entity", DataTypes.StringType, false)
      .add("file", DataTypes.StringType, false)
      .add("row_number", DataTypes.LongType, false)
      .add("raw_record", DataTypes.StringType, true)
      .add("reason_code", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, true)
      .add(Tables.RUN_DATE, DataTypes.DateType, false);

  static final StructType INGEST_RUNS_SCHEMA = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("entity", DataTypes.StringType, false)
      .add("file", DataTypes.StringType, false)
      .add("rows_read", DataTypes.LongType, false)
      .add("rows_accepted", DataTypes.LongType, false)
      .add("rows_quarantined", DataTypes.LongType, false)
      .add("status", DataTypes.StringType, false)
      .add("quarantined_by_reason", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true)
      .add(Tables.RUN_DATE, DataTypes.DateType, false);

  /**
   * Bronze is read by run date (its partition) or in full, never filtered on data columns, so per-file
   * min/max statistics would only cost write time (they are a large share of it for wide string rows).
   */
  private static final Map<String, String> NO_COLUMN_STATS = Map.of("delta.dataSkippingNumIndexedCols", "0");
  private static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";
  private static final String FLAG_REASON = "_flag_reason";
  private static final String FLAG_MESSAGE = "_flag_message";
  private static final String CUSTOMER_ID = "customer_id";
  private static final String CURRENCY = "currency";

  private final List<String> sources;
  private final IngestSettings settings;
  /** File each source folder must hold before it is read ({@code ingest.completion-marker}); empty: none. */
  private final String completionMarker;
  /** Longest physical line of an export ({@code ingest.max-line-bytes}); a longer one fails the file (exit 3). */
  private final long maxLineBytes;

  /**
   * Ingests the given sources ({@code crm}, {@code erp}, {@code tickets}); all of them in the nightly run.
   * The mappings are validated here, so a config error surfaces before Spark starts (also on --dry-run).
   */
  public IngestStage(List<String> sources, CpmConfig config) {
    for (String source : sources) {
      if (!Entity.sources().contains(source)) {
        throw CpmException.usage("unknown source '" + source + "' (known: " + String.join(", ", Entity.sources())
            + ")");
      }
    }
    this.sources = List.copyOf(sources);
    this.settings = IngestSettings.from(config);
    this.completionMarker = config.section(NAME).getString("completion-marker").trim();
    this.maxLineBytes = config.section(NAME).getBytes("max-line-bytes");
    if (maxLineBytes < 1024) {
      throw CpmException.usage("ingest.max-line-bytes = " + maxLineBytes + " must be at least 1k (" + config.origin()
          + ")");
    }
  }

  /**
   * The source systems the company exports ({@code ingest.sources}; all three by default): a company without a
   * ticket system or an ERP lists the others, and the nightly run does not wait for the missing folders.
   */
  public static IngestStage allSources(CpmConfig config) {
    List<String> sources;
    try {
      sources = config.section("ingest").getStringList("sources");
    } catch (com.typesafe.config.ConfigException e) {
      throw CpmException.usage("invalid ingest.sources in " + config.origin() + ": " + e.getMessage());
    }
    if (sources.isEmpty()) {
      throw CpmException.usage("ingest.sources in " + config.origin() + " is empty: list at least one of "
          + String.join(", ", Entity.sources()));
    }
    return new IngestStage(sources, config);
  }

  @Override
  public boolean writesSilver() {
    return true;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** One entity's files and, once parsed, its cached rows and the rows flagged by cross-row checks. */
  private static final class Work {
    final Entity entity;
    final SourceMapping mapping;
    final List<String> paths;
    final List<String> names;
    final List<Long> sizes;
    Dataset<Row> parsed;
    Map<String, Map<String, Long>> parseCounts = Map.of();
    Map<String, Long> readByFile = Map.of();
    long repeatedKeys;
    Dataset<Row> flags;
    final Map<String, Map<String, Long>> flagCounts = new HashMap<>();

    Work(Entity entity, SourceMapping mapping, List<String> paths, List<String> names, List<Long> sizes) {
      this.entity = entity;
      this.mapping = mapping;
      this.paths = paths;
      this.names = names;
      this.sizes = sizes;
    }
  }

  @Override
  public StageResult run(PipelineContext context) {
    SparkSession spark = context.spark();
    LocalDate runDate = context.runDate();
    List<String> strays = new ArrayList<>();
    List<Work> work = locate(context, settings, strays);
    for (String stray : strays) {
      context.progress().step(NAME, stray + ": matches no mapping in sources." + "<source>.<entity>.file; not read");
    }
    for (Work w : work) {
      if (w.paths.isEmpty()) {
        context.progress().step(NAME, expectedName(w, runDate) + ": not delivered (optional)");
      }
    }
    List<Work> present = work.stream().filter(w -> !w.paths.isEmpty()).toList();
    int threads = Math.max(1, Math.min(present.size(), spark.sparkContext().defaultParallelism()));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Broadcast<SerializableConfiguration> hadoopConf = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
      // Compressing the cache costs more CPU (dictionary statistics per column) than reading it back saves.
      String compressed = spark.conf().get(CACHE_COMPRESSED, "true");
      spark.conf().set(CACHE_COMPRESSED, "false");
      checkHeaders(context, present);
      try {
        parseAll(context, settings, present, hadoopConf, pool);
      } finally {
        spark.conf().set(CACHE_COMPRESSED, compressed);
      }
      deduplicate(context, present, pool);
      flagDuplicates(context, present, pool);
      flagUnknownCustomers(context, present, pool);
      flagUnknownCurrencies(context, present, pool);
      List<FileCounts> counts = new ArrayList<>();
      for (Work w : work) {
        if (w.paths.isEmpty()) {
          counts.add(new FileCounts(w.entity, expectedName(w, runDate), 0, Map.of(), "missing"));
        } else {
          counts.addAll(fileCounts(w));
        }
      }
      String gateFailure = gate(settings, counts);
      String status = gateFailure == null ? "loaded" : "rejected";
      counts.replaceAll(c -> c.status().equals("missing") ? c : c.withStatus(status));
      write(context, present, counts, gateFailure == null, pool);
      printSummary(context.progress().out(), counts, runDate);
      if (gateFailure != null) {
        throw CpmException.dataQuality(gateFailure + "; silver tables were left unchanged, rejected rows are in "
            + context.tables().qualifiedName(QUARANTINE) + " (run_date " + runDate + "); fix the export and rerun");
      }
      long read = counts.stream().mapToLong(FileCounts::rowsRead).sum();
      long quarantined = counts.stream().mapToLong(FileCounts::rowsQuarantined).sum();
      Map<String, String> outputs = new LinkedHashMap<>();
      for (Work w : present) {
        outputs.put(w.entity.entityName(), context.tables().qualifiedName(w.entity.bronzeTable()) + ", "
            + context.tables().qualifiedName(w.entity.table()));
      }
      outputs.put(QUARANTINE, context.tables().qualifiedName(QUARANTINE));
      List<String> notes = new ArrayList<>(List.of(String.format(Locale.ROOT,
          "rows read %,d = accepted %,d + quarantined %,d", read, read - quarantined, quarantined)));
      if (!strays.isEmpty()) {
        notes.add("not read (match no mapping): " + String.join(", ", strays));
      }
      return new StageResult(NAME, read, outputs, notes);
    } finally {
      pool.shutdownNow();
      for (Work w : present) {
        if (w.parsed != null) {
          w.parsed.unpersist();
        }
      }
    }
  }

  private static String expectedName(Work w, LocalDate runDate) {
    return runDate + "/" + w.mapping.folder() + "/" + w.mapping.file();
  }

  /**
   * Finds each entity's files. An export that has not fully arrived is exit 4 (retry later): a missing source
   * folder, a missing completion marker (when {@code ingest.completion-marker} is set) or a missing required file.
   * Files of a source folder that match no mapping are added to {@code strays} (named in the run summary).
   */
  private List<Work> locate(PipelineContext context, IngestSettings settings, List<String> strays) {
    String landing = context.config().landingRoot();
    Configuration conf = context.spark().sparkContext().hadoopConfiguration();
    List<Work> result = new ArrayList<>();
    List<String> notArrived = new ArrayList<>();
    List<String> missingFiles = new ArrayList<>();
    // Export file names matched by some mapping, per landing folder (a folder's other files are strays).
    Map<String, java.util.Set<String>> matchedByFolder = new LinkedHashMap<>();
    try {
      for (String source : sources) {
        for (Entity entity : Entity.ofSource(source)) {
          SourceMapping mapping = settings.mapping(entity);
          if (!mapping.enabled()) {
            continue;
          }
          // A mapping may read another source's folder (several entities from one export).
          Path folder = new Path(landing + "/" + context.runDate() + "/" + mapping.folder());
          FileSystem fs = folder.getFileSystem(conf);
          if (!fs.isDirectory(folder)) {
            if (!notArrived.contains(folder.toString())) {
              notArrived.add(folder.toString());
            }
            continue;
          }
          if (!completionMarker.isEmpty() && !fs.isFile(new Path(folder, completionMarker))) {
            String missing = new Path(folder, completionMarker) + " (completion marker, ingest.completion-marker)";
            if (!notArrived.contains(missing)) {
              notArrived.add(missing);
            }
            continue;
          }
          java.util.Set<String> matched = matchedByFolder.computeIfAbsent(mapping.folder(),
              k -> new java.util.HashSet<>());
          FileStatus[] matches = fs.globStatus(new Path(folder, mapping.file()));
          List<FileStatus> files = matches == null ? List.of()
              : Arrays.stream(matches).filter(FileStatus::isFile).sorted().toList();
          if (files.isEmpty() && mapping.required()) {
            missingFiles.add(new Path(folder, mapping.file()) + " (" + mapping.configKey() + ".required = true)");
          }
          files.forEach(f -> matched.add(f.getPath().getName()));
          List<String> paths = files.stream().map(f -> f.getPath().toString()).toList();
          List<String> names = files.stream()
              .map(f -> context.runDate() + "/" + mapping.folder() + "/" + f.getPath().getName()).toList();
          result.add(new Work(entity, mapping, paths, names, files.stream().map(FileStatus::getLen).toList()));
        }
      }
      for (Map.Entry<String, java.util.Set<String>> folderFiles : matchedByFolder.entrySet()) {
        Path folder = new Path(landing + "/" + context.runDate() + "/" + folderFiles.getKey());
        for (FileStatus f : folder.getFileSystem(conf).listStatus(folder)) {
          String name = f.getPath().getName();
          // Hidden and underscore files (.part uploads, _SUCCESS, Hadoop's _temporary) are not exports.
          if (f.isFile() && !folderFiles.getValue().contains(name) && !name.startsWith(".") && !name.startsWith("_")
              && !name.equals(completionMarker)) {
            strays.add(context.runDate() + "/" + folderFiles.getKey() + "/" + name);
          }
        }
      }
    } catch (IOException e) {
      throw CpmException.inputMissing("cannot list landing folder under " + landing + ": " + e.getMessage());
    }
    if (!notArrived.isEmpty()) {
      throw CpmException.inputMissing("export not arrived: " + String.join(", ", notArrived)
          + "; retry when the export is complete");
    }
    if (!missingFiles.isEmpty()) {
      // A source folder with some files but not all is an export still being copied: retry, do not give up.
      throw CpmException.inputMissing("export incomplete, required file not arrived: "
          + String.join(", ", missingFiles) + "; retry later, or set required = false for that mapping in"
          + " conf/sources.conf if it may be absent");
    }
    Collections.sort(strays);
    return result;
  }

  /**
   * Reads the header of every file of the run before any file is parsed, so a missing column (renamed or used by
   * an expression) is reported at once for all files, in seconds, and nothing is written (exit 3).
   */
  private void checkHeaders(PipelineContext context, List<Work> work) {
    Configuration conf = context.spark().sparkContext().hadoopConfiguration();
    List<String> problems = new ArrayList<>();
    for (Work w : work) {
      ExportReader reader = new ExportReader(w.mapping, settings, context.runDate());
      for (int i = 0; i < w.paths.size(); i++) {
        try {
          reader.checkHeader(w.paths.get(i), w.names.get(i), conf);
        } catch (CpmException e) {
          problems.add(e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw CpmException.dataQuality(String.join("; ", problems) + ". No file was parsed and no table was changed.");
    }
  }

  /**
   * DEDUPLICATED: for a mapping with {@code distinct-by}, of the rows (across its files) that passed the row
   * checks and share the distinct-by values only one is kept: the first by file and line, or with
   * {@code newest-by} the one with its latest value (ties: the later line). Replaces the cached
   * rows, so the later checks and the writes see the outcome.
   */
  private void deduplicate(PipelineContext context, List<Work> work, ExecutorService pool) {
    runAll(pool, work.stream().filter(w -> !w.mapping.distinctBy().isEmpty()).toList(), w -> {
      Column[] by = w.mapping.distinctBy().stream().map(c -> col(ExportReader.TYPED + "." + c)).toArray(Column[]::new);
      Column[] order = w.mapping.newestBy() == null
          ? new Column[] {col(ExportReader.SOURCE_FILE).asc(), col(ExportReader.ROW_NUMBER).asc()}
          : new Column[] {col(ExportReader.TYPED + "." + w.mapping.newestBy()).desc_nulls_last(),
              col(ExportReader.SOURCE_FILE).desc(), col(ExportReader.ROW_NUMBER).desc()};
      org.apache.spark.sql.expressions.WindowSpec group = Window.partitionBy(by).orderBy(order);
      Column ok = col(ExportReader.REASON).isNull();
      Column rank = functions.when(ok, functions.row_number().over(group));
      Column kept = functions.when(ok, functions.first(functions.concat(col(ExportReader.SOURCE_FILE), lit(" line "),
          col(ExportReader.ROW_NUMBER).cast("string"))).over(group));
      String what = String.join(", ", w.mapping.distinctBy());
      Dataset<Row> ranked = w.parsed.withColumn("_rank", rank).withColumn("_kept", kept);
      Column dropped = col("_rank").gt(1);
      Dataset<Row> result = ranked
          .withColumn(ExportReader.REASON, functions.when(dropped, lit(ReasonCode.DEDUPLICATED.name()))
              .otherwise(col(ExportReader.REASON)))
          .withColumn(ExportReader.MESSAGE, functions.when(dropped, functions.concat(lit("same " + what
              + " as the row kept (" + w.mapping.configKey() + ".distinct-by, "
              + (w.mapping.newestBy() == null ? "first row wins" : "latest " + w.mapping.newestBy() + " wins") + "): "),
              col("_kept"))).otherwise(col(ExportReader.MESSAGE)))
          .withColumn(ExportReader.KEY_REPEATED, functions.when(dropped, lit(false))
              .otherwise(col(ExportReader.KEY_REPEATED)))
          .drop("_rank", "_kept")
          .select(w.parsed.columns()[0], java.util.Arrays.copyOfRange(w.parsed.columns(), 1, w.parsed.columns().length))
          .persist();
      List<Row> counts = result.where(col(ExportReader.REASON).equalTo(ReasonCode.DEDUPLICATED.name()))
          .groupBy(ExportReader.SOURCE_FILE).count().collectAsList();
      long repeated = result.where(col(ExportReader.KEY_REPEATED)).count();
      Dataset<Row> old = w.parsed;
      w.parsed = result;
      w.repeatedKeys = repeated;
      old.unpersist();
      for (Row r : counts) {
        w.parseCounts.get(r.getString(0)).put(ReasonCode.DEDUPLICATED.name(), r.getLong(1));
        context.progress().step(NAME, String.format(Locale.ROOT, "%s (%s): %,d rows deduplicated by %s",
            r.getString(0), w.entity.entityName(), r.getLong(1), what));
      }
      return null;
    });
  }

  /**
   * Parses every file (one Spark task per file, entities in parallel), caches the rows and counts them by
   * file and parse-level reason. All file-level problems of the run are reported together.
   */
  private void parseAll(PipelineContext context, IngestSettings settings, List<Work> work,
      Broadcast<SerializableConfiguration> hadoopConf, ExecutorService pool) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
    try {
      parseEach(context, settings, work, hadoopConf, pool, jsc);
    } catch (CpmException e) {
      throw e.exitCode() == io.cpm.jobs.ExitCode.DATA_QUALITY
          ? CpmException.dataQuality(e.getMessage() + ". No table was changed.") : e;
    }
  }

  private void parseEach(PipelineContext context, IngestSettings settings, List<Work> work,
      Broadcast<SerializableConfiguration> hadoopConf, ExecutorService pool, JavaSparkContext jsc) {
    runAll(pool, work, w -> {
      ExportReader reader = new ExportReader(w.mapping, settings, context.runDate(), maxLineBytes);
      int[] parts = new int[w.paths.size()];
      List<Integer> tasks = new ArrayList<>();
      for (int i = 0; i < parts.length; i++) {
        parts[i] = parts(w, i, settings, jsc.defaultParallelism());
        for (int part = 0; part < parts[i]; part++) {
          tasks.add(i * MAX_PARTS + part);
        }
      }
      JavaRDD<InternalRow> rows = jsc.parallelize(tasks, tasks.size())
          .mapPartitions(new ReadFiles(reader, hadoopConf, w.paths, w.names, parts));
      // The reader's rows are already in Spark's internal form: no Row encoder runs over them.
      w.parsed = context.spark().internalCreateDataFrame(rows.rdd(), ExportReader.schema(w.entity), false).persist();
      List<Row> counts = w.parsed.groupBy(ExportReader.SOURCE_FILE, ExportReader.REASON)
          .agg(count(lit(1)), functions.sum(functions.when(col(ExportReader.KEY_REPEATED), 1L).otherwise(0L)))
          .collectAsList();
      Map<String, Map<String, Long>> byFile = new HashMap<>();
      Map<String, Long> read = new HashMap<>();
      for (String name : w.names) {
        byFile.put(name, new HashMap<>());
        read.put(name, 0L);
      }
      for (Row row : counts) {
        read.merge(row.getString(0), row.getLong(2), Long::sum);
        w.repeatedKeys += row.getLong(3);
        if (!row.isNullAt(1)) {
          byFile.get(row.getString(0)).put(row.getString(1), row.getLong(2));
        }
      }
      w.parseCounts = byFile;
      w.readByFile = read;
      for (int i = 0; i < w.names.size(); i++) {
        String name = w.names.get(i);
        long quarantined = byFile.get(name).values().stream().mapToLong(Long::longValue).sum();
        context.progress().step(NAME, String.format(Locale.ROOT, "%s: %,d rows read, %,d rejected by row checks%s",
            name, read.get(name), quarantined, parts[i] > 1 ? " (parsed by " + parts[i] + " tasks)" : ""));
      }
      return null;
    });
  }

  /**
   * Tasks that parse file {@code i} of {@code w}: one, or for a gzipped CSV file of at least
   * {@code ingest.split-gzip-bytes} one per core up to {@link #MAX_PARTS} (each reads the whole stream, see
   * {@link ExportReader#read(String, String, Configuration, int, int)}; more parts would mostly repeat that).
   */
  private static int parts(Work w, int i, IngestSettings settings, int cores) {
    if (w.mapping.format() != SourceMapping.Format.CSV || !w.mapping.gzipped(w.paths.get(i))
        || w.sizes.get(i) < settings.splitGzipBytes()) {
      return 1;
    }
    return (int) Math.max(1, Math.min(Math.min(cores, MAX_PARTS), w.sizes.get(i) / settings.splitGzipBytes()));
  }

  /** Reads the files (and parts of files) of one partition's tasks ({@code file * MAX_PARTS + part}). */
  private static final class ReadFiles implements FlatMapFunction<Iterator<Integer>, InternalRow> {
    private final ExportReader reader;
    private final Broadcast<SerializableConfiguration> hadoopConf;
    private final List<String> paths;
    private final List<String> names;
    private final int[] parts;

    ReadFiles(ExportReader reader, Broadcast<SerializableConfiguration> hadoopConf, List<String> paths,
        List<String> names, int[] parts) {
      this.reader = reader;
      this.hadoopConf = hadoopConf;
      this.paths = new ArrayList<>(paths);
      this.names = new ArrayList<>(names);
      this.parts = parts.clone();
    }

    @Override
    public Iterator<InternalRow> call(Iterator<Integer> indexes) {
      List<Integer> mine = new ArrayList<>();
      indexes.forEachRemaining(mine::add);
      Iterator<Integer> files = mine.iterator();
      return new Iterator<>() {
        private Iterator<InternalRow> current = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!current.hasNext() && files.hasNext()) {
            int task = files.next();
            int i = task / MAX_PARTS;
            current = reader.read(paths.get(i), names.get(i), hadoopConf.value().value(), task % MAX_PARTS,
                parts[i]);
          }
          return current.hasNext();
        }

        @Override
        public InternalRow next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return current.next();
        }
      };
    }
  }

  private static Column[] keyColumns(Entity entity) {
    return entity.keys().stream().map(k -> col(ExportReader.TYPED + "." + k).as(k)).toArray(Column[]::new);
  }

  /**
   * DUPLICATE_KEY: within one file the first row (by line) of a key is kept and every later row of that key
   * is flagged. Only rows that passed the row checks take part. The reader marks rows whose key hash it has
   * seen before in the file; only rows sharing such a hash are compared by their actual keys here, so a file
   * without repeats costs no extra pass and a hash collision cannot flag a row wrongly.
   */
  private void flagDuplicates(PipelineContext context, List<Work> work, ExecutorService pool) {
    runAll(pool, work.stream().filter(w -> w.repeatedKeys > 0).toList(), w -> {
      List<String> keys = w.entity.keys();
      Dataset<Row> hashes = w.parsed.where(col(ExportReader.KEY_REPEATED))
          .select(ExportReader.SOURCE_FILE, ExportReader.KEY_HASH).distinct();
      Dataset<Row> repeated = context.spark().createDataFrame(hashes.collectAsList(), hashes.schema());
      List<Row> candidates = w.parsed.where(col(ExportReader.REASON).isNull())
          .join(broadcast(repeated), seq(List.of(ExportReader.SOURCE_FILE, ExportReader.KEY_HASH)))
          .select(concat(col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER), keyColumns(w.entity)))
          .collectAsList();
      Map<List<Object>, Long> first = new HashMap<>();
      List<Row> byLine = new ArrayList<>(candidates);
      byLine.sort(java.util.Comparator.comparing((Row r) -> r.getString(0)).thenComparingLong(r -> r.getLong(1)));
      List<Row> flags = new ArrayList<>();
      for (Row r : byLine) {
        List<Object> key = new ArrayList<>();
        key.add(r.getString(0));
        for (int k = 0; k < keys.size(); k++) {
          key.add(r.get(k + 2));
        }
        Long firstLine = first.putIfAbsent(key, r.getLong(1));
        if (firstLine != null) {
          String keyText = java.util.stream.IntStream.range(0, keys.size())
              .mapToObj(k -> keys.get(k) + "=" + r.get(k + 2)).collect(Collectors.joining(", "));
          flags.add(RowFactory.create(r.getString(0), r.getLong(1), ReasonCode.DUPLICATE_KEY.name(),
              "duplicate key " + keyText + ": first at line " + firstLine + " (kept)"));
        }
      }
      addFlags(context, w, flags);
      return null;
    });
  }

  private static Column[] concat(Column file, Column row, Column[] keys) {
    Column[] result = new Column[keys.length + 2];
    result[0] = file;
    result[1] = row;
    System.arraycopy(keys, 0, result, 2, keys.length);
    return result;
  }

  /**
   * UNKNOWN_CUSTOMER: rows of entities that reference a customer ({@link Entity#referencesCustomer()}) whose
   * customer_id is neither in silver {@code customers} nor among this run's accepted accounts.
   */
  private void flagUnknownCustomers(PipelineContext context, List<Work> work, ExecutorService pool) {
    List<Work> referencing = work.stream().filter(w -> w.entity.referencesCustomer()).toList();
    if (referencing.isEmpty()) {
      return;
    }
    SparkSession spark = context.spark();
    Dataset<Row> known = spark.createDataFrame(List.of(), new StructType().add(CUSTOMER_ID, DataTypes.StringType));
    if (context.tables().exists(Entity.ACCOUNTS.table())) {
      known = known.union(context.tables().read(Entity.ACCOUNTS.table()).select(CUSTOMER_ID));
    }
    for (Work w : work) {
      if (w.entity == Entity.ACCOUNTS) {
        known = known.union(accepted(w).select(col(ExportReader.TYPED + "." + CUSTOMER_ID).as(CUSTOMER_ID)));
      }
    }
    Dataset<Row> knownIds = known.distinct().persist();
    try {
      runAll(pool, referencing, w -> {
        // A null customer_id (allowed where the schema allows it: opportunities without an account) is no reference.
        Dataset<Row> candidates = accepted(w).select(col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER),
            col(ExportReader.TYPED + "." + CUSTOMER_ID).as(CUSTOMER_ID)).where(col(CUSTOMER_ID).isNotNull());
        List<Row> unknown = candidates.join(broadcast(knownIds),
                candidates.col(CUSTOMER_ID).equalTo(knownIds.col(CUSTOMER_ID)), "left_anti")
            .collectAsList();
        List<Row> flags = new ArrayList<>();
        for (Row u : unknown) {
          flags.add(RowFactory.create(u.getString(0), u.getLong(1), ReasonCode.UNKNOWN_CUSTOMER.name(),
              "customer_id = '" + u.getString(2) + "' is neither in " + Entity.ACCOUNTS.table()
                  + " nor among this run's accepted accounts"));
        }
        addFlags(context, w, flags);
        return null;
      });
    } finally {
      knownIds.unpersist();
    }
  }

  /**
   * Quarantines orders and invoices in a currency the features stage cannot convert (neither
   * {@code features.currency.base} nor a key of {@code features.currency.rates}): loaded, such a row would fail
   * every later night's features stage.
   */
  private static void flagUnknownCurrencies(PipelineContext context, List<Work> work, ExecutorService pool) {
    List<Work> priced = work.stream().filter(w -> Arrays.asList(w.entity.schema().fieldNames()).contains(CURRENCY))
        .toList();
    if (priced.isEmpty()) {
      return;
    }
    java.util.Set<String> known = io.cpm.jobs.features.FeaturesSettings.from(context.config()).parameters().rates()
        .keySet();
    runAll(pool, priced, w -> {
      Column currency = col(ExportReader.TYPED + "." + CURRENCY);
      List<Row> unknown = accepted(w).where(currency.isNotNull()
              .and(functions.not(functions.upper(currency).isin(known.toArray()))))
          .select(col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER), currency).collectAsList();
      List<Row> flags = new ArrayList<>();
      for (Row u : unknown) {
        flags.add(RowFactory.create(u.getString(0), u.getLong(1), ReasonCode.UNKNOWN_CURRENCY.name(),
            "currency = '" + u.getString(2) + "' has no rate: add it to features.currency.rates (known: "
                + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
      }
      addFlags(context, w, flags);
      return null;
    });
  }

  private static final StructType FLAG_SCHEMA = new StructType()
      .add(ExportReader.SOURCE_FILE, DataTypes.StringType, false)
      .add(ExportReader.ROW_NUMBER, DataTypes.LongType, false)
      .add(FLAG_REASON, DataTypes.StringType, false)
      .add(FLAG_MESSAGE, DataTypes.StringType, false);

  /** Adds cross-row flags (a small local table joined back by file and line). */
  private static void addFlags(PipelineContext context, Work w, List<Row> flags) {
    if (flags.isEmpty()) {
      return;
    }
    for (Row f : flags) {
      w.flagCounts.computeIfAbsent(f.getString(0), k -> new HashMap<>()).merge(f.getString(2), 1L, Long::sum);
    }
    Dataset<Row> added = context.spark().createDataFrame(flags, FLAG_SCHEMA);
    w.flags = w.flags == null ? added : w.flags.union(added);
  }

  /** All rows with their final reason: the parse reason, else a cross-row flag. */
  private static Dataset<Row> classified(Work w) {
    if (w.flags == null) {
      return w.parsed;
    }
    Dataset<Row> joined = w.parsed.join(broadcast(w.flags),
        seq(List.of(ExportReader.SOURCE_FILE, ExportReader.ROW_NUMBER)), "left");
    return joined
        .withColumn(ExportReader.REASON, coalesce(col(ExportReader.REASON), col(FLAG_REASON)))
        .withColumn(ExportReader.MESSAGE, coalesce(col(ExportReader.MESSAGE), col(FLAG_MESSAGE)))
        .drop(FLAG_REASON, FLAG_MESSAGE);
  }

  /** Rows that passed every check so far. */
  private static Dataset<Row> accepted(Work w) {
    return classified(w).where(col(ExportReader.REASON).isNull());
  }

  private static List<FileCounts> fileCounts(Work w) {
    List<FileCounts> result = new ArrayList<>();
    for (String name : w.names) {
      Map<String, Long> reasons = new HashMap<>(w.parseCounts.get(name));
      w.flagCounts.getOrDefault(name, Map.of()).forEach((reason, n) -> reasons.merge(reason, n, Long::sum));
      result.add(new FileCounts(w.entity, name, w.readByFile.get(name), reasons, "pending"));
    }
    return result;
  }

  /** The quarantine-rate gate; returns what failed or null. */
  static String gate(IngestSettings settings, List<FileCounts> counts) {
    double limit = settings.maxQuarantineRate();
    List<String> failures = new ArrayList<>();
    for (FileCounts c : counts) {
      if (c.rowsJudged() >= settings.gateMinRows() && c.quarantineRate() > limit) {
        failures.add(String.format(Locale.ROOT, "%s (%s) quarantined %,d of %,d rows (%.1f %%; %s)", c.file(),
            c.entity().entityName(), c.rowsQuarantined() - c.rowsDropped(), c.rowsJudged(),
            100 * c.quarantineRate(), c.quarantinedByReason()));
      }
    }
    // Rows a mapping drops on purpose (FILTERED, DEDUPLICATED) are neither good nor bad rows for the gate.
    long read = counts.stream().mapToLong(FileCounts::rowsJudged).sum();
    long quarantined = counts.stream().mapToLong(c -> c.rowsQuarantined() - c.rowsDropped()).sum();
    if (read > 0 && (double) quarantined / read > limit) {
      failures.add(String.format(Locale.ROOT, "the run quarantined %,d of %,d rows (%.1f %%)", quarantined, read,
          100.0 * quarantined / read));
    }
    if (failures.isEmpty()) {
      return null;
    }
    return String.format(Locale.ROOT, "quarantine rate above ingest.max-quarantine-rate = %s: ", limit)
        + String.join("; ", failures);
  }

  private void write(PipelineContext context, List<Work> work, List<FileCounts> counts, boolean toSilver,
      ExecutorService pool) {
    Tables tables = context.tables();
    LocalDate runDate = context.runDate();
    Column runDateValue = lit(Date.valueOf(runDate));
    // Bronze and silver of an entity are separate tasks, biggest entity first: a gzipped export is one
    // Spark partition, so its two writes would otherwise run one after the other on a single core.
    List<Work> biggestFirst = new ArrayList<>(work);
    biggestFirst.sort(java.util.Comparator.comparingLong(
        (Work w) -> w.readByFile.values().stream().mapToLong(Long::longValue).sum()).reversed());
    List<Map.Entry<Work, Boolean>> writes = new ArrayList<>();
    for (Work w : biggestFirst) {
      writes.add(Map.entry(w, false));
      if (toSilver) {
        writes.add(Map.entry(w, true));
      }
    }
    runAll(pool, writes, write -> {
      Work w = write.getKey();
      String table;
      if (write.getValue()) {
        table = w.entity.table();
        if (acceptedRows(w) == 0 && tables.exists(table)) {
          // Nothing to upsert (e.g. a header-only export): a MERGE would only read the table and commit nothing.
          context.progress().step(NAME, table + " unchanged (" + w.entity.entityName() + ": no accepted rows)");
          return null;
        }
        mergeSilver(tables, w, runDateValue);
      } else {
        table = w.entity.bronzeTable();
        Dataset<Row> bronze = w.parsed.select(col(ExportReader.RAW + ".*"), col(ExportReader.UNMAPPED),
            col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER), runDateValue.as(Entity.RUN_DATE));
        tables.replaceWhere(bronze, table, Entity.RUN_DATE, Entity.RUN_DATE + " = DATE'" + runDate + "'",
            NO_COLUMN_STATS);
      }
      context.progress().step(NAME, "wrote " + table + " (" + w.entity.entityName() + ")");
      return null;
    });
    if (!toSilver) {
      context.progress().step(NAME, "silver tables not written: the quarantine-rate gate failed");
    }
    Dataset<Row> quarantine = context.spark().createDataFrame(List.of(), QUARANTINE_SCHEMA);
    for (Work w : work) {
      if (w.flags == null && w.parseCounts.values().stream().allMatch(Map::isEmpty)) {
        continue;
      }
      quarantine = quarantine.unionByName(classified(w).where(col(ExportReader.REASON).isNotNull()).select(
          lit(w.entity.source()).as("source"), lit(w.entity.entityName()).as("entity"),
          col(ExportReader.SOURCE_FILE).as("file"), col(ExportReader.ROW_NUMBER).as("row_number"),
          col(ExportReader.RAW_RECORD).as("raw_record"), col(ExportReader.REASON).as("reason_code"),
          col(ExportReader.MESSAGE).as("message"), runDateValue.as(Tables.RUN_DATE)));
    }
    String mine = Tables.RUN_DATE + " = DATE'" + runDate + "' AND source IN ("
        + sources.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", ")) + ")";
    tables.replaceWhere(quarantine, QUARANTINE, Tables.RUN_DATE, mine, Map.of());
    List<Row> runs = new ArrayList<>();
    for (FileCounts c : counts) {
      runs.add(RowFactory.create(c.entity().source(), c.entity().entityName(), c.file(), c.rowsRead(),
          c.rowsAccepted(), c.rowsQuarantined(), c.status(), c.quarantinedByReason(), Date.valueOf(runDate)));
    }
    tables.replaceWhere(context.spark().createDataFrame(runs, INGEST_RUNS_SCHEMA), INGEST_RUNS, Tables.RUN_DATE,
        mine, Map.of());
  }

  /** Rows of the entity's files that passed every check (read minus quarantined by any reason). */
  private static long acceptedRows(Work w) {
    long accepted = 0;
    for (FileCounts c : fileCounts(w)) {
      accepted += c.rowsAccepted();
    }
    return accepted;
  }

  /** Upserts accepted rows; within this run the last file (by name) and line of a key wins. */
  private static void mergeSilver(Tables tables, Work w, Column runDateValue) {
    Dataset<Row> rows = accepted(w).select(col(ExportReader.TYPED + ".*"), col(ExportReader.SOURCE_FILE),
        col(ExportReader.ROW_NUMBER), runDateValue.as(Entity.RUN_DATE));
    if (w.paths.size() > 1) {
      Column[] keys = w.entity.keys().stream().map(functions::col).toArray(Column[]::new);
      rows = rows.withColumn("_latest", functions.row_number().over(Window.partitionBy(keys)
              .orderBy(col(Entity.SOURCE_FILE).desc(), col(Entity.ROW_NUMBER).desc())))
          .where(col("_latest").equalTo(1)).drop("_latest");
    }
    tables.merge(rows, w.entity.table(), w.entity.keys(), NEWER, statsColumns(w.entity));
  }

  /**
   * Silver keeps file statistics (for data skipping) on the columns queries filter by: keys, the business
   * date and customer_id; statistics on every column cost a large share of the write time.
   */
  private static Map<String, String> statsColumns(Entity entity) {
    java.util.LinkedHashSet<String> columns = new java.util.LinkedHashSet<>(entity.keys());
    columns.add(entity.businessDateColumn());
    if (Arrays.asList(entity.schema().fieldNames()).contains(CUSTOMER_ID)) {
      columns.add(CUSTOMER_ID);
    }
    return Map.of("delta.dataSkippingStatsColumns", String.join(",", columns));
  }

  /** The MERGE condition: the incoming row replaces the stored one when it is not older. */
  static final String NEWER = "s._run_date > t._run_date OR (s._run_date = t._run_date AND"
      + " (s._source_file > t._source_file OR (s._source_file = t._source_file AND s._row_number >= t._row_number)))";

  private static void printSummary(PrintWriter out, List<FileCounts> counts, LocalDate runDate) {
    out.println();
    out.println("ingest " + runDate + ": rows read = accepted + quarantined, per file");
    out.println(String.format(Locale.ROOT, "%-40s %12s %12s %12s  %-8s  %-15s  %s", "file", "read", "accepted",
        "quarantined", "status", "entity", "reasons"));
    long read = 0;
    long accepted = 0;
    long quarantined = 0;
    for (FileCounts c : counts) {
      out.println(String.format(Locale.ROOT, "%-40s %,12d %,12d %,12d  %-8s  %-15s  %s", c.file(), c.rowsRead(),
          c.rowsAccepted(), c.rowsQuarantined(), c.status(), c.entity().entityName(),
          c.quarantinedByReason().isEmpty() ? "" : c.quarantinedByReason()));
      read += c.rowsRead();
      accepted += c.rowsAccepted();
      quarantined += c.rowsQuarantined();
    }
    out.println(String.format(Locale.ROOT, "%-40s %,12d %,12d %,12d", "total", read, accepted, quarantined));
    out.flush();
  }

  /** Runs one task per item (entity or table) on the pool and rethrows the first failure; all file problems are combined. */
  private static <T> void runAll(ExecutorService pool, List<T> work, Function<T, Void> task) {
    List<Future<Void>> futures = new ArrayList<>();
    for (T w : work) {
      futures.add(pool.submit(() -> task.apply(w)));
    }
    List<String> fileProblems = new ArrayList<>();
    RuntimeException other = null;
    for (Future<Void> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("ingest interrupted", e);
      } catch (ExecutionException e) {
        CpmException known = findCpm(e);
        if (known != null && known.exitCode() == io.cpm.jobs.ExitCode.DATA_QUALITY) {
          fileProblems.add(known.getMessage());
        } else if (other == null) {
          other = known != null ? known
              : e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    }
    if (!fileProblems.isEmpty()) {
      throw CpmException.dataQuality(String.join("; ", fileProblems));
    }
    if (other != null) {
      throw other;
    }
  }

  private static CpmException findCpm(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CpmException cpm) {
        return cpm;
      }
    }
    return null;
  }

  private static scala.collection.immutable.Seq<String> seq(List<String> columns) {
    return scala.collection.JavaConverters.asScalaBuffer(columns).toList();
  }
}
