package io.cpm.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.cpm.jobs.pipeline.PipelineContext;
import io.cpm.metrics.schema.Entity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ingest's checks across rows, run after every file is parsed and before the gate: DEDUPLICATED (a mapping's
 * {@code distinct-by}), DUPLICATE_KEY, identity resolution ({@link IdentityPass}: IDENTITY_CONFLICT),
 * UNKNOWN_CUSTOMER and UNKNOWN_CURRENCY. Each judges only rows that passed
 * every earlier check, in this order, and records its verdicts on the {@link EntityWork}.
 */
final class CrossRowChecks {
  private static final String CUSTOMER_ID = "customer_id";
  private static final String CURRENCY = "currency";

  private final PipelineContext context;
  private final ExecutorService pool;
  /** Currencies the features stage can convert ({@code features.currency.base} and the rates' keys). */
  private final Set<String> knownCurrencies;

  CrossRowChecks(PipelineContext context, ExecutorService pool, Set<String> knownCurrencies) {
    this.context = context;
    this.pool = pool;
    this.knownCurrencies = Set.copyOf(knownCurrencies);
  }

  /** Identity resolution run between DUPLICATE_KEY and UNKNOWN_CUSTOMER, or null. */
  private IdentityPass identity;

  /**
   * Resolves customer references with {@code identity} after the duplicate checks (so a row gets one reason) and
   * before UNKNOWN_CUSTOMER, which then also knows the customers it created.
   */
  CrossRowChecks withIdentity(IdentityPass identity) {
    this.identity = identity;
    return this;
  }

  /** Runs every check in order. */
  void run(List<EntityWork> work) {
    deduplicate(work);
    flagDuplicates(work);
    if (identity != null) {
      identity.run(work);
    }
    flagUnknownCustomers(work);
    flagUnknownCurrencies(work);
  }

