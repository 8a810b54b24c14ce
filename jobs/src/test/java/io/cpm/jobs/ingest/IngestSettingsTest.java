package io.cpm.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigValue;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.ingest.SourceMapping.Compression;
import io.cpm.jobs.ingest.SourceMapping.Format;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestSettingsTest {
  @TempDir
  Path dir;

  @Test
  void bundledMappingsCoverEveryEntityWithTheSampleLayout() {
    IngestSettings settings = IngestSettings.from(CpmConfig.load(RepoFiles.path("conf/local.conf"), List.of()));
    assertThat(settings.mappings()).containsOnlyKeys(Entity.values());
    SourceMapping lines = settings.mapping(Entity.ORDER_LINES);
    assertThat(lines.file()).isEqualTo("order_lines.csv.gz");
    assertThat(lines.gzipped("order_lines.csv.gz")).isTrue();
    assertThat(settings.mapping(Entity.TICKETS).format()).isEqualTo(Format.JSONL);
    SourceMapping accounts = settings.mapping(Entity.ACCOUNTS);
    assertThat(accounts.delimiter()).isEqualTo(',');
    assertThat(accounts.encoding()).isEqualTo("UTF-8");
    assertThat(accounts.columns()).containsEntry("customer_id", "customer_id").hasSize(10);
    assertThat(settings.range(Entity.NPS_RESPONSES, "score")).isEqualTo(new IngestSettings.Range(0, 10));
    assertThat(settings.nonNegative(Entity.INVOICES, "amount")).isTrue();
    assertThat(settings.nonNegative(Entity.ORDER_LINES, "quantity")).isFalse();
  }

  /** Every ingest key of the defaults changes the typed settings when set (so none is silently ignored). */
  private static final List<String> STAGE_KEYS = List.of("ingest.sources");

  @Test
  void everyKeyMaps() throws IOException {
    Path empty = write("");
    IngestSettings defaults = IngestSettings.from(CpmConfig.load(empty, List.of()));
    TreeSet<String> keys = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : CpmConfig.defaults().raw().entrySet()) {
      // ingest.sources picks the sources a stage ingests (IngestStage.allSources; `cpm ingest --source` overrides
      // it), not how they are read; PartialSourcesNightlyTest runs each subset.
      if ((e.getKey().startsWith("ingest.") || e.getKey().startsWith("sources."))
          && !STAGE_KEYS.contains(e.getKey())) {
        keys.add(e.getKey());
      }
    }
    keys.add("ingest.ranges.tickets.parts_cost");
    keys.add("ingest.completion-markers.erp");
    keys.add("sources.crm.accounts.columns.\"Account ID\"");
    assertThat(keys).hasSizeGreaterThan(11 * 10);
    // Column lists differ per entity, so no one value suits every mapping; per mapping they are covered.
    keys.removeAll(List.of("ingest.mapping-defaults.distinct-by", "ingest.mapping-defaults.newest-by"));
    for (String key : keys) {
      String override = key + "=" + alternative(key);
      IngestSettings changed = IngestSettings.from(CpmConfig.load(empty, List.of(override)));
      assertThat(changed).as(override).isNotEqualTo(defaults);
    }
  }

  private static String alternative(String key) {
    String last = key.substring(key.lastIndexOf('.') + 1);
    if (key.contains(".columns.")) {
      return "customer_id";
    }
    if (key.startsWith("ingest.ranges.")) {
      return "[1, 2]";
    }
    if (key.startsWith("ingest.completion-markers.")) {
      return "export.done";
    }
    if (key.startsWith("ingest.identity.rules.")) {
      return "[email]";
    }
    return switch (last) {
      case "max-quarantine-rate" -> "0.5";
      case "gate-min-rows" -> "7";
      case "max-record-lines" -> "2";
      case "split-gzip-bytes" -> "1k";
      case "completion-marker" -> "_SUCCESS";
      case "max-line-bytes" -> "4k";
      case "non-negative" -> "[\"invoices.amount\"]";
      case "file" -> "other.csv";
      case "format" -> key.contains("tickets") ? "csv" : "jsonl";
      case "compression" -> "none";
      case "delimiter" -> ";";
      case "encoding" -> "ISO-8859-1";
      case "header" -> "false";
      case "required" -> "false";
      case "date-format" -> "dd.MM.yyyy";
      case "timestamp-format" -> "yyyy-MM-dd'T'HH:mm:ss";
      case "where" -> "\"1 = 1\"";
      case "distinct-by" -> "[" + entityOf(key).keys().get(0) + "]";
      case "newest-by" -> entityOf(key).businessDateColumn();
      case "folder" -> key.contains(".crm.") ? "erp" : "crm";
      case "enabled" -> "false";
      case "free-mail-domains" -> "[\"example.org\"]";
      case "default-region" -> "GB";
      case "create-unmatched" -> "true";
      default -> throw new AssertionError("no alternative value for " + key + ": add one to this test");
    };
  }

  private static Entity entityOf(String key) {
    return Entity.byName(key.split("\\.")[2]);
  }

  @Test
  void renamesApplyAndCompressionFollowsTheFileName() throws IOException {
    IngestSettings settings = IngestSettings.from(CpmConfig.load(write("""
        sources.crm.accounts.columns { "Account ID" = customer_id, "Created" = created_at }
        sources.erp.orders { file = "orders_*.csv.gz" }
        sources.erp.invoices { compression = "gzip" }
        """), List.of()));
    SourceMapping accounts = settings.mapping(Entity.ACCOUNTS);
    assertThat(accounts.canonicalOf("Account ID")).isEqualTo("customer_id");
    assertThat(accounts.canonicalOf("customer_id")).isNull();
    assertThat(accounts.canonicalOf("name")).isEqualTo("name");
    assertThat(settings.mapping(Entity.ORDERS).compression()).isEqualTo(Compression.AUTO);
    assertThat(settings.mapping(Entity.ORDERS).gzipped("orders_1.csv.gz")).isTrue();
    assertThat(settings.mapping(Entity.INVOICES).gzipped("invoices.csv")).isTrue();
  }

  @Test
  void unknownCanonicalTargetIsAConfigErrorNamingKeyAndFile() throws IOException {
    Path file = write("sources.crm.accounts.columns { \"Account ID\" = customer_key }\n");
    assertUsage(file, "sources.crm.accounts.columns.\"Account ID\" = customer_key", "not a canonical column",
        file.getFileName().toString());
  }

  @Test
  void requiredCanonicalColumnWithoutSourceIsAConfigError() throws IOException {
    Path file = write("sources.erp.orders.columns { order_id = status }\n");
    assertUsage(file, "sources.erp.orders.columns", "order_id", file.getFileName().toString());
    Path positions = write("sources.erp.orders { header = false, columns { \"1\" = order_id, \"2\" = customer_id } }\n");
    assertUsage(positions, "required canonical column(s) order_date");
  }

  @Test
  void badFormatEncodingDelimiterAndPatternsAreConfigErrors() throws IOException {
    assertUsage(write("sources.crm.leads.format = xml\n"), "sources.crm.leads.format = xml", "csv, jsonl");
    assertUsage(write("sources.crm.leads.encoding = UTF-16\n"), "ASCII-compatible");
    assertUsage(write("sources.crm.leads.encoding = klingon\n"), "unknown charset");
    assertUsage(write("sources.crm.leads.delimiter = \";;\"\n"), "sources.crm.leads.delimiter");
    assertUsage(write("sources.crm.leads.date-format = \"yyyy-MM-dd qqqqqq\"\n"), "sources.crm.leads.date-format");
    assertUsage(write("ingest.non-negative = [\"orders.amount\"]\n"), "orders.amount");
    assertUsage(write("ingest.max-quarantine-rate = 2\n"), "max-quarantine-rate");
    Path tinyLines = write("ingest.max-line-bytes = 100\n");
    assertUsage(tinyLines, "ingest.max-line-bytes = 100", "at least 1k", tinyLines.getFileName().toString());
  }

  private static void assertUsage(Path file, String... parts) {
    assertThatThrownBy(() -> IngestSettings.from(CpmConfig.load(file, List.of())))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContainingAll(parts);
  }

  private int files;

  private Path write(String text) throws IOException {
    Path file = dir.resolve("ingest-" + (files++) + ".conf");
    Files.writeString(file, text);
    return file;
  }
}
