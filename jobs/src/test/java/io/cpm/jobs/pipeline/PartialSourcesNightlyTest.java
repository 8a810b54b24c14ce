package io.cpm.jobs.pipeline;

import io.cpm.metrics.schema.GoldTable;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the whole nightly run (ingest → report) exits 0 for every combination of sources a company may
 * export, on a cut of the sample data (the first 150 customers, first night). Features without a source are
 * null and listed under "what could not be computed", KPIs without inputs are null with a null_reason. All
 * combinations share this JVM's Spark session; churn uses one algorithm and two snapshots to keep CI cheap.
 */
class PartialSourcesNightlyTest {
  private static final String DATE = "2025-03-29";
  private static final int CUSTOMERS = 150;
  /** Opportunities of the cut whose account is blanked out: early pipeline without an account. */
  private static final int ACCOUNTLESS = 12;
  private static Path sample;

  @BeforeAll
  static void cutSample() throws IOException {
    sample = TestSpark.newDirectory("partial-sources-sample");
    Path from = RepoFiles.path("sample-data/landing/" + DATE);
    Set<String> orders = new HashSet<>();
    for (String entity : List.of("accounts", "leads", "opportunities", "activities", "nps_responses")) {
      copyCustomers(from, "crm", entity + ".csv", entity.equals("accounts") ? 0 : 1, null);
    }
    Files.copy(from.resolve("crm/marketing_spend.csv"), dir("crm").resolve("marketing_spend.csv"));
    copyCustomers(from, "erp", "orders.csv", 1, orders);
    copyCustomers(from, "erp", "invoices.csv", 1, null);
    copyCustomers(from, "erp", "contracts.csv", 1, null);
    List<String> lines = new ArrayList<>();
    for (String line : gunzip(from.resolve("erp/order_lines.csv.gz")).split("\n")) {
      if (lines.isEmpty() || orders.contains(line.substring(0, line.indexOf(',')))) {
        lines.add(line);
      }
    }
    Files.write(dir("erp").resolve("order_lines.csv.gz"), gzip(String.join("\n", lines) + "\n"));
    Pattern customer = Pattern.compile("\"customer_id\":\"(C\\d+)\"");
    List<String> tickets = new ArrayList<>();
    for (String line : Files.readAllLines(from.resolve("tickets/tickets.jsonl"))) {
      Matcher m = customer.matcher(line);
      if (m.find() && kept(m.group(1))) {
        tickets.add(line);
      }
    }
    Files.write(dir("tickets").resolve("tickets.jsonl"), tickets);
    // Early pipeline: the first opportunities of the cut lose their account.
    Path opportunities = sample.resolve("crm/opportunities.csv");
    List<String> rows = new ArrayList<>(Files.readAllLines(opportunities));
    int blanked = 0;
    for (int i = 1; i < rows.size() && blanked < ACCOUNTLESS; i++) {
      String[] fields = rows.get(i).split(",", 3);
      rows.set(i, fields[0] + ",," + fields[2]);
      blanked++;
    }
    Files.write(opportunities, rows);
  }

