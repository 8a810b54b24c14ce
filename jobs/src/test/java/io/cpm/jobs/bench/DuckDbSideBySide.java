package io.cpm.jobs.bench;

import io.cpm.metrics.schema.GoldTable;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.typesafe.config.Config;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.metrics.schema.Entity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * The same landing night in an embedded DuckDB (org.duckdb:duckdb_jdbc, test scope only), timed per step and set
 * beside cpm's stages of that night: load every entity's export into a typed table (bad values rejected, as cpm
 * quarantines them), key checks (required fields present, duplicate business keys, orders and order lines
 * without their customer or order), the checked rows written to Parquet; then the order-based value features
 * (revenue and orders over the year window and lifetime, recency, average order value, gross margin) with the
 * definitions of docs/features.md, read from cpm's own config, compared with cpm's customer_features row by row.
 *
 * <p>Not the same work: cpm's ingest also checks value ranges and dates after the run date, counts fields,
 * writes bronze and silver Delta tables with lineage and a quarantine table, and its features stage computes
 * about 80 columns from every source; the ratio printed is cpm's stage time over DuckDB's time for this subset.
 */
final class DuckDbSideBySide {
  /** Feature columns computed here, compared with cpm's customer_features of the same name. */
  private static final List<String> FEATURES = List.of("revenue_12m", "revenue_lifetime", "order_count_12m",
      "order_count_lifetime", "days_since_last_order", "avg_order_value", "gross_margin_12m");

  record Result(double ingestSeconds, double featureSeconds, String agreement) {}

  private DuckDbSideBySide() {}

