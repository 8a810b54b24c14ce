package io.cpm.jobs.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.RepoFiles;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.GoldTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The table catalogues ({@link GoldTable}, {@link Entity}) are the only place a table is named: a table name
 * passed as a string literal, or written into SQL text, compiles and breaks at run time when the table is
 * renamed. Scans the Java sources of every module (main and test); starts no Spark.
 */
class TableCatalogueTest {
  /** The catalogue files themselves, which declare the names. */
  private static final List<String> CATALOGUES = List.of(
      "lib-metrics/src/main/java/io/cpm/metrics/schema/GoldTable.java",
      "lib-metrics/src/main/java/io/cpm/metrics/schema/Entity.java");
  /**
   * Help text of a picocli annotation must be a compile-time constant, so its example query names the view in
   * prose; a literal starting with one of these is help text.
   */
  private static final List<String> HELP_TEXT = List.of("Example: cpm sql ");
  private static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");

  @Test
  void noTableNameIsWrittenAsAStringLiteralOutsideTheCatalogues() {
    String names = tableNames().stream().map(Pattern::quote).collect(Collectors.joining("|"));
    Pattern whole = Pattern.compile("(?:" + names + ")");
    // SQL text that names a table: FROM t, JOIN t, db.t, t.column.
    Pattern inSql = Pattern.compile("(?:(?:FROM|JOIN) |\\.)(?:" + names + ")(?![\\w.])|\\b(?:" + names
        + ")\\.(?!csv\\b)[a-z]");
    List<String> found = new ArrayList<>();
    for (Path file : javaSources()) {
      List<String> lines = read(file);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("\"\"\"")) {
          continue; // text blocks hold test data (CSV rows), not table references
        }
        Matcher literal = LITERAL.matcher(lines.get(i));
        while (literal.find()) {
          String text = literal.group().substring(1, literal.group().length() - 1);
          if (HELP_TEXT.stream().anyMatch(text::startsWith)) {
            continue;
          }
          if (whole.matcher(text).matches() || inSql.matcher(text).find()) {
            found.add(RepoFiles.root().relativize(file) + ":" + (i + 1) + ": " + literal.group());
          }
        }
      }
    }
    assertThat(found).as("table names written as literals; use GoldTable.<TABLE>.table() or"
        + " Entity.<ENTITY>.bronzeTable()").isEmpty();
  }

  @Test
  void everyDocumentedGoldTableIsInTheCatalogueAndInDocsTables() {
    assertThat(ColumnDocs.documentedTables()).allSatisfy(table -> assertThat(GoldTable.byName(table)).isPresent());
    String tablesDoc = String.join("\n", read(RepoFiles.path("docs/tables.md")));
    assertThat(Arrays.stream(GoldTable.values()).map(GoldTable::table))
        .allSatisfy(table -> assertThat(tablesDoc).contains("`" + table + "`"));
  }

  @Test
  void aPartitionedTableHasItsPartitionColumnInItsKey() {
    for (GoldTable table : GoldTable.values()) {
      table.partitionColumn().ifPresent(column -> assertThat(table.keys()).as(table.table()).contains(column));
    }
  }

  private static List<String> tableNames() {
    List<String> names = new ArrayList<>();
    Arrays.stream(GoldTable.values()).map(GoldTable::table).forEach(names::add);
    Arrays.stream(Entity.values()).map(Entity::bronzeTable).forEach(names::add);
    return names;
  }

  private static List<Path> javaSources() {
    Path root = RepoFiles.root();
    List<Path> files = new ArrayList<>();
    for (String module : List.of("lib-metrics", "lib-segmentation", "jobs")) {
      try (Stream<Path> walk = Files.walk(root.resolve(module).resolve("src"))) {
        walk.filter(p -> p.toString().endsWith(".java"))
            .filter(p -> !CATALOGUES.contains(root.relativize(p).toString().replace('\\', '/')))
            .forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertThat(files).as("sources found").hasSizeGreaterThan(100);
    return files;
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