  @Test
  void everyCombinationOfSourcesRunsTheWholeNightToExitZero() throws IOException {
    SparkSession spark = TestSpark.session();

    // Only ERP: the customer master (accounts) and the ERP exports; no activities, tickets, NPS or pipeline.
    Run erp = run("erp", List.of("crm", "erp"), Set.of("crm/accounts.csv", "erp/"));
    assertThat(nullFor(spark, erp, GoldTable.CUSTOMER_FEATURES.table(), "activities_30d")).isTrue();
    assertThat(nullFor(spark, erp, GoldTable.CUSTOMER_FEATURES.table(), "tickets_12m")).isTrue();
    assertThat(nullFor(spark, erp, GoldTable.CUSTOMER_FEATURES.table(), "revenue_12m")).isFalse();
    assertThat(erp.summary()).contains("What could not be computed").contains("no activities export")
        .contains("no tickets export").contains("no opportunities export");
    assertThat(kpiReason(spark, erp, "win_rate")).contains("no opportunities export");
    assertThat(kpiReason(spark, erp, "nps")).contains("no nps_responses export");

    // Only CRM (accounts, opportunities, activities): no orders, so no CLV, no churn examples, no revenue.
    Run crm = run("crm", List.of("crm"),
        Set.of("crm/accounts.csv", "crm/opportunities.csv", "crm/activities.csv"));
    assertThat(nullFor(spark, crm, GoldTable.CUSTOMER_FEATURES.table(), "revenue_12m")).isTrue();
    assertThat(nullFor(spark, crm, GoldTable.CUSTOMER_FEATURES.table(), "order_count_12m")).isTrue();
    assertThat(nullFor(spark, crm, GoldTable.CUSTOMER_FEATURES.table(), "activities_30d")).isFalse();
    assertThat(nullFor(spark, crm, GoldTable.CUSTOMER_SCORES.table(), "clv_grade")).isTrue();
    assertThat(nullFor(spark, crm, GoldTable.CUSTOMER_SCORES.table(), "churn_probability")).isTrue();
    assertThat(crm.summary()).contains("model    clv:").contains("model    churn:").contains("no orders export");
    for (String kpi : List.of("ltv", "cac", "cross_sell_rate", "avg_order_value")) {
      assertThat(kpiReason(spark, crm, kpi)).as(kpi).isNotNull();
      assertThat(value(spark, crm, kpi)).as(kpi).isNull();
    }
    // Health from the components with a source only: usage and interaction (activities).
    Row used = spark.read().format("delta").load(crm.table(GoldTable.CUSTOMER_SCORES.table()))
        .selectExpr("max(size(health_components))", "max(array_contains(health_components, 'nps'))",
            "count(health_score)").first();
    assertThat(used.getInt(0)).isEqualTo(2);
    assertThat(used.getBoolean(1)).isFalse();
    assertThat(used.getLong(2)).isPositive();
    // Opportunities without an account are kept in silver and counted in the company's pipeline.
    Dataset<Row> opportunities = spark.read().format("delta").load(crm.table("opportunities"));
    assertThat(opportunities.where(col("customer_id").isNull()).count()).isEqualTo(ACCOUNTLESS);
    double allTimeLeads = opportunities.count();
    assertThat(kpiRow(spark, crm, "stage_conversion.qualification_to_proposal", "all_time").getDouble(1))
        .isEqualTo(allTimeLeads);
    assertThat(spark.read().format("delta").load(crm.table(GoldTable.NOT_COMPUTED.table())).count()).isPositive();
    assertThat(Files.readString(crm.warehouse().resolveSibling("reports").resolve(DATE).resolve("index.html")))
        .contains("What could not be computed").contains("no orders export");

    // CRM + tickets.
    Run helpDesk = run("crm-tickets", List.of("crm", "tickets"),
        Set.of("crm/accounts.csv", "crm/opportunities.csv", "crm/activities.csv", "tickets/"));
    assertThat(nullFor(spark, helpDesk, GoldTable.CUSTOMER_FEATURES.table(), "tickets_12m")).isFalse();
    assertThat(value(spark, helpDesk, "complaint_rate")).isNotNull();
    assertThat(kpiReason(spark, helpDesk, "avg_order_value")).contains("no orders export");

    // Everything but NPS, invoices and contracts (the Imputer failed on all-null columns before).
    Run most = run("no-nps", List.of("crm", "erp", "tickets"), Set.of("crm/accounts.csv", "crm/leads.csv",
        "crm/opportunities.csv", "crm/activities.csv", "crm/marketing_spend.csv", "erp/orders.csv",
        "erp/order_lines.csv.gz", "tickets/"));
    assertThat(nullFor(spark, most, GoldTable.CUSTOMER_FEATURES.table(), "nps_avg")).isTrue();
    assertThat(nullFor(spark, most, GoldTable.CUSTOMER_FEATURES.table(), "avg_days_to_pay")).isTrue();
    assertThat(nullFor(spark, most, GoldTable.CUSTOMER_SCORES.table(), "churn_probability")).isFalse();
    Row run = spark.read().format("delta").load(most.table(GoldTable.MODEL_RUNS.table())).where("chosen")
        .select("parameters").first();
    assertThat(run.getString(0)).contains("\"droppedFeatures\"").contains("\"nps_avg\"")
        .contains("\"avg_days_to_pay\"");
    assertThat(kpiReason(spark, most, "nps")).contains("no nps_responses export");
  }

