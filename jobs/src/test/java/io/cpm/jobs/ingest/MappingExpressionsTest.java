package io.cpm.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mapping expressions, row filters and patterns without Spark running: what {@code --dry-run} and
 * {@code cpm check-mapping} catch, and what a derived value comes out as.
 */
class MappingExpressionsTest {
  @TempDir
  Path dir;

  private SourceMapping mapping(Entity entity, String hocon) throws IOException {
    Path file = dir.resolve("user.conf");
    Files.writeString(file, hocon);
    return IngestSettings.from(CpmConfig.load(file, List.of())).mapping(entity);
  }

  private void assertUsage(String hocon, String... parts) throws IOException {
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, hocon);
    assertThatThrownBy(() -> IngestSettings.from(CpmConfig.load(file, List.of())))
        .isInstanceOfSatisfying(CpmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContainingAll(parts);
  }

  @Test
  void derivedColumnsAreSparkSqlOverTheExportColumns() throws IOException {
    SourceMapping opportunities = mapping(Entity.OPPORTUNITIES, """
        sources.crm.opportunities {
          columns { "Deal" = opportunity_id, "Account" = customer_id, "Opened" = created_at }
          derive {
            won = "deal_stage = 'Won'"
            stage = "CASE WHEN startswith(`Deal`, 'C') THEN 'return' ELSE lower(deal_stage) END"
            closed_at = "make_date(int(year_closed), 1, 1)"
            topic = "'GBP'"
          }
          where = "deal_stage <> 'Spam'"
        }
        """);
    MappingExpressions expressions = opportunities.compile();
    assertThat(expressions.inputs()).containsExactlyInAnyOrder("deal_stage", "Deal", "year_closed");
    Object[] won = values(expressions, "deal_stage", "Won", "Deal", "C17", "year_closed", "2001");
    assertThat(derived(expressions, won)).containsExactly("true", "return", "2001-01-01", "GBP");
    Object[] engaging = values(expressions, "deal_stage", "Engaging", "Deal", "D1", "year_closed", null);
    assertThat(derived(expressions, engaging)).containsExactly("false", "engaging", null, "GBP");
    Object[] spam = values(expressions, "deal_stage", "Spam", "Deal", "D2", "year_closed", null);
    assertThat(expressions.evaluate(spam)).as("dropped by where").isNull();
    assertThat(expressions.isoOutputs()).containsExactly("closed_at");
  }

  /** The derived texts of won, stage, closed_at, topic (in that order). */
  private static String[] derived(MappingExpressions expressions, Object[] inputs) {
    String[] out = expressions.evaluate(inputs);
    return List.of("won", "stage", "closed_at", "topic").stream()
        .map(c -> out[expressions.outputs().indexOf(c)]).toArray(String[]::new);
  }

  private static Object[] values(MappingExpressions expressions, Object... pairs) {
    Object[] result = new Object[expressions.inputs().size()];
    for (int i = 0; i < pairs.length; i += 2) {
      result[expressions.inputs().indexOf((String) pairs[i])] = pairs[i + 1];
    }
    return result;
  }

  @Test
  void expressionErrorsAreConfigErrorsNamingKeyFileAndLine() throws IOException {
    assertUsage("sources.crm.opportunities.derive.won = \"stage ==== 'Won'\"\n",
        "sources.crm.opportunities.derive.won", "not a Spark SQL expression", "bad.conf: 1");
    assertUsage("sources.crm.opportunities.derive.won = \"is_won(stage)\"\n", "unknown function is_won()",
        "bad.conf: 1");
    assertUsage("sources.crm.opportunities.derive.won = \"substr(stage)\"\n",
        "sources.crm.opportunities.derive.won", "bad.conf: 1");
    assertUsage("\n\nsources.erp.order_lines.derive.line_no = \"sum(int(x))\"\n",
        "sources.erp.order_lines.derive.line_no", "one value per row", "OVER", "bad.conf: 3");
    assertUsage("sources.erp.orders.where = \"status\"\n", "sources.erp.orders.where", "must be a condition");
    assertUsage("sources.erp.orders.derive.amount = \"1\"\n", "sources.erp.orders.derive.amount",
        "not a canonical column of orders");
    assertUsage("sources.erp.orders { columns { \"St\" = status }, derive.status = \"'x'\" }\n",
        "sources.erp.orders.derive.status", "also renamed");
  }

  @Test
  void windowExpressionsAreCheckedAtConfigLoadAndLeftOutOfThePerRecordPath() throws IOException {
    SourceMapping lines = mapping(Entity.ORDER_LINES, """
        sources.erp.order_lines {
          columns { "InvoiceNo" = order_id, "InvoiceDate" = order_date }
          derive {
            line_no = "row_number() OVER (PARTITION BY InvoiceNo)"
            quantity = "abs(int(Quantity))"
          }
        }
        """);
    assertThat(lines.windowDerived()).extracting(MappingExpressions.Source::column).containsExactly("line_no");
    assertThat(lines.compile().outputs()).containsExactly("quantity");
    assertThat(MappingExpressions.windowExpression(lines.windowDerived().get(0), org.apache.spark.sql.types
        .DataTypes.IntegerType).sql()).as("ties numbered in file and line order").contains(
            "PARTITION BY InvoiceNo ORDER BY _source_file ASC NULLS FIRST, _line_number ASC NULLS FIRST");
    assertUsage("\nsources.erp.order_lines.derive.line_no = \"lag(InvoiceNo) OVER (PARTITION BY StockCode)\"\n",
        "sources.erp.order_lines.derive.line_no", "bad.conf: 2");
    assertUsage("sources.erp.order_lines.derive.line_no = \"row_number() OVER (PARTITION BY nope(x))\"\n",
        "sources.erp.order_lines.derive.line_no", "unknown function nope()");
    assertUsage("sources.erp.order_lines.derive.line_no = \"row_number() OVER (ORDER BY x) + count(y)\"\n",
        "sources.erp.order_lines.derive.line_no", "one value per row");
    assertUsage("sources.erp.orders.where = \"row_number() OVER (PARTITION BY x) = 1\"\n",
        "sources.erp.orders.where", "cannot use a window function", "distinct-by");
    assertUsage("sources.erp.orders.derive.status = \"_source_file\"\n", "sources.erp.orders.derive.status",
        "only be used in a window expression");
  }

