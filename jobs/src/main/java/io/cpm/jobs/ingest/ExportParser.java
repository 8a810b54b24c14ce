package io.cpm.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.pipeline.PipelineContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Ingest's parse step: checks every file's header, then parses every file with {@link ExportReader} (one Spark
 * task per file or part of a gzipped file, entities in parallel), caches the rows and counts them by file and
 * row-check reason. All file-level problems of the run are reported together and nothing is written (exit 3).
 */
final class ExportParser {
  /** Most tasks one gzipped CSV file is parsed by (see {@code ingest.split-gzip-bytes}). */
  private static final int MAX_PARTS = 4;
  private static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";

  private final PipelineContext context;
  private final IngestSettings settings;
  private final ExecutorService pool;

  ExportParser(PipelineContext context, IngestSettings settings, ExecutorService pool) {
    this.context = context;
    this.settings = settings;
    this.pool = pool;
  }

  /** Checks the headers of all files, then parses them all into {@link EntityWork#parsed} (cached). */
  void parse(List<EntityWork> work) {
    checkHeaders(work);
    SparkSession spark = context.spark();
    Broadcast<SerializableConfiguration> hadoopConf = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    // Compressing the cache costs more CPU (dictionary statistics per column) than reading it back saves.
    String compressed = spark.conf().get(CACHE_COMPRESSED, "true");
    spark.conf().set(CACHE_COMPRESSED, "false");
    try {
      parseAll(work, hadoopConf);
    } catch (CpmException e) {
      throw e.exitCode() == ExitCode.DATA_QUALITY
          ? CpmException.dataQuality(e.getMessage() + ". No table was changed.") : e;
    } finally {
      spark.conf().set(CACHE_COMPRESSED, compressed);
    }
  }

  private ExportReader reader(EntityWork w) {
    return new ExportReader(w.mapping, settings, context.runDate(), settings.maxLineBytes());
  }

  /**
   * Reads the header of every file of the run before any file is parsed, so a missing column (renamed or used by
   * an expression) is reported at once for all files, in seconds, and nothing is written (exit 3).
   */
  private void checkHeaders(List<EntityWork> work) {
    Configuration conf = context.spark().sparkContext().hadoopConfiguration();
    List<String> problems = new ArrayList<>();
    for (EntityWork w : work) {
      ExportReader reader = reader(w);
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

  private void parseAll(List<EntityWork> work, Broadcast<SerializableConfiguration> hadoopConf) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
    Tasks.runAll(pool, work, w -> {
      ExportReader reader = reader(w);
      int[] parts = new int[w.paths.size()];
      List<Integer> tasks = new ArrayList<>();
      for (int i = 0; i < parts.length; i++) {
        parts[i] = parts(w, i, jsc.defaultParallelism());
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
        context.progress().step(IngestStage.NAME, String.format(Locale.ROOT,
            "%s: %,d rows read, %,d rejected by row checks%s", name, read.get(name), quarantined,
            parts[i] > 1 ? " (parsed by " + parts[i] + " tasks)" : ""));
      }
    });
  }

  /**
   * Tasks that parse file {@code i} of {@code w}: one, or for a gzipped CSV file of at least
   * {@code ingest.split-gzip-bytes} one per core up to {@link #MAX_PARTS} (each reads the whole stream, see
   * {@link ExportReader#read(String, String, Configuration, int, int)}; more parts would mostly repeat that).
   */
  private int parts(EntityWork w, int i, int cores) {
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
        private Iterator<InternalRow> current = Collections.emptyIterator();

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
            throw new NoSuchElementException();
          }
          return current.next();
        }
      };
    }
  }
}
