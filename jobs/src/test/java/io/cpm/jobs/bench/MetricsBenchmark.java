package io.cpm.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.cpm.metrics.features.CustomerFeatures;
import io.cpm.metrics.features.FeatureParameters;
import io.cpm.metrics.kpi.KpiInputs;
import io.cpm.metrics.kpi.KpiLibrary;
import io.cpm.metrics.kpi.KpiParameters;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Times customer features and the KPI set on synthetic silver tables of N customers (deterministic, derived
 * from row ids) and prints rows, seconds and Spark jobs. Run with bench/metrics-benchmark.sh [customers].
 */
public final class MetricsBenchmark {
  private static final LocalDate AS_OF = LocalDate.parse("2025-03-31");

  private MetricsBenchmark() {}

  public static void main(String[] args) throws Exception {
    long customers = args.length > 0 ? Long.parseLong(args[0]) : 10_000;
    SparkSession spark = SparkSession.builder().master("local[*]").appName("metrics-benchmark")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    AtomicInteger jobs = new AtomicInteger();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    });
    SilverTables silver = generate(spark, customers);
    long start = System.nanoTime();
    Dataset<Row> features = CustomerFeatures.compute(silver, FeatureParameters.defaults(), AS_OF).cache();
    long featureRows = features.count();
    report("features", featureRows, start, jobs);
    jobs.set(0);
    start = System.nanoTime();
    long kpiRows = KpiLibrary.compute(KpiInputs.of(silver, features), KpiParameters.defaults(), AS_OF).count();
    spark.sparkContext().listenerBus().waitUntilEmpty();
    report("kpis", kpiRows, start, jobs);
    spark.stop();
  }

  private static void report(String what, long rows, long startNanos, AtomicInteger jobs) {
    System.out.println(String.format(Locale.ROOT, "%-8s %,10d rows %8.1f s %4d Spark jobs", what, rows,
        (System.nanoTime() - startNanos) / 1e9, jobs.get()));
  }

  private static SilverTables generate(SparkSession spark, long n) {
    Column asOf = lit(Date.valueOf(AS_OF));
    Map<Entity, Dataset<Row>> tables = new EnumMap<>(Entity.class);
    Column customer = concat(lit("C"), expr("cast(id % " + n + " as string)"));
    tables.put(Entity.ACCOUNTS, spark.range(n).select(concat(lit("C"), col("id").cast("string")).as("customer_id"),
        lit("name").as("name"), expr("element_at(array('retail','industry','services'), int(id % 3) + 1)").as("industry"),
        expr("element_at(array('north','south'), int(id % 2) + 1)").as("region"), lit("small").as("size"),
        concat(lit("S"), expr("cast(id % 20 as string)")).as("owner_id"),
        date_sub(asOf, expr("int(30 + id % 900)")).as("created_at"), lit(null).as("first_contact_at"),
        lit(null).as("email"), lit(null).as("phone")));
    tables.put(Entity.ORDERS, spark.range(n * 8).select(concat(lit("O"), col("id").cast("string")).as("order_id"),
        customer.as("customer_id"), date_sub(asOf, expr("int((id * 7919) % 700)")).as("order_date"),
        expr("CASE WHEN id % 50 = 0 THEN 'cancelled' ELSE 'completed' END").as("status"),
        element_at(expr("array('EUR','EUR','EUR','USD','GBP')"), expr("int(id % 5) + 1")).as("currency")));
    tables.put(Entity.ORDER_LINES, spark.range(n * 16).select(
        concat(lit("O"), expr("cast(id div 2 as string)")).as("order_id"), expr("int(id % 2) + 1").as("line_no"),
        lit(null).as("order_date"), concat(lit("P"), expr("cast(id % 40 as string)")).as("product_id"),
        concat(lit("line"), expr("cast(id % 5 as string)")).as("product_line"),
        expr("CASE WHEN id % 37 = 0 THEN -1 ELSE int(1 + id % 3) END").as("quantity"),
        expr("50 + id % 40").as("unit_price"), lit(100).as("list_price"), lit(30).as("unit_cost")));
    tables.put(Entity.INVOICES, spark.range(n * 8).select(concat(lit("I"), col("id").cast("string")).as("invoice_id"),
        customer.as("customer_id"), concat(lit("O"), col("id").cast("string")).as("order_id"),
        date_sub(asOf, expr("int((id * 7919) % 700)")).as("issued_at"),
        date_sub(asOf, expr("int((id * 7919) % 700) - 30")).as("due_at"),
        expr("CASE WHEN id % 7 = 0 THEN NULL ELSE date_sub(DATE'2025-03-31', int((id * 7919) % 700) - 20) END")
            .as("paid_at"), lit(120).as("amount"), lit("EUR").as("currency")));
    tables.put(Entity.CONTRACTS, spark.range(n / 3).select(concat(lit("K"), col("id").cast("string")).as("contract_id"),
        customer.as("customer_id"), date_sub(asOf, expr("int(id % 500)")).as("start_date"),
        lit(null).as("end_date"), lit(1200).as("annual_value"), lit("active").as("status")));
    tables.put(Entity.OPPORTUNITIES, spark.range(n).select(concat(lit("P"), col("id").cast("string")).as("opportunity_id"),
        customer.as("customer_id"), date_sub(asOf, expr("int(id % 400)")).as("created_at"),
        expr("element_at(array('qualification','proposal','negotiation','closed_won'), int(id % 4) + 1)").as("stage"),
        date_sub(asOf, expr("int(id % 30)")).as("stage_changed_at"), lit(5000).as("amount"),
        concat(lit("line"), expr("cast(id % 5 as string)")).as("product_line"), lit("pricing").as("topic"),
        expr("CASE WHEN id % 4 = 3 OR id % 5 = 0 THEN date_sub(DATE'2025-03-31', int(id % 20)) END").as("closed_at"),
        expr("id % 4 = 3").as("won"), expr("CASE WHEN id % 5 = 0 AND id % 4 <> 3 THEN 'price' END").as("lost_reason"),
        concat(lit("S"), expr("cast(id % 20 as string)")).as("owner_id")));
    tables.put(Entity.ACTIVITIES, spark.range(n * 20).select(concat(lit("A"), col("id").cast("string")).as("activity_id"),
        customer.as("customer_id"),
        expr("element_at(array('call','email','meeting','visit','login','event'), int(id % 6) + 1)").as("type"),
        expr("timestamp_seconds(1743379200 - (id * 104729) % 31536000)").as("occurred_at"),
        concat(lit("S"), expr("cast(id % 20 as string)")).as("owner_id"), lit(null).as("subject")));
    tables.put(Entity.NPS_RESPONSES, spark.range(n / 2).select(concat(lit("R"), col("id").cast("string")).as("response_id"),
        customer.as("customer_id"), date_sub(asOf, expr("int(id % 365)")).as("responded_at"),
        expr("int(id % 11)").as("score")));
    tables.put(Entity.MARKETING_SPEND, spark.range(96).select(expr("add_months(DATE'2023-04-01', int(id div 4))").as("month"),
        expr("element_at(array('web','event','partner','email'), int(id % 4) + 1)").as("channel"),
        lit(10000).as("amount")));
    tables.put(Entity.LEADS, spark.range(n * 2).select(concat(lit("L"), col("id").cast("string")).as("lead_id"),
        expr("CASE WHEN id < " + n + " THEN concat('C', cast(id as string)) END").as("customer_id"),
        date_sub(asOf, expr("int(id % 900)")).as("created_at"),
        expr("element_at(array('web','event','partner','email'), int(id % 4) + 1)").as("channel"),
        lit("open").as("status"), expr("CASE WHEN id % 3 = 0 THEN date_sub(DATE'2025-03-31', int(id % 900) - 10) END")
            .as("converted_at")));
    tables.put(Entity.TICKETS, spark.range(n * 2).select(concat(lit("T"), col("id").cast("string")).as("ticket_id"),
        customer.as("customer_id"), expr("timestamp_seconds(1743379200 - (id * 104729) % 31536000)").as("created_at"),
        expr("timestamp_seconds(1743379200 - (id * 104729) % 31536000 + 7200)").as("first_response_at"),
        expr("timestamp_seconds(1743379200 - (id * 104729) % 31536000 + 86400)").as("resolved_at"),
        lit("resolved").as("status"), lit("low").as("priority"),
        expr("CASE WHEN id % 9 = 0 THEN 'complaint' ELSE 'question' END").as("type"),
        expr("element_at(array('billing','setup','usage'), int(id % 3) + 1)").as("topic"), lit(null).as("satisfaction"),
        lit(10).as("parts_cost"), lit(40).as("labor_cost")));
    return SilverTables.load(entity -> {
      Dataset<Row> raw = tables.get(entity);
      Column[] typed = new Column[entity.schema().size() + 3];
      int i = 0;
      for (StructField field : entity.schema().fields()) {
        typed[i++] = col(field.name()).cast(field.dataType()).as(field.name());
      }
      typed[i++] = lit("bench").as(Entity.SOURCE_FILE);
      typed[i++] = lit(1L).as(Entity.ROW_NUMBER);
      typed[i] = lit(Date.valueOf(AS_OF)).as(Entity.RUN_DATE);
      Dataset<Row> result = raw.select(typed);
      if (entity == Entity.ORDER_LINES) {
        // order lines carry their order's date
        Dataset<Row> dates = tables.get(Entity.ORDERS).select(col("order_id").as("o_id"), col("order_date").as("o_date"));
        result = result.join(dates, result.col("order_id").equalTo(dates.col("o_id")))
            .withColumn("order_date", col("o_date")).drop("o_id", "o_date").select(result.columns()[0],
                java.util.Arrays.copyOfRange(result.columns(), 1, result.columns().length));
      }
      return result.cache();
    });
  }
}