  @Test
  void aPatternThatCannotGiveAFullDateIsRejectedBeforeAnyRowIsRead() throws IOException {
    assertUsage("sources.crm.accounts.formats.created_at = \"yyyy\"\n", "sources.crm.accounts.formats.created_at",
        "'yyyy'", "does not give a full date", "make_date", "bad.conf: 1");
    assertUsage("sources.crm.accounts.date-format = [\"yyyy-MM-dd\", \"MM/yyyy\"]\n",
        "sources.crm.accounts.date-format = 'MM/yyyy'");
    assertUsage("sources.crm.activities.timestamp-format = \"yyyy-MM-dd\"\n",
        "sources.crm.activities.timestamp-format", "full date and time");
    assertUsage("sources.crm.accounts.formats.name = \"yyyy-MM-dd\"\n", "not a date or timestamp column");
  }

  @Test
  void severalPatternsPerColumnAndOffsetsConvertedToUtc() throws IOException {
    SourceMapping tickets = mapping(Entity.TICKETS, """
        sources.tickets.tickets.formats.created_at = ["yyyy-MM-dd'T'HH:mm:ssXXX", "dd.MM.yyyy HH:mm"]
        """);
    ValueParser created = new ValueParser(tickets.patterns("created_at"));
    assertThat(created.timestamp("2025-03-02T10:15:00+02:00")).isEqualTo(LocalDateTime.of(2025, 3, 2, 8, 15));
    assertThat(created.timestamp("2025-03-02T10:15:00Z")).isEqualTo(LocalDateTime.of(2025, 3, 2, 10, 15));
    assertThat(created.timestamp("02.03.2025 10:15")).isEqualTo(LocalDateTime.of(2025, 3, 2, 10, 15));
    assertThat(created.timestamp("2025-03-02 10:15:00")).as("not listed for this column").isNull();
    assertThat(tickets.patterns("resolved_at")).containsExactly("yyyy-MM-dd HH:mm:ss");
    ValueParser dates = new ValueParser(List.of("yyyy-MM-dd", "M/d/yyyy"));
    assertThat(dates.date("3/9/2025")).isEqualTo(LocalDate.of(2025, 3, 9));
    assertThat(dates.date("2025-02-30")).isNull();
  }

  @Test
  void integersWrittenWithAZeroFractionAreIntegers() {
    assertThat(ValueParser.integer("3.0")).isEqualTo(3);
    assertThat(ValueParser.integer("4.00")).isEqualTo(4);
    assertThat(ValueParser.integer("3.5")).isNull();
    assertThat(ValueParser.integer("x")).isNull();
  }

  @Test
  void derivedColumnsSatisfyRequiredColumnsAndPresetsLoad() throws IOException {
    SourceMapping orders = mapping(Entity.ORDERS, """
        sources.erp.orders {
          columns { "Name" = order_id, "Created at" = order_date }
          derive { customer_id = "lower(Email)" }
          distinct-by = [order_id]
        }
        """);
    assertThat(orders.columns()).doesNotContainValue("customer_id");
    assertThat(orders.distinctBy()).containsExactly("order_id");
    for (String preset : List.of("shopify-orders", "salesforce-crm", "zendesk-tickets",
        "online-retail-invoices")) {
      Path file = dir.resolve(preset + ".conf");
      Files.writeString(file, "include file(\"" + io.cpm.jobs.RepoFiles.path("conf/local.conf") + "\")\n"
          + "include file(\"" + io.cpm.jobs.RepoFiles.path("conf/presets/" + preset + ".conf") + "\")\n");
      IngestSettings settings = IngestSettings.from(CpmConfig.load(file, List.of()));
      assertThat(settings.mappings().values().stream().filter(m -> m.hasExpressions())).as(preset).isNotEmpty();
    }
  }

  @Test
  void checkMappingReadsWithTheHadoopSettingsOfTheSparkConfig() throws IOException {
    Path file = dir.resolve("s3.conf");
    Files.writeString(file, """
        spark.conf {
          "spark.hadoop.fs.s3a.endpoint" = "http://127.0.0.1:9000"
          "spark.hadoop.fs.s3a.path.style.access" = "true"
        }
        """);
    org.apache.hadoop.conf.Configuration hadoop = MappingCheck.hadoopConfiguration(CpmConfig.load(file, List.of()));
    assertThat(hadoop.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
    assertThat(hadoop.get("fs.s3a.path.style.access")).isEqualTo("true");
    assertThat(MappingCheck.hadoopConfiguration(CpmConfig.defaults()).get("fs.s3a.endpoint"))
        .isNotEqualTo("http://127.0.0.1:9000");
  }
}
