package io.cpm.jobs.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cpm.jobs.CliRunner;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.schema.Entity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator is deterministic, matches the committed sample, and plants what it claims; no Spark. */
class GenerateSampleTest {
  /** The command documented in sample-data/README.md (paths replaced). */
  static final String[] SAMPLE_COMMAND = {"generate-sample", "--customers", "2000", "--start", "2025-03-29",
      "--end", "2025-03-31", "--history-from", "2023-04-01", "--seed", "42", "--bad-rows", "2"};
  private static final List<String> RUN_DATES = List.of("2025-03-29", "2025-03-30", "2025-03-31");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @TempDir
  static Path scratch;
  private static Path small;

  @BeforeAll
  static void generateSmallSet() {
    small = scratch.resolve("small");
    assertThat(generate(small, 300, 7, 1).exitCode()).isEqualTo(ExitCode.OK);
  }

  private static CliRunner.Result generate(Path dir, int customers, long seed, int badRows) {
    CliRunner.Result result = CliRunner.run("generate-sample", "--customers", Integer.toString(customers),
        "--start", "2025-03-29", "--end", "2025-03-31", "--history-from", "2023-04-01",
        "--seed", Long.toString(seed), "--bad-rows", Integer.toString(badRows),
        "--out", dir.resolve("landing").toString(), "--truth", dir.resolve("ground-truth").toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    return result;
  }

  @Test
  void sameSeedGivesByteIdenticalFiles() throws IOException {
    Path again = scratch.resolve("again");
    generate(again, 300, 7, 1);
    Map<String, byte[]> first = contents(small);
    assertThat(first).hasSize(3 * Entity.values().length + 2);
    assertThat(contents(again)).containsOnlyKeys(first.keySet());
    contents(again).forEach((file, bytes) -> assertThat(bytes).as(file).isEqualTo(first.get(file)));
  }

  @Test
  void differentSeedGivesDifferentData() throws IOException {
    Path other = scratch.resolve("other-seed");
    generate(other, 300, 8, 1);
    Map<String, byte[]> first = contents(small);
    Map<String, byte[]> second = contents(other);
    assertThat(second.get("landing/2025-03-29/erp/orders.csv")).isNotEqualTo(first.get("landing/2025-03-29/erp/orders.csv"));
    assertThat(second.get("ground-truth/customers.csv")).isNotEqualTo(first.get("ground-truth/customers.csv"));
  }

  @Test
  void committedSampleEqualsAFreshGenerationWithTheDocumentedCommand() throws IOException {
    Path fresh = scratch.resolve("fresh-sample");
    List<String> args = new ArrayList<>(List.of(SAMPLE_COMMAND));
    args.addAll(List.of("--out", fresh.resolve("landing").toString(),
        "--truth", fresh.resolve("ground-truth").toString()));
    CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
    Map<String, byte[]> expected = contents(fresh);
    Map<String, byte[]> committed = contents(RepoFiles.path("sample-data"));
    committed.remove("README.md");
    assertThat(committed).as("files under sample-data/ (regenerate with the command in sample-data/README.md)")
        .containsOnlyKeys(expected.keySet());
    expected.forEach((file, bytes) -> assertThat(committed.get(file))
        .as("sample-data/" + file + " differs from a fresh generation; regenerate it").isEqualTo(bytes));
    assertThat(String.join(" ", SAMPLE_COMMAND)).isSubstringOf(
        Files.readString(RepoFiles.path("sample-data/README.md")).replaceAll("\\s*\\\\\\n\\s*", " "));
  }

  @Test
  void everyFileHasTheCanonicalHeaderAndSaneRowCounts() throws IOException {
    Map<Entity, Integer> rows = new TreeMap<>();
    for (String runDate : RUN_DATES) {
      for (Entity entity : Entity.values()) {
        List<String> lines = goodLines(runDate, entity);
        if (entity != Entity.TICKETS) {
          assertThat(lines.get(0)).as(entity + " header").isEqualTo(String.join(",", entity.schema().fieldNames()));
        } else {
          for (String line : lines) {
            List<String> fields = new ArrayList<>();
            JSON.readTree(line).fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as(line).containsExactly(entity.schema().fieldNames());
          }
        }
        rows.merge(entity, lines.size() - (entity == Entity.TICKETS ? 0 : 1), Integer::sum);
      }
    }
    assertThat(rows.get(Entity.ACCOUNTS)).isEqualTo(300);
    assertThat(rows.get(Entity.ORDERS)).isBetween(2_500, 6_000);
    assertThat(rows.get(Entity.ORDER_LINES)).isBetween(rows.get(Entity.ORDERS), 3 * rows.get(Entity.ORDERS));
    assertThat(rows.get(Entity.INVOICES)).isBetween(rows.get(Entity.ORDERS) * 9 / 10, rows.get(Entity.ORDERS) * 11 / 10);
    assertThat(rows.get(Entity.ACTIVITIES)).isBetween(5_000, 20_000);
    assertThat(rows.get(Entity.LEADS)).isGreaterThanOrEqualTo(300);
    assertThat(rows.get(Entity.MARKETING_SPEND)).isEqualTo(24 * 5);
    for (Entity entity : Entity.values()) {
      assertThat(rows.get(entity)).as(entity.entityName()).isPositive();
    }
  }

  @Test
  void goodRowsAreDatedOnOrBeforeTheirRunDateAndReferenceKnownCustomers() throws IOException {
    Set<String> customers = new HashSet<>();
    for (String runDate : RUN_DATES) {
      for (CSVRecord account : records(runDate, Entity.ACCOUNTS)) {
        customers.add(account.get("customer_id"));
      }
      for (Entity entity : List.of(Entity.ORDERS, Entity.INVOICES, Entity.ACTIVITIES, Entity.NPS_RESPONSES,
          Entity.OPPORTUNITIES, Entity.CONTRACTS)) {
        Set<String> keys = new HashSet<>();
        for (CSVRecord row : records(runDate, entity)) {
          assertThat(customers).as(entity + " row " + row.getRecordNumber()).contains(row.get("customer_id"));
          assertThat(keys.add(row.get(0))).as("unique key " + row.get(0)).isTrue();
          String date = row.get(entity.businessDateColumn());
          LocalDate business = date.length() > 10 ? LocalDateTime.parse(date, TIMESTAMP).toLocalDate()
              : LocalDate.parse(date);
          assertThat(business).as(entity + " " + row.get(0)).isBeforeOrEqualTo(LocalDate.parse(runDate));
        }
      }
    }
  }

  @Test
  void plantedTypesBehaveAsDocumented() throws IOException {
    Map<String, Map<String, String>> truth = new HashMap<>();
    for (CSVRecord row : CSVFormat.RFC4180.builder().setHeader().build()
        .parse(Files.newBufferedReader(small.resolve("ground-truth/customers.csv")))) {
      truth.put(row.get("customer_id"), row.toMap());
    }
    assertThat(truth).hasSize(300);
    Map<String, List<LocalDate>> orders = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (String runDate : RUN_DATES) {
      for (CSVRecord row : records(runDate, Entity.ORDERS)) {
        if ("completed".equals(row.get("status")) && seen.add(row.get("order_id"))) {
          orders.computeIfAbsent(row.get("customer_id"), c -> new ArrayList<>()).add(LocalDate.parse(row.get("order_date")));
        }
      }
    }
    LocalDate end = LocalDate.parse("2025-03-31");
    Map<String, double[]> ordersLastYear = new TreeMap<>();
    truth.forEach((customer, t) -> {
      List<LocalDate> dates = orders.getOrDefault(customer, List.of());
      assertThat(dates.size()).as(customer + " order_count").isEqualTo(Integer.parseInt(t.get("order_count")));
      switch (t.get("latent_type")) {
        case "prospect" -> assertThat(dates).as(customer).isEmpty();
        case "churner" -> {
          LocalDate churn = LocalDate.parse(t.get("churn_date"));
          assertThat(dates).as(customer).allMatch(d -> !d.isAfter(churn)).contains(churn);
          assertThat(churn).isAfter(end.minusDays(366)).isBefore(end.minusDays(40));
        }
        case "new" -> assertThat(dates).as(customer).isNotEmpty().allMatch(d -> d.isAfter(end.minusDays(90)));
        case "declining" -> assertThat(dates).as(customer).anyMatch(d -> d.isAfter(end.minusDays(90)));
        default -> assertThat(dates).as(customer).isNotEmpty();
      }
      long recent = dates.stream().filter(d -> d.isAfter(end.minusDays(365))).count();
      ordersLastYear.computeIfAbsent(t.get("latent_type"), k -> new double[2])[0] += recent;
      ordersLastYear.get(t.get("latent_type"))[1]++;
    });
    double champion = ordersLastYear.get("champion")[0] / ordersLastYear.get("champion")[1];
    double steady = ordersLastYear.get("steady")[0] / ordersLastYear.get("steady")[1];
    double churner = ordersLastYear.get("churner")[0] / ordersLastYear.get("churner")[1];
    assertThat(champion).isGreaterThan(2 * steady);
    assertThat(steady).isGreaterThan(churner);

    // Declining customers order less in the last 180 days than in the 180 before.
    long[] declining = new long[2];
    truth.forEach((customer, t) -> {
      if ("declining".equals(t.get("latent_type"))) {
        for (LocalDate d : orders.getOrDefault(customer, List.of())) {
          long age = end.toEpochDay() - d.toEpochDay();
          if (age < 180) {
            declining[0]++;
          } else if (age < 360) {
            declining[1]++;
          }
        }
      }
    });
    assertThat(declining[0]).isLessThan(declining[1] * 3 / 4);

    // Churners complain far more often than steady customers (warning signs before the churn date).
    Map<String, Integer> complaints = new HashMap<>();
    Set<String> tickets = new HashSet<>();
    for (String runDate : RUN_DATES) {
      for (String line : goodLines(runDate, Entity.TICKETS)) {
        JsonNode ticket = JSON.readTree(line);
        if ("complaint".equals(ticket.get("type").asText()) && tickets.add(ticket.get("ticket_id").asText())) {
          complaints.merge(truth.get(ticket.get("customer_id").asText()).get("latent_type"), 1, Integer::sum);
        }
      }
    }
    double churnerComplaints = complaints.getOrDefault("churner", 0) / ordersLastYear.get("churner")[1];
    double steadyComplaints = complaints.getOrDefault("steady", 0) / ordersLastYear.get("steady")[1];
    assertThat(churnerComplaints).isGreaterThan(3 * steadyComplaints);
  }

  @Test
  void badRowsAreListedWhereTheyArePlanted() throws IOException {
    List<CSVRecord> listed = CSVFormat.RFC4180.builder().setHeader().build()
        .parse(Files.newBufferedReader(small.resolve("ground-truth/bad_rows.csv"))).getRecords();
    assertThat(listed).hasSize(BadRows.Kind.values().length);
    assertThat(listed.stream().map(r -> r.get("reason")).toList())
        .containsExactly(Stream.of(BadRows.Kind.values()).map(Enum::name).toArray(String[]::new));
    for (CSVRecord bad : listed) {
      Path file = small.resolve("landing").resolve(bad.get("file"));
      List<String> lines = lines(file);
      int rowNumber = Integer.parseInt(bad.get("row_number"));
      assertThat(rowNumber).as(bad.toString()).isBetween(2, lines.size());
      String line = lines.get(rowNumber - 1);
      String key = bad.get("key");
      switch (bad.get("reason")) {
        case "OUT_OF_RANGE" -> assertThat(line).endsWith(",11");
        case "INVALID_UTF8" -> assertThat(line).contains("\uFFFD");
        case "MALFORMED_LINE" -> assertThat(rowNumber).isEqualTo(lines.size());
        case "DUPLICATE_KEY" -> assertThat(line).isEqualTo(lines.get(1)).startsWith(key + ",");
        case "MISSING_KEY" -> assertThat(line).startsWith(",");
        default -> assertThat(line).contains(key.contains("/") ? key.substring(0, key.indexOf('/')) : key);
      }
    }
  }

  @Test
  void nonEmptyOutputNeedsOverwrite() {
    CliRunner.Result result = CliRunner.run("generate-sample", "--customers", "10", "--start", "2025-03-29",
        "--out", small.resolve("landing").toString(), "--truth", scratch.resolve("unused").toString());
    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("--overwrite");
  }

  @Test
  void endBeforeStartIsAUsageError() {
    CliRunner.Result result = CliRunner.run("generate-sample", "--customers", "10", "--start", "2025-03-29",
        "--end", "2025-03-01", "--out", scratch.resolve("never").toString());
    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("--end 2025-03-01");
  }

  /** Lines of one export of the small set, without the planted bad rows. */
  private static List<String> goodLines(String runDate, Entity entity) throws IOException {
    Path file = small.resolve("landing").resolve(LandingFiles.relativePath(LocalDate.parse(runDate), entity));
    List<String> lines = lines(file);
    int firstBad = lines.size() + 1;
    for (CSVRecord bad : CSVFormat.RFC4180.builder().setHeader().build()
        .parse(Files.newBufferedReader(small.resolve("ground-truth/bad_rows.csv")))) {
      if (small.resolve("landing").resolve(bad.get("file")).equals(file)) {
        firstBad = Math.min(firstBad, Integer.parseInt(bad.get("row_number")));
      }
    }
    return lines.subList(0, firstBad - 1);
  }

  private static List<CSVRecord> records(String runDate, Entity entity) throws IOException {
    return CSVFormat.RFC4180.builder().setHeader().build()
        .parse(new StringReader(String.join("\n", goodLines(runDate, entity)))).getRecords();
  }

  private static List<String> lines(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
         InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().toList();
    }
  }

  /** Every file under {@code root} by relative path. */
  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return files;
  }
}
