package io.cpm.jobs.ops;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_FEATURES;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SCORES;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SEGMENTS;
import static io.cpm.metrics.schema.GoldTable.INGEST_RUNS;
import static io.cpm.metrics.schema.GoldTable.LIFECYCLE_HISTORY;
import static io.cpm.metrics.schema.GoldTable.PIPELINE_RUNS;
import static io.cpm.metrics.schema.GoldTable.QUARANTINE;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The golden end-to-end run: three nights (2025-03-29..31) of {@code cpm nightly} on the committed sample data,
 * in JVMs started like {@code ./cpm} (app jar + runtime classpath, embedded local Spark; the first night alone,
 * then the other two as one {@code --from} backfill, see {@link SampleNights}, which shares the first night with
 * {@link SparkSubmitIT}), then checks on what the three nights left behind: every landing row accounted for and the quarantine equal to
 * the planted bad rows, stable cluster ids, valid CRM files, self-contained reports, every stage recorded, and
 * a summary of segment and score distributions equal to the committed golden file
 * ({@code src/test/resources/golden/sample-nightly.txt}; rerun with {@code -Dcpm.golden.update=true} to
 * rewrite it after an intended change, and review the diff).
 */
class SampleNightlyGoldenIT {
  private static final List<LocalDate> DATES = SampleNights.DATES;
  private static final List<String> STAGES = List.of("ingest", "features", "segment", "score", "kpis", "publish",
      "report");
  static final Path GOLDEN = RepoFiles.path("jobs/src/test/resources/golden/sample-nightly.txt");
  private static Path out;
  private static String warehouse;
  private static String runLog;
  private static Path logFile;

  @BeforeAll
  static void runThreeNights() throws Exception {
    GoldenSummary.SampleRun sample = SampleNights.threeNights();
    out = sample.out();
    warehouse = sample.warehouse();
    runLog = SampleNights.log();
    logFile = SampleNights.logFile();
  }

  private static Dataset<Row> table(String name) {
    return TestSpark.session().read().format("delta").load(warehouse + "/" + name);
  }

  @Test
  void everyLandingRowIsAccountedForAndTheQuarantineIsExactlyThePlantedBadRows() throws IOException {
    Map<String, Long> landingRows = new TreeMap<>();
    Path landing = RepoFiles.path("sample-data/landing");
    try (Stream<Path> files = Files.walk(landing)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        landingRows.put(landing.relativize(file).toString(), dataRows(file));
      }
    }
    Map<String, Long> read = new TreeMap<>();
    for (Row row : table(INGEST_RUNS.table()).select("file", "rows_read", "rows_accepted", "rows_quarantined")
        .collectAsList()) {
      String file = relative(row.getString(0));
      assertThat(row.getLong(1)).as("read = accepted + quarantined for " + file)
          .isEqualTo(row.getLong(2) + row.getLong(3));
      read.merge(file, row.getLong(1), Long::sum);
    }
    assertThat(read).as("rows read per landing file (ingest_runs) vs rows counted in the file").isEqualTo(landingRows);

