package io.cpm.metrics.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds in-memory silver tables for tests from compact text rows: one string per row, values in the
 * entity's canonical column order separated by {@code |}, an empty value is null. Values are cast to the
 * canonical types by Spark (dates {@code yyyy-MM-dd}, timestamps {@code yyyy-MM-dd HH:mm:ss}).
 */
public final class SilverFixture {
  private final Map<Entity, List<String>> rows = new EnumMap<>(Entity.class);

  public SilverFixture add(Entity entity, String... lines) {
    rows.computeIfAbsent(entity, e -> new ArrayList<>()).addAll(Arrays.asList(lines));
    return this;
  }

  /** A copy with more rows (e.g. data dated after the run date). */
  public SilverFixture copy() {
    SilverFixture copy = new SilverFixture();
    rows.forEach((entity, lines) -> copy.add(entity, lines.toArray(String[]::new)));
    return copy;
  }

  /** A copy without any row of the given entities: a company that does not export them. */
  public SilverFixture without(Entity... entities) {
    SilverFixture copy = copy();
    for (Entity entity : entities) {
      copy.rows.remove(entity);
    }
    return copy;
  }

  public SilverTables build() {
    SparkSession spark = TestSpark.session();
    return SilverTables.load(entity -> {
      StructType schema = entity.schema();
      StructType text = new StructType(Arrays.stream(schema.fields())
          .map(f -> new StructField(f.name(), DataTypes.StringType, true, f.metadata())).toArray(StructField[]::new));
      List<Row> parsed = new ArrayList<>();
      for (String line : rows.getOrDefault(entity, List.of())) {
        String[] values = line.split("\\|", -1);
        if (values.length != schema.size()) {
          throw new IllegalArgumentException(entity + ": expected " + schema.size() + " values, got "
              + values.length + " in '" + line + "'");
        }
        Object[] cells = Arrays.stream(values).map(v -> v.isEmpty() ? null : v.trim()).toArray();
        parsed.add(RowFactory.create(cells));
      }
      Dataset<Row> strings = spark.createDataFrame(parsed, text);
      List<Column> typed = new ArrayList<>();
      for (StructField field : schema.fields()) {
        typed.add(col(field.name()).cast(field.dataType()).as(field.name()));
      }
      typed.add(lit("fixture").as(Entity.SOURCE_FILE));
      typed.add(lit(1L).as(Entity.ROW_NUMBER));
      typed.add(lit(java.sql.Date.valueOf("2025-03-31")).as(Entity.RUN_DATE));
      return strings.select(typed.toArray(Column[]::new)).cache();
    });
  }
}
