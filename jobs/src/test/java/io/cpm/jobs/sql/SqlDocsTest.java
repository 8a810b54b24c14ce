package io.cpm.jobs.sql;

import static io.cpm.metrics.schema.GoldTable.CUSTOMER_360;
import static io.cpm.metrics.schema.GoldTable.CUSTOMER_SCORES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.CliRunner;
import io.cpm.jobs.OutputsWarehouse;
import io.cpm.jobs.RepoFiles;
import io.cpm.jobs.storage.ColumnDocs;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlDocsTest {
  private static Tables tables;

  @BeforeAll
  static void catalog() {
    tables = OutputsWarehouse.tables();
    SqlCatalog.refresh(tables);
  }

  /** The ```sql blocks of docs/sql.md, with the documented database name replaced by the test's. */
  static List<String> exampleQueries() throws IOException {
    String doc = Files.readString(RepoFiles.path("docs/sql.md"));
    Matcher m = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    List<String> queries = new ArrayList<>();
    while (m.find()) {
      queries.add(m.group(1).trim().replaceAll("\\bcpm\\.", OutputsWarehouse.DATABASE + "."));
    }
    return queries;
  }

  @Test
  void everyExampleQueryInTheDocsRunsAndReturnsRows() throws IOException {
    List<String> queries = exampleQueries();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
    for (String query : queries) {
      List<Row> rows = tables.spark().sql(query).collectAsList();
      assertThat(rows).as("rows of:\n" + query).isNotEmpty();
    }
  }

  @Test
  void customer360HoldsEachCustomerOnceAtTheLatestRunDate() {
    List<Row> rows = tables.spark().sql("SELECT customer_id, run_date, rfm_segment, churn_probability, industry"
        + " FROM " + tables.qualifiedName(SqlCatalog.CUSTOMER_360) + " ORDER BY customer_id").collectAsList();
    assertThat(rows).extracting(r -> r.getString(0)).containsExactly("C001", "C002", "C003", "C004", "C005", "C006");
    assertThat(rows).allSatisfy(r -> assertThat(r.getDate(1).toLocalDate()).isEqualTo(OutputsWarehouse.D2));
    Row c002 = rows.get(1);
    assertThat(c002.getString(2)).isEqualTo("at_risk");
    assertThat(c002.getDouble(3)).isEqualTo(0.55);
    assertThat(c002.getString(4)).isEqualTo("retail");
  }

  @Test
  void goldColumnsCarryTheirDocumentedComments() {
    List<Row> described = tables.spark().sql("DESCRIBE TABLE " + tables.qualifiedName(CUSTOMER_SCORES.table()))
        .collectAsList();
    Row churn = described.stream().filter(r -> "churn_probability".equals(r.getString(0))).findFirst().orElseThrow();
    assertThat(churn.getString(2)).isEqualTo(ColumnDocs.description(CUSTOMER_SCORES.table(), "churn_probability"));
    // Applying again changes nothing (no extra Delta commits).
    assertThat(TableDocs.apply(tables, CUSTOMER_SCORES.table())).isZero();
  }

  @Test
  void sqlCommandPrintsTableCsvAndJson() {
    java.nio.file.Path dir = TestSpark.newDirectory("sql-cli");
    String query = "SELECT customer_id, churn_probability, run_date FROM " + CUSTOMER_360.table()
        + " WHERE customer_id IN"
        + " ('C001', 'C002') ORDER BY customer_id";
    CliRunner.Result table = CliRunner.run(OutputsWarehouse.cliArgs(dir, "sql", query));
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).contains("customer_id | churn_probability | run_date")
        .contains("C002        | 0.55              | 2025-03-31").contains("(2 rows)");

    CliRunner.Result csv = CliRunner.run(OutputsWarehouse.cliArgs(dir, "sql", query, "--format", "csv"));
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("customer_id,churn_probability,run_date\nC001,0.05,2025-03-31\n"
        + "C002,0.55,2025-03-31\n");

    CliRunner.Result json = CliRunner.run(OutputsWarehouse.cliArgs(dir, "sql", query, "--format", "json"));
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out()).isEqualTo("{\"customer_id\":\"C001\",\"churn_probability\":0.05,\"run_date\":\"2025-03-31\"}\n"
        + "{\"customer_id\":\"C002\",\"churn_probability\":0.55,\"run_date\":\"2025-03-31\"}\n");

    CliRunner.Result bad = CliRunner.run(OutputsWarehouse.cliArgs(dir, "sql", "SELECT nope FROM "
        + CUSTOMER_360.table()));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("nope");
  }
}