    TreeSet<String> planted = new TreeSet<>();
    try (Reader in = Files.newBufferedReader(RepoFiles.path("sample-data/ground-truth/bad_rows.csv"));
         CSVParser csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
      for (CSVRecord record : csv) {
        planted.add(record.get("file") + ":" + record.get("row_number") + ":" + record.get("reason"));
      }
    }
    TreeSet<String> quarantined = table(QUARANTINE.table()).select("file", "row_number", "reason_code").collectAsList()
        .stream().map(r -> relative(r.getString(0)) + ":" + r.get(1) + ":" + r.getString(2))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(quarantined).as("quarantine (file:row:reason) vs sample-data/ground-truth/bad_rows.csv")
        .isEqualTo(planted);
  }

  /** Each night's per-customer outputs hold exactly the featured customers, once each, under their own ids. */
  @Test
  void perCustomerTablesHoldEveryFeaturedCustomerOnceUnderItsId() {
    for (LocalDate date : DATES) {
      Dataset<Row> featured = table(CUSTOMER_FEATURES.table()).where(col("run_date").equalTo(Date.valueOf(date)))
          .select("customer_id");
      for (String name : List.of(CUSTOMER_SEGMENTS.table(), CUSTOMER_SCORES.table())) {
        Dataset<Row> ids = table(name).where(col("run_date").equalTo(Date.valueOf(date))).select("customer_id");
        String what = name + " on " + date;
        assertThat(ids.where(col("customer_id").isNull()).count()).as(what + ": rows without a customer id").isZero();
        assertThat(ids.distinct().count()).as(what + ": distinct ids = rows").isEqualTo(ids.count());
        assertThat(ids.except(featured).count() + featured.except(ids).count())
            .as(what + ": ids not matching customer_features").isZero();
      }
    }
    assertThat(table(LIFECYCLE_HISTORY.table()).where(col("customer_id").isNull()).count())
        .as("lifecycle_history rows without a customer id").isZero();
  }

  /**
   * A normal night speaks only through cpm's own lines: no WARN on the console (Spark's start-up noise goes to
   * the log file), and no plan of the three nights has a window without partitioning, which Spark runs as one
   * task on one core and logs as "No Partition Defined for Window operation" (to the log file).
   */
  @Test
  void consoleHasNoWarningsAndNoPlanHasASinglePartitionWindow() throws IOException {
    assertThat(runLog.lines().filter(line -> line.matches("\\d\\d:\\d\\d:\\d\\d WARN .*")).toList())
        .as("WARN lines on the console").isEmpty();
    String logged = Files.exists(logFile) ? Files.readString(logFile) : "";
    assertThat(logged).as("log file " + logFile).doesNotContain("No Partition Defined for Window")
        .doesNotContain("was created concurrently");
  }

  @Test
  void clusterIdsAreStableFromNightToNight() {
    for (int i = 1; i < DATES.size(); i++) {
      Dataset<Row> before = clusters(DATES.get(i - 1)).withColumnRenamed("cluster_id", "before");
      Dataset<Row> after = clusters(DATES.get(i)).withColumnRenamed("cluster_id", "after");
      Dataset<Row> both = before.join(after, "customer_id");
      long kept = both.where(col("before").equalTo(col("after"))).count();
      long total = both.count();
      assertThat(total).as("customers clustered on " + DATES.get(i - 1) + " and " + DATES.get(i)).isPositive();
      assertThat((double) kept / total).as("share of customers keeping their cluster id from " + DATES.get(i - 1)
          + " to " + DATES.get(i)).isGreaterThanOrEqualTo(0.95);
    }
  }

  /** Customers clustered on {@code date} (prospects have no k-means features and a null cluster_id). */
  private static Dataset<Row> clusters(LocalDate date) {
    return table(CUSTOMER_SEGMENTS.table()).where(col("run_date").equalTo(Date.valueOf(date))
            .and(col("cluster_id").isNotNull()))
        .select("customer_id", "cluster_id");
  }

  /**
   * The planted churners of sample-data/ground-truth (latent type {@code churner}) against every other customer
   * with orders (planted prospects never bought): ROC-AUC of the nightly churn_probability, each night.
   */
  @Test
  void plantedChurnersAreRankedWithRocAucOfAtLeast08() throws IOException {
    Map<String, String> types = new TreeMap<>();
    try (Reader in = Files.newBufferedReader(RepoFiles.path("sample-data/ground-truth/customers.csv"));
         CSVParser csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
      csv.forEach(r -> types.put(r.get("customer_id"), r.get("latent_type")));
    }
    for (LocalDate date : DATES) {
      List<double[]> scored = new ArrayList<>();
      for (Row row : table(CUSTOMER_SCORES.table()).where(col("run_date").equalTo(Date.valueOf(date)))
          .select("customer_id", "churn_probability").collectAsList()) {
        String type = types.get(row.getString(0));
        if (type != null && !type.equals("prospect")) {
          scored.add(new double[] {row.getDouble(1), type.equals("churner") ? 1 : 0});
        }
      }
      assertThat(rocAuc(scored)).as("ROC-AUC of churn_probability for planted churners on " + date + " ("
          + scored.size() + " customers)").isGreaterThanOrEqualTo(0.8);
    }
  }

  /** Mann-Whitney ROC-AUC of {score, label} pairs, ties counted half. */
  private static double rocAuc(List<double[]> scored) {
    scored.sort(java.util.Comparator.comparingDouble(s -> s[0]));
    double rankSum = 0;
    long positives = 0;
    for (int i = 0; i < scored.size(); ) {
      int j = i;
      while (j < scored.size() && scored.get(j)[0] == scored.get(i)[0]) {
        j++;
      }
      double midRank = (i + 1 + j) / 2.0;
      for (int k = i; k < j; k++) {
        if (scored.get(k)[1] == 1) {
          rankSum += midRank;
          positives++;
        }
      }
      i = j;
    }
    long negatives = scored.size() - positives;
    assertThat(positives).as("planted churners scored").isPositive();
    assertThat(negatives).as("other customers scored").isPositive();
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  @Test
  void eachNightLeavesAValidCrmFileWithManifestAndSuccessMarker() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (LocalDate date : DATES) {
      Path dir = out.resolve("exports/crm/" + date);
      Path csvFile = dir.resolve("customer_scores.csv");
      assertThat(dir.resolve("_SUCCESS")).as("_SUCCESS for " + date).isRegularFile();
      JsonNode manifest = json.readTree(dir.resolve("manifest.json").toFile());
      byte[] bytes = Files.readAllBytes(csvFile);
      assertThat(manifest.get("sha256").asText()).as("manifest sha256 of " + csvFile)
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
      List<String> manifestColumns = new ArrayList<>();
      manifest.get("columns").forEach(c -> manifestColumns.add(c.asText()));
      long records;
      try (CSVParser csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
          .parse(new java.io.StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
        assertThat(csv.getHeaderNames()).as("header of " + csvFile).isEqualTo(manifestColumns);
        records = csv.stream().peek(r -> assertThat(r.isConsistent()).as("record " + r.getRecordNumber()
            + " of " + csvFile + " has as many fields as the header").isTrue()).count();
      }
      long scored = table(CUSTOMER_SCORES.table()).where(col("run_date").equalTo(Date.valueOf(date))).count();
      assertThat(records).as("rows in " + csvFile).isEqualTo(manifest.get("row_count").asLong()).isEqualTo(scored);
    }
  }

  @Test
  void eachNightHasASelfContainedReport() throws IOException {
    Pattern remote = Pattern.compile("(?:src|href)\\s*=\\s*[\"'](?:https?:)?//", Pattern.CASE_INSENSITIVE);
    for (LocalDate date : DATES) {
      Path report = out.resolve("reports/" + date + "/index.html");
      assertThat(report).as("report for " + date).isRegularFile();
      String html = Files.readString(report);
      assertThat(html).contains("<svg").contains(date.toString());
      Matcher matcher = remote.matcher(html);
      assertThat(matcher.find()).as("report " + report + " loads nothing from the network"
          + (matcher.hitEnd() ? "" : ": " + html.substring(matcher.start(), Math.min(html.length(),
          matcher.end() + 40)))).isFalse();
    }
  }

  @Test
  void pipelineRunsRecordEveryStageOfEveryNightAsSucceeded() {
    for (LocalDate date : DATES) {
      List<String> succeeded = table(PIPELINE_RUNS.table()).where(col("run_date").equalTo(Date.valueOf(date))
          .and(col("status").equalTo("succeeded"))).select("stage").distinct().collectAsList().stream()
          .map(r -> r.getString(0)).toList();
      assertThat(succeeded).as("stages succeeded on " + date).containsAll(STAGES);
    }
    assertThat(runLog).as("the run prints where outputs went").contains(CUSTOMER_SCORES.table());
  }

  @Test
  void segmentAndScoreDistributionsMatchTheGoldenFile() throws IOException {
    String actual = summary();
    if (Boolean.getBoolean("cpm.golden.update")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, actual);
    }
    Path written = out.resolve("sample-nightly.actual.txt");
    Files.writeString(written, actual);
    assertThat(GOLDEN).as("golden file (create it with -Dcpm.golden.update=true)").isRegularFile();
    assertThat(actual).as("summary of the three nights (actual in " + written + "; if the change is intended,"
        + " rerun with -Dcpm.golden.update=true and commit the file)").isEqualTo(Files.readString(GOLDEN));
  }

  private static String summary() {
    StringBuilder text = new StringBuilder(GoldenSummary.HEADER);
    for (LocalDate date : DATES) {
      text.append(GoldenSummary.night(TestSpark.session(), warehouse, date));
    }
    return text.toString();
  }

  /** A landing path relative to the landing root, whatever URI or absolute form the table stored. */
  private static String relative(String file) {
    int at = file.indexOf("2025-03-");
    return at < 0 ? file : file.substring(at);
  }

  /** Data rows of a landing file: lines after the header for CSV (no line breaks in values), lines for JSONL. */
  private static long dataRows(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
         InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      long lines = text.lines().filter(l -> !l.isEmpty()).count();
      return file.toString().contains(".jsonl") ? lines : Math.max(0, lines - 1);
    }
  }
}