  /**
   * DEDUPLICATED: for a mapping with {@code distinct-by}, of the rows (across its files) that passed the row
   * checks and share the distinct-by values only one is kept: the first by file and line, or with
   * {@code newest-by} the one with its latest value (ties: the later line). Replaces the cached
   * rows, so the later checks and the writes see the outcome.
   */
  private void deduplicate(List<EntityWork> work) {
    Tasks.runAll(pool, work.stream().filter(w -> !w.mapping.distinctBy().isEmpty()).toList(), w -> {
      Column[] by = w.mapping.distinctBy().stream().map(c -> col(ExportReader.TYPED + "." + c)).toArray(Column[]::new);
      Column[] order = w.mapping.newestBy() == null
          ? new Column[] {col(ExportReader.SOURCE_FILE).asc(), col(ExportReader.ROW_NUMBER).asc()}
          : new Column[] {col(ExportReader.TYPED + "." + w.mapping.newestBy()).desc_nulls_last(),
              col(ExportReader.SOURCE_FILE).desc(), col(ExportReader.ROW_NUMBER).desc()};
      WindowSpec group = Window.partitionBy(by).orderBy(order);
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
          .select(w.parsed.columns()[0], Arrays.copyOfRange(w.parsed.columns(), 1, w.parsed.columns().length))
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
        context.progress().step(IngestStage.NAME, String.format(Locale.ROOT, "%s (%s): %,d rows deduplicated by %s",
            r.getString(0), w.entity.entityName(), r.getLong(1), what));
      }
    });
  }

  /**
   * DUPLICATE_KEY: within one file the first row (by line) of a key is kept and every later row of that key
   * is flagged. Only rows that passed the row checks take part. The reader marks rows whose key hash it has
   * seen before in the file; only rows sharing such a hash are compared by their actual keys here, so a file
   * without repeats costs no extra pass and a hash collision cannot flag a row wrongly.
   */
  private void flagDuplicates(List<EntityWork> work) {
    Tasks.runAll(pool, work.stream().filter(w -> w.repeatedKeys > 0).toList(), w -> {
      List<String> keys = w.entity.keys();
      Dataset<Row> hashes = w.parsed.where(col(ExportReader.KEY_REPEATED))
          .select(ExportReader.SOURCE_FILE, ExportReader.KEY_HASH).distinct();
      Dataset<Row> repeated = context.spark().createDataFrame(hashes.collectAsList(), hashes.schema());
      List<Row> candidates = w.parsed.where(col(ExportReader.REASON).isNull())
          .join(broadcast(repeated), Tasks.seq(List.of(ExportReader.SOURCE_FILE, ExportReader.KEY_HASH)))
          .select(fileLineAndKeys(w.entity))
          .collectAsList();
      Map<List<Object>, Long> first = new HashMap<>();
      List<Row> byLine = new ArrayList<>(candidates);
      byLine.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparingLong(r -> r.getLong(1)));
      List<Row> flags = new ArrayList<>();
      for (Row r : byLine) {
        List<Object> key = new ArrayList<>();
        key.add(r.getString(0));
        for (int k = 0; k < keys.size(); k++) {
          key.add(r.get(k + 2));
        }
        Long firstLine = first.putIfAbsent(key, r.getLong(1));
        if (firstLine != null) {
          String keyText = IntStream.range(0, keys.size())
              .mapToObj(k -> keys.get(k) + "=" + r.get(k + 2)).collect(Collectors.joining(", "));
          flags.add(RowFactory.create(r.getString(0), r.getLong(1), ReasonCode.DUPLICATE_KEY.name(),
              "duplicate key " + keyText + ": first at line " + firstLine + " (kept)"));
        }
      }
      w.addFlags(context.spark(), flags);
    });
  }

  /** Source file, row number, then the entity's key columns. */
  private static Column[] fileLineAndKeys(Entity entity) {
    List<Column> columns = new ArrayList<>(List.of(col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER)));
    entity.keys().forEach(k -> columns.add(col(ExportReader.TYPED + "." + k).as(k)));
    return columns.toArray(Column[]::new);
  }

  /**
   * UNKNOWN_CUSTOMER: rows of entities that reference a customer ({@link Entity#referencesCustomer()}) whose
   * customer_id is neither in silver {@code customers} nor among this run's accepted accounts.
   */
  private void flagUnknownCustomers(List<EntityWork> work) {
    List<EntityWork> referencing = work.stream().filter(w -> w.entity.referencesCustomer()).toList();
    if (referencing.isEmpty()) {
      return;
    }
    SparkSession spark = context.spark();
    Dataset<Row> known = spark.createDataFrame(List.of(), new StructType().add(CUSTOMER_ID, DataTypes.StringType));
    if (context.tables().exists(Entity.ACCOUNTS.table())) {
      known = known.union(context.tables().read(Entity.ACCOUNTS.table()).select(CUSTOMER_ID));
    }
    for (EntityWork w : work) {
      if (w.entity == Entity.ACCOUNTS) {
        known = known.union(w.accepted().select(col(ExportReader.TYPED + "." + CUSTOMER_ID).as(CUSTOMER_ID)));
      }
    }
    Dataset<Row> created = identity == null ? null : identity.createdIds();
    if (created != null) {
      known = known.union(created.select(CUSTOMER_ID));
    }
    Dataset<Row> knownIds = known.distinct().persist();
    try {
      Tasks.runAll(pool, referencing, w -> {
        // A null customer_id (allowed where the schema allows it: opportunities without an account) is no reference.
        Dataset<Row> candidates = w.accepted().select(col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER),
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
        w.addFlags(spark, flags);
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
  private void flagUnknownCurrencies(List<EntityWork> work) {
    List<EntityWork> priced = work.stream()
        .filter(w -> Arrays.asList(w.entity.schema().fieldNames()).contains(CURRENCY)).toList();
    if (priced.isEmpty()) {
      return;
    }
    Tasks.runAll(pool, priced, w -> {
      Column currency = col(ExportReader.TYPED + "." + CURRENCY);
      List<Row> unknown = w.accepted().where(currency.isNotNull()
              .and(functions.not(functions.upper(currency).isin(knownCurrencies.toArray()))))
          .select(col(ExportReader.SOURCE_FILE), col(ExportReader.ROW_NUMBER), currency).collectAsList();
      List<Row> flags = new ArrayList<>();
      for (Row u : unknown) {
        flags.add(RowFactory.create(u.getString(0), u.getLong(1), ReasonCode.UNKNOWN_CURRENCY.name(),
            "currency = '" + u.getString(2) + "' has no rate: add it to features.currency.rates (known: "
                + String.join(", ", new TreeSet<>(knownCurrencies)) + ")"));
      }
      w.addFlags(context.spark(), flags);
    });
  }
}
