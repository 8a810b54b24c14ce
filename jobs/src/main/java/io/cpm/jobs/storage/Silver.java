package io.cpm.jobs.storage;

import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/** Loads the silver entity tables from the warehouse; a table not yet written reads as empty. */
public final class Silver {
  private Silver() {}

  public static SilverTables load(Tables tables) {
    return SilverTables.load(entity -> read(tables, entity));
  }

  private static Dataset<Row> read(Tables tables, io.cpm.metrics.schema.Entity entity) {
    return tables.exists(entity.table())
        ? tables.read(entity.table())
        : tables.spark().createDataFrame(List.of(), entity.silverSchema());
  }

  /**
   * The silver tables read once and cached (memory, spilling to disk) for the stages of one run date. Every
   * query over a Delta table otherwise pays Delta's scan preparation (a file listing from the table's log
   * state) again, and the feature, churn-snapshot and KPI computations scan the same tables dozens of times.
   */
  public static final class Cached implements AutoCloseable {
    private final List<Dataset<Row>> cached = new ArrayList<>();
    private final SilverTables tables;

    public Cached(Tables warehouse) {
      this.tables = SilverTables.load(entity -> {
        Dataset<Row> data = read(warehouse, entity).persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(data);
        return data;
      });
    }

    public SilverTables tables() {
      return tables;
    }

    @Override
    public void close() {
      cached.forEach(Dataset::unpersist);
      cached.clear();
    }
  }
}
