package io.cpm.jobs.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.metrics.testing.TestSpark;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TablesTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void replaceRunDateReplacesOnlyThatDateAndRerunsAreIdempotent() {
    Tables tables = new Tables(spark, TestSpark.newDirectory("wh").toString(), "tables_test");
    LocalDate d1 = LocalDate.parse("2025-01-01");
    LocalDate d2 = LocalDate.parse("2025-01-02");
    tables.replaceRunDate(spark.sql("SELECT 'a' AS k, 1 AS v UNION ALL SELECT 'b', 2"), "t", d1);
    tables.replaceRunDate(spark.sql("SELECT 'a' AS k, 10 AS v"), "t", d2);
    tables.replaceRunDate(spark.sql("SELECT 'a' AS k, 10 AS v"), "t", d2);
    assertThat(tables.read("t").count()).isEqualTo(3);
    tables.replaceRunDate(spark.sql("SELECT 'c' AS k, 3 AS v"), "t", d1);
    assertThat(tables.readRunDate("t", d1).select("k").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("c");
    assertThat(spark.sql("SELECT count(*) FROM tables_test.t").first().getLong(0)).isEqualTo(2);
  }

  @Test
  void mergeUpsertsOnlyNewerRows() {
    Tables tables = new Tables(spark, TestSpark.newDirectory("wh").toString(), "tables_test");
    Dataset<Row> first = spark.sql("SELECT 'a' AS k, 1 AS v, 5 AS version UNION ALL SELECT 'b', 2, 5");
    tables.merge(first, "m", List.of("k"), "s.version >= t.version");
    Dataset<Row> second = spark.sql("SELECT 'a' AS k, 9 AS v, 4 AS version UNION ALL SELECT 'c', 3, 6");
    tables.merge(second, "m", List.of("k"), "s.version >= t.version");
    List<Row> rows = tables.read("m").orderBy("k").collectAsList();
    assertThat(rows).extracting(r -> r.getString(0) + "=" + r.getInt(1)).containsExactly("a=1", "b=2", "c=3");
  }
}
