package io.cpm.jobs.ops;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.Main;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;

/**
 * A small landing set for the integration tests: {@code cpm generate-sample --customers 200} when the CLI
 * has that command, otherwise a hand-sized set of every entity written here from {@link Entity#schema()}
 * (canonical columns and file formats of COMMON.md's landing contract, consistent keys).
 */
final class ItLanding {
  static final LocalDate FIRST_DATE = LocalDate.of(2025, 3, 30);
  private static final int CUSTOMERS = 20;
  private static final int ROWS = 60;

  private ItLanding() {}

  /** Writes the landing set under {@code dir} and returns its root and the run date to process. */
  static Landing prepare(Path dir) throws IOException {
    boolean hasGenerator = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
        .getSubcommands().containsKey("generate-sample");
    if (hasGenerator) {
      Path out = dir.resolve("generated");
      CliRunner.Result result = CliRunner.run("generate-sample", "--customers", "200",
          "--start", FIRST_DATE.toString(), "--end", FIRST_DATE.plusDays(1).toString(), "--seed", "7",
          "--out", out.toString());
      if (result.exitCode() != 0) {
        throw new AssertionError("cpm generate-sample failed: " + result.err());
      }
      Path root = Files.isDirectory(out.resolve("landing")) ? out.resolve("landing") : out;
      return new Landing(root, firstRunDate(root), "cpm generate-sample --customers 200");
    }
    Path root = dir.resolve("landing");
    for (Entity entity : Entity.values()) {
      write(root.resolve(FIRST_DATE.toString()).resolve(entity.source()), entity);
    }
    return new Landing(root, FIRST_DATE, "hand-written set of " + ROWS + " rows per entity");
  }

  record Landing(Path root, LocalDate runDate, String origin) {}

  private static LocalDate firstRunDate(Path root) throws IOException {
    try (Stream<Path> dates = Files.list(root)) {
      return dates.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{4}-\\d{2}-\\d{2}"))
          .sorted().findFirst().map(LocalDate::parse)
          .orElseThrow(() -> new AssertionError("generate-sample wrote no run-date folder under " + root));
    }
  }

  private static void write(Path sourceDir, Entity entity) throws IOException {
    Files.createDirectories(sourceDir);
    List<String> lines = new ArrayList<>();
    List<String> names = List.of(entity.schema().fieldNames());
    boolean json = entity == Entity.TICKETS;
    if (!json) {
      lines.add(String.join(",", names));
    }
    for (int i = 0; i < (entity == Entity.ACCOUNTS ? CUSTOMERS : ROWS); i++) {
      List<String> cells = new ArrayList<>();
      for (StructField field : entity.schema().fields()) {
        String value = value(entity, field, i);
        cells.add(json ? "\"" + field.name() + "\":" + (value.isEmpty() ? "null" : "\"" + value + "\"") : value);
      }
      lines.add(json ? "{" + String.join(",", cells) + "}" : String.join(",", cells));
    }
    byte[] content = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    if (entity == Entity.ORDER_LINES) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(sourceDir.resolve("order_lines.csv.gz")))) {
        out.write(content);
      }
    } else {
      Files.write(sourceDir.resolve(entity.entityName() + (json ? ".jsonl" : ".csv")), content);
    }
  }

  /** A plausible value by column name and type; ids reference rows that exist (customers, orders). */
  private static String value(Entity entity, StructField field, int i) {
    String name = field.name();
    DataType type = field.dataType();
    LocalDate day = FIRST_DATE.minusDays((i * 37L) % 400 + 1);
    if (name.equals("customer_id")) {
      return String.format(Locale.ROOT, "C%04d", entity == Entity.ACCOUNTS ? i : i % CUSTOMERS);
    }
    if (name.equals("order_id")) {
      return String.format(Locale.ROOT, "O%05d", i);
    }
    if (name.equals("owner_id")) {
      return "U" + (i % 3);
    }
    if (name.endsWith("_id")) {
      return String.format(Locale.ROOT, "%s%05d", name.substring(0, 1).toUpperCase(Locale.ROOT), i);
    }
    if (name.equals("currency")) {
      return i % 5 == 0 ? "USD" : "EUR";
    }
    if (name.equals("channel")) {
      return List.of("email", "search", "events").get(i % 3);
    }
    if (name.equals("month")) {
      return day.withDayOfMonth(1).toString();
    }
    if (type.equals(DataTypes.DateType)) {
      if (name.equals("due_at") || name.equals("end_date")) {
        return day.plusDays(30).toString();
      }
      return day.toString();
    }
    if (type.equals(DataTypes.TimestampType)) {
      return day + " " + String.format(Locale.ROOT, "%02d:15:00", 8 + i % 9);
    }
    if (type.equals(DataTypes.BooleanType)) {
      return i % 2 == 0 ? "true" : "false";
    }
    if (type.equals(DataTypes.IntegerType)) {
      return switch (name) {
        case "score" -> String.valueOf(i % 11);
        case "satisfaction" -> String.valueOf(1 + i % 5);
        case "line_no" -> "1";
        default -> String.valueOf(1 + i % 4);
      };
    }
    if (type instanceof DecimalType) {
      return String.format(Locale.ROOT, "%d.%02d", 50 + (i * 13) % 900, i % 100);
    }
    return switch (name) {
      case "industry" -> List.of("manufacturing", "retail", "services").get(i % 3);
      case "region" -> List.of("north", "south", "west").get(i % 3);
      case "size" -> List.of("small", "medium", "large").get(i % 3);
      case "status" -> entity == Entity.TICKETS ? "resolved" : entity == Entity.CONTRACTS ? "active" : "completed";
      case "type" -> entity == Entity.ACTIVITIES ? List.of("call", "email", "meeting", "login").get(i % 4) : "incident";
      case "stage" -> "won";
      case "priority" -> "normal";
      case "email" -> "c" + i + "@example.com";
      case "product_line" -> List.of("pumps", "valves", "service").get(i % 3);
      default -> name + "-" + i;
    };
  }
}