  /** A finished run: its warehouse and printed summary. */
  private record Run(Path warehouse, String summary) {
    String table(String name) {
      return warehouse.resolve(name).toString();
    }
  }

  /**
   * Runs {@code cpm nightly} on a landing folder holding only the given files ({@code source/} = all of it) for
   * the listed source systems; the exports left out are not required.
   */
  private static Run run(String name, List<String> sources, Set<String> delivered) throws IOException {
    Path root = TestSpark.newDirectory("partial-" + name);
    Path landing = root.resolve("landing");
    List<String> args = new ArrayList<>(List.of("nightly", "--run-date", DATE, "--config",
        RepoFiles.path("conf/local.conf").toString(), "--set", "paths.landing=" + landing,
        "--set", "paths.warehouse=" + root.resolve("warehouse"), "--set", "paths.exports=" + root.resolve("exports"),
        "--set", "paths.reports=" + root.resolve("reports"),
        "--set", "catalog.database=partial_" + name.replace('-', '_'),
        "--set", "ingest.sources=[" + String.join(",", sources) + "]",
        "--set", "scoring.churn.model=logistic", "--set", "scoring.churn.snapshot-count=2"));
    for (String source : sources) {
      Files.createDirectories(landing.resolve(DATE).resolve(source));
      try (var files = Files.list(sample.resolve(source))) {
        for (Path file : files.toList()) {
          String relative = source + "/" + file.getFileName();
          if (delivered.contains(relative) || delivered.contains(source + "/")) {
            Files.copy(file, landing.resolve(DATE).resolve(relative));
          } else {
            String entity = file.getFileName().toString().replaceAll("\\..*", "");
            args.addAll(List.of("--set", "sources." + source + "." + entity + ".required=false"));
          }
        }
      }
    }
    CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(name + ": " + result.err() + result.out()).isZero();
    assertThat(result.err()).as(name).doesNotContain("Exception");
    // Stage timings in the test output, to keep an eye on what this test costs CI.
    result.out().lines().filter(l -> l.contains(" done: ")).forEach(l -> System.out.println(name + " " + l));
    return new Run(root.resolve("warehouse"), result.out());
  }

  /** Whether a column is null for every row of the table. */
  private static boolean nullFor(SparkSession spark, Run run, String table, String column) {
    return spark.read().format("delta").load(run.table(table)).where(col(column).isNotNull()).isEmpty();
  }

  private static Row kpiRow(SparkSession spark, Run run, String kpi, String period) {
    List<Row> rows = spark.read().format("delta").load(run.table(GoldTable.KPI_VALUES.table()))
        .where(col("kpi").equalTo(kpi).and(col("scope_type").equalTo("company")).and(col("period").equalTo(period)))
        .select("value", "denominator", "null_reason").collectAsList();
    assertThat(rows).as(kpi + " " + period).hasSize(1);
    return rows.get(0);
  }

  private static String kpiReason(SparkSession spark, Run run, String kpi) {
    return kpiRow(spark, run, kpi, "quarter").getString(2);
  }

  private static Double value(SparkSession spark, Run run, String kpi) {
    Row row = kpiRow(spark, run, kpi, "quarter");
    return row.isNullAt(0) ? null : row.getDouble(0);
  }

  private static boolean kept(String customerId) {
    return Integer.parseInt(customerId.substring(1)) <= CUSTOMERS;
  }

  private static Path dir(String source) throws IOException {
    return Files.createDirectories(sample.resolve(source));
  }

  /** Copies the header and the rows whose field {@code index} is a kept customer (or empty, for leads). */
  private static void copyCustomers(Path from, String source, String file, int index, Set<String> keys)
      throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(from.resolve(source).resolve(file))) {
      String[] fields = line.split(",", index + 2);
      if (out.isEmpty()) {
        out.add(line);
      } else if (fields.length > index && fields[index].matches("C\\d+") && kept(fields[index])) {
        out.add(line);
        if (keys != null) {
          keys.add(fields[0]);
        }
      }
    }
    Files.write(dir(source).resolve(file), out);
  }

  private static String gunzip(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
