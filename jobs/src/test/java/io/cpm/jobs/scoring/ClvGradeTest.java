package io.cpm.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.metrics.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Issue 17: a customer without a CLV (none, or not a number) gets no grade; it was graded A (NaN) or D. */
class ClvGradeTest {
  @Test
  void customersWithoutAClvGetNoGrade() {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      rows.add(RowFactory.create("C" + i, (double) i));
    }
    rows.add(RowFactory.create("empty", null));
    rows.add(RowFactory.create("nan", Double.NaN));
    StructType schema = new StructType().add("_clv_customer", DataTypes.StringType)
        .add("clv_12m", DataTypes.DoubleType);
    Map<String, Row> graded = ScoreStage.withGrades(TestSpark.session().createDataFrame(rows, schema), 0.2, 0.3, 0.3)
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    assertThat(graded.get("empty").isNullAt(2)).isTrue();
    assertThat(graded.get("nan").isNullAt(1)).as("NaN CLV is unknown").isTrue();
    assertThat(graded.get("nan").isNullAt(2)).isTrue();
    // The cuts are taken over the ten customers with a CLV only.
    assertThat(graded.get("C10").getString(2)).isEqualTo("A");
    assertThat(graded.get("C1").getString(2)).isEqualTo("D");
    assertThat(graded.values().stream().filter(r -> r.getString(2) != null).count()).isEqualTo(10);
  }
}
