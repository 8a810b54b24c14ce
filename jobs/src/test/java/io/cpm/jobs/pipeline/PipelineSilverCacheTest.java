package io.cpm.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.cpm.jobs.TestPipelines;
import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The run's cached silver tables ({@link PipelineContext#silver()}): stages read them from the cache, later
 * stages see rows written to silver (after a stage that declares {@link Stage#writesSilver()} the cache is
 * dropped; a DataFrame-writer write to a cached path is also re-cached by Spark itself), and the runner drops
 * the cache when the run ends.
 */
class PipelineSilverCacheTest {
  private static final LocalDate RUN_DATE = LocalDate.of(2025, 3, 31);

  @Test
  void stagesReadSilverFromTheCacheAndSeeWhatEarlierStagesWrote() throws Exception {
    SparkSession spark = TestSpark.session();
    Path warehouse = TestSpark.newDirectory("silver-cache");
    PipelineContext context = TestPipelines.quietContext(spark,
        TestPipelines.localConfig(warehouse, "silver_cache_test"), RUN_DATE);
    context.tables().overwrite(orders(spark, "O1", "O2"), Entity.ORDERS.table());

    List<Long> seen = new ArrayList<>();
    List<Dataset<Row>> read = new ArrayList<>();
    Stage reader = stage("read", false, c -> {
      Dataset<Row> orders = c.silver().orders();
      assertThat(orders.storageLevel().useMemory()).as("silver orders are cached during the run").isTrue();
      read.add(orders);
      seen.add(orders.count());
    });
    Stage declaredWrite = stage("declared-write", true, c -> c.tables().merge(orders(spark, "O3"),
        Entity.ORDERS.table(), List.of("order_id"), "true"));
    Stage undeclaredWrite = stage("undeclared-write", false,
        c -> c.tables().append(orders(spark, "O4"), Entity.ORDERS.table()));

    new PipelineRunner(context, false).run(List.of(reader, reader, declaredWrite, reader, undeclaredWrite, reader));

    assertThat(seen).containsExactly(2L, 2L, 3L, 4L);
    assertThat(read.get(1)).as("stages without silver writes between them share one cached read").isSameAs(read.get(0));
    assertThat(read.get(2)).as("a declared silver write drops the cache").isNotSameAs(read.get(1));
    assertThat(read.get(3).storageLevel().useMemory()).as("the runner drops the cache at the end").isFalse();
  }

  private static Stage stage(String name, boolean writesSilver, java.util.function.Consumer<PipelineContext> body) {
    return new Stage() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean writesSilver() {
        return writesSilver;
      }

      @Override
      public StageResult run(PipelineContext context) {
        body.accept(context);
        return StageResult.of(name, 0, Map.of());
      }
    };
  }

  private static Dataset<Row> orders(SparkSession spark, String... ids) {
    StructType schema = Entity.ORDERS.silverSchema();
    List<Row> rows = new ArrayList<>();
    for (String id : ids) {
      Object[] cells = new Object[schema.size()];
      for (int i = 0; i < cells.length; i++) {
        cells[i] = switch (schema.fields()[i].name()) {
          case "order_id" -> id;
          case "customer_id" -> "C1";
          case "order_date" -> Date.valueOf(RUN_DATE);
          case "status" -> "delivered";
          case "currency" -> "EUR";
          case Entity.SOURCE_FILE -> "test";
          case Entity.ROW_NUMBER -> 1L;
          case Entity.RUN_DATE -> Date.valueOf(RUN_DATE);
          default -> null;
        };
      }
      rows.add(RowFactory.create(cells));
    }
    return spark.createDataFrame(rows, schema);
  }
}
