package io.cpm.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.metrics.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.codegen.ByteCodeStats;
import org.junit.jupiter.api.Test;
import scala.Tuple3;
import scala.collection.JavaConverters;

class DateParameterTest {
  private static final LocalDate MARCH_29 = LocalDate.of(2025, 3, 29);
  private static final LocalDate APRIL_30 = LocalDate.of(2025, 4, 30);

  @Test
  void holdsTheDateInFiltersAndDateArithmetic() {
    Row row = query(DateParameter::of, MARCH_29).collectAsList().get(0);
    assertThat(row.getDate(0).toLocalDate()).isEqualTo(MARCH_29);
    assertThat(row.getInt(1)).isEqualTo(28);
    assertThat(query(DateParameter::of, LocalDate.of(2025, 2, 28)).count()).isZero();
    assertThat(DateParameter.of(MARCH_29).expr().foldable()).isFalse();
  }

  /** The point of the class: one generated class serves every date. A literal date is inlined instead. */
  @Test
  void generatesTheSameCodeForEveryDateWhereALiteralDoesNot() {
    assertThat(generatedCode(DateParameter::of, MARCH_29)).isEqualTo(generatedCode(DateParameter::of, APRIL_30));
    Function<LocalDate, Column> literal = d -> lit(Date.valueOf(d));
    assertThat(generatedCode(literal, MARCH_29)).isNotEqualTo(generatedCode(literal, APRIL_30));
  }

  private static Dataset<Row> query(Function<LocalDate, Column> date, LocalDate asOf) {
    SparkSession spark = TestSpark.session();
    Dataset<Row> days = spark.range(3).select(col("id"),
        lit(Date.valueOf(LocalDate.of(2025, 3, 1))).as("day"));
    return days.where(col("day").leq(date.apply(asOf))).where(col("id").equalTo(0))
        .select(date.apply(asOf).as("as_of"), datediff(date.apply(asOf), col("day")).as("days"));
  }

  private static List<String> generatedCode(Function<LocalDate, Column> date, LocalDate asOf) {
    List<Tuple3<String, String, ByteCodeStats>> subtrees = JavaConverters.seqAsJavaList(
        org.apache.spark.sql.execution.debug.package$.MODULE$.codegenStringSeq(
            query(date, asOf).queryExecution().executedPlan()));
    assertThat(subtrees).isNotEmpty();
    return subtrees.stream().map(Tuple3::_2).toList();
  }
}