  static Result run(java.util.function.Supplier<SparkSession> spark, Path night, Path dir, LocalDate runDate, Path warehouse,
      List<NightlyBenchmark.StageRun> cpmFirstNight) throws Exception {
    Files.createDirectories(dir);
    Map<String, Double> steps = new LinkedHashMap<>();
    Config features = CpmConfig.load(Path.of("conf/local.conf"), List.of()).raw().getConfig("features");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
         Statement sql = duck.createStatement()) {
      sql.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      sql.execute("SET temp_directory = '" + dir.resolve("spill") + "'");
      System.out.println("duckdb " + scalar(sql, "SELECT version()") + ", threads "
          + scalar(sql, "SELECT current_setting('threads')") + ", memory limit "
          + scalar(sql, "SELECT current_setting('memory_limit')"));

      long start = System.nanoTime();
      long loaded = 0;
      long rejected = 0;
      for (Entity entity : Entity.values()) {
        Path file = landingFile(night, entity);
        if (file == null) {
          continue;
        }
        String columns = "{" + java.util.Arrays.stream(entity.schema().fields())
            .map(f -> "'" + f.name() + "': '" + duckType(f.dataType()) + "'").collect(Collectors.joining(", ")) + "}";
        String scan = file.toString().endsWith(".jsonl")
            ? "read_json('" + file + "', format = 'newline_delimited', columns = " + columns
                + ", ignore_errors = true)"
            : "read_csv('" + file + "', header = true, columns = " + columns + ", store_rejects = true,"
                + " rejects_table = 'rejects_" + entity.entityName() + "', rejects_scan = 'scans_"
                + entity.entityName() + "')";
        sql.execute("CREATE TABLE raw_" + entity.entityName() + " AS SELECT * FROM " + scan);
        loaded += rows(sql, "raw_" + entity.entityName());
        if (!file.toString().endsWith(".jsonl")) {
          rejected += scalarLong(sql, "SELECT count(DISTINCT line) FROM rejects_" + entity.entityName());
        }
      }
      steps.put("load + type (read_csv / read_json)", seconds(start));

      start = System.nanoTime();
      long badKeys = 0;
      for (Entity entity : Entity.values()) {
        if (landingFile(night, entity) == null) {
          continue;
        }
        String name = entity.entityName();
        String required = java.util.Arrays.stream(entity.schema().fields()).filter(f -> !f.nullable())
            .map(f -> f.name() + " IS NOT NULL").collect(Collectors.joining(" AND "));
        String parent = entity == Entity.ORDER_LINES
            ? " AND order_id IN (SELECT order_id FROM raw_orders)"
            : entity != Entity.ACCOUNTS && entity.referencesCustomer()
                ? " AND customer_id IN (SELECT customer_id FROM raw_accounts)" : "";
        sql.execute("CREATE TABLE " + name + " AS SELECT * FROM raw_" + name + " WHERE "
            + (required.isEmpty() ? "true" : required) + parent
            + " QUALIFY row_number() OVER (PARTITION BY " + String.join(", ", entity.keys()) + ") = 1");
        badKeys += rows(sql, "raw_" + name) - rows(sql, name);
      }
      steps.put("key checks (required, duplicates, orphans)", seconds(start));

      start = System.nanoTime();
      Path parquet = Files.createDirectories(dir.resolve("parquet"));
      for (Entity entity : Entity.values()) {
        if (landingFile(night, entity) != null) {
          sql.execute("COPY " + entity.entityName() + " TO '" + parquet.resolve(entity.entityName() + ".parquet")
              + "' (FORMAT parquet)");
        }
      }
      steps.put("write Parquet", seconds(start));
      double ingest = steps.values().stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf(Locale.ROOT, "duckdb ingest: %,d rows loaded, %,d rejected by type, %,d dropped by key"
          + " checks%n", loaded, rejected, badKeys);

      start = System.nanoTime();
      Path featureFile = dir.resolve("features.parquet");
      sql.execute("COPY (" + featureSql(features, runDate) + ") TO '" + featureFile + "' (FORMAT parquet)");
      double featureSeconds = seconds(start);
      steps.put("value features (7 columns)", featureSeconds);

      // Spark starts only now, for the comparison, so DuckDB's steps ran alone.
      String agreement = compare(spark.get(), featureFile, warehouse, runDate);
      double cpmIngest = stageSeconds(cpmFirstNight, "ingest");
      double cpmFeatures = stageSeconds(cpmFirstNight, "features");
      System.out.println();
      System.out.printf(Locale.ROOT, "%-46s %10s%n", "duckdb step", "wall s");
      steps.forEach((step, s) -> System.out.printf(Locale.ROOT, "%-46s %10.1f%n", step, s));
      System.out.printf(Locale.ROOT, "%-30s %10s %10s %10s%n", "step", "cpm s", "duckdb s", "cpm/duckdb");
      System.out.printf(Locale.ROOT, "%-30s %10.1f %10.1f %10.1f%n", "ingest (load, type, keys, files)", cpmIngest,
          ingest, cpmIngest / ingest);
      System.out.printf(Locale.ROOT, "%-30s %10.1f %10.1f %10.1f%n", "features", cpmFeatures, featureSeconds,
          cpmFeatures / featureSeconds);
      System.out.println("(cpm's features stage computes about 80 columns from every source, DuckDB's 7 from"
          + " orders; cpm's ingest also writes bronze, silver and quarantine Delta tables)");
      System.out.println("features cpm vs duckdb: " + agreement);
      return new Result(ingest, featureSeconds, agreement);
    }
  }

  /**
   * docs/features.md's definitions: counted orders are dated on or before D and not cancelled, purchases are
   * counted orders that are not returns; amounts in the base currency; the year window is days 0..year-days-1.
   */
  static String featureSql(Config features, LocalDate runDate) {
    Config rates = features.getConfig("currency.rates");
    String rate = "CASE upper(o.currency) " + rates.root().keySet().stream()
        .map(c -> "WHEN '" + c.toUpperCase(Locale.ROOT) + "' THEN " + rates.getDouble(c))
        .collect(Collectors.joining(" ")) + " ELSE 1.0 END";
    String excluded = quoted(features.getStringList("excluded-order-statuses"));
    String returns = quoted(features.getStringList("return-order-statuses"));
    String d = "DATE '" + runDate + "'";
    String inYear = "o.order_date > " + d + " - INTERVAL " + features.getInt("windows.year-days") + " DAY";
    return "WITH counted AS (SELECT o.order_id, o.customer_id, o.order_date, " + rate + " AS rate,"
        + " coalesce(lower(o.status), '') NOT IN (" + returns + ") AS purchase FROM orders o"
        + " WHERE o.order_date <= " + d + " AND coalesce(lower(o.status), '') NOT IN (" + excluded + ")),"
        + " lines AS (SELECT c.customer_id, c.order_date, l.quantity * l.unit_price * c.rate AS revenue,"
        + " CASE WHEN l.unit_cost IS NOT NULL THEN l.quantity * (l.unit_price - l.unit_cost) * c.rate END AS margin"
        + " FROM counted c JOIN order_lines l USING (order_id)),"
        + " value AS (SELECT customer_id, sum(CASE WHEN " + inYear.replace("o.", "") + " THEN revenue ELSE 0 END)"
        + " AS revenue_12m, sum(revenue) AS revenue_lifetime, sum(CASE WHEN " + inYear.replace("o.", "")
        + " THEN margin ELSE 0 END) AS gross_margin_12m FROM lines GROUP BY customer_id),"
        + " purchases AS (SELECT customer_id, count(*) FILTER (WHERE " + inYear.replace("o.", "")
        + ") AS order_count_12m, count(*) AS order_count_lifetime, max(order_date) AS last_order_date"
        + " FROM counted WHERE purchase GROUP BY customer_id)"
        + " SELECT a.customer_id, coalesce(v.revenue_12m, 0)::DOUBLE AS revenue_12m,"
        + " coalesce(v.revenue_lifetime, 0)::DOUBLE AS revenue_lifetime,"
        + " coalesce(p.order_count_12m, 0) AS order_count_12m,"
        + " coalesce(p.order_count_lifetime, 0) AS order_count_lifetime,"
        + " (" + d + " - p.last_order_date)::INTEGER AS days_since_last_order,"
        + " CASE WHEN p.order_count_lifetime > 0 THEN v.revenue_lifetime / p.order_count_lifetime END::DOUBLE"
        + " AS avg_order_value, coalesce(v.gross_margin_12m, 0)::DOUBLE AS gross_margin_12m"
        + " FROM accounts a LEFT JOIN value v USING (customer_id) LEFT JOIN purchases p USING (customer_id)";
  }

  /** Customers whose seven values agree (money to the cent), in all and per column that does not. */
  private static String compare(SparkSession spark, Path duckFeatures, Path warehouse, LocalDate runDate) {
    Dataset<Row> cpm = spark.read().format("delta").load(warehouse.resolve(GoldTable.CUSTOMER_FEATURES.table()).toString())
        .where(col("run_date").equalTo(java.sql.Date.valueOf(runDate)));
    Dataset<Row> duck = spark.read().parquet(duckFeatures.toString());
    List<Column> agrees = new ArrayList<>();
    for (String feature : FEATURES) {
      Column c = col("c." + feature).cast(DataTypes.DoubleType);
      Column d = col("d." + feature).cast(DataTypes.DoubleType);
      agrees.add(c.isNull().and(d.isNull()).or(abs(c.minus(d)).leq(lit(0.005))).cast("int").as(feature));
    }
    Dataset<Row> flags = cpm.alias("c").join(duck.alias("d"), "customer_id").select(agrees.toArray(Column[]::new))
        .withColumn("all", FEATURES.stream().map(f -> col(f).equalTo(1)).reduce(Column::and).orElseThrow()
            .cast("int"));
    List<Column> sums = new ArrayList<>();
    for (String column : flags.columns()) {
      sums.add(sum(col(column)).as(column));
    }
    Row row = flags.agg(org.apache.spark.sql.functions.count(lit(1)), sums.toArray(Column[]::new)).first();
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%,d of %,d customers (cpm %,d rows, duckdb"
        + " %,d) agree on all %d columns", row.getLong(FEATURES.size() + 1), row.getLong(0), cpm.count(),
        duck.count(), FEATURES.size()));
    for (int i = 0; i < FEATURES.size(); i++) {
      if (row.getLong(i + 1) != row.getLong(0)) {
        text.append("; ").append(FEATURES.get(i)).append(" agrees for ").append(row.getLong(i + 1));
      }
    }
    return text.toString();
  }

  private static double stageSeconds(List<NightlyBenchmark.StageRun> runs, String stage) {
    return runs.stream().filter(r -> r.stage().equals(stage)).mapToDouble(NightlyBenchmark.StageRun::wallSeconds)
        .sum();
  }

  /** The entity's export in the night's folder, whatever its extension; null when the night has none. */
  private static Path landingFile(Path night, Entity entity) {
    for (String ext : List.of(".csv", ".csv.gz", ".jsonl")) {
      Path file = night.resolve(entity.source()).resolve(entity.entityName() + ext);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    return null;
  }

  private static String duckType(DataType type) {
    if (type instanceof DecimalType decimal) {
      return "DECIMAL(" + decimal.precision() + "," + decimal.scale() + ")";
    }
    if (type.equals(DataTypes.DateType)) {
      return "DATE";
    }
    if (type.equals(DataTypes.TimestampType)) {
      return "TIMESTAMP";
    }
    if (type.equals(DataTypes.IntegerType)) {
      return "INTEGER";
    }
    if (type.equals(DataTypes.LongType)) {
      return "BIGINT";
    }
    if (type.equals(DataTypes.BooleanType)) {
      return "BOOLEAN";
    }
    if (type.equals(DataTypes.DoubleType)) {
      return "DOUBLE";
    }
    return "VARCHAR";
  }

  private static String quoted(List<String> values) {
    return values.isEmpty() ? "''" : values.stream().map(v -> "'" + v.toLowerCase(Locale.ROOT).replace("'", "''")
        + "'").collect(Collectors.joining(", "));
  }

  private static long rows(Statement sql, String table) throws SQLException {
    return scalarLong(sql, "SELECT count(*) FROM " + table);
  }

  private static long scalarLong(Statement sql, String query) throws SQLException {
    try (ResultSet rs = sql.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String scalar(Statement sql, String query) throws SQLException {
    try (ResultSet rs = sql.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
