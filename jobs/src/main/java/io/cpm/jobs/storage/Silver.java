package io.cpm.jobs.storage;

import io.cpm.metrics.schema.Entity;
import io.cpm.metrics.schema.SilverTables;
import java.util.List;

/** Loads the silver entity tables from the warehouse; a table not yet written reads as empty. */
public final class Silver {
  private Silver() {}

  public static SilverTables load(Tables tables) {
    return SilverTables.load(entity -> tables.exists(entity.table())
        ? tables.read(entity.table())
        : tables.spark().createDataFrame(List.of(), entity.silverSchema()));
  }
}
