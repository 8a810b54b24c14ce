package io.cpm.segmentation.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A dataset computed once and cached, handed on as a new DataFrame whose logical plan is a single leaf over the
 * cached rows. MLlib estimators and evaluators derive many DataFrames (withColumn, select, filter) from their
 * input, and Spark analyses and optimises each derived plan in full: over a large lineage (point-in-time
 * feature snapshots joined with labels) that planning costs more than the work itself. Lost cache blocks are
 * recomputed from the original lineage, so this stays correct on a cluster (unlike a local checkpoint).
 */
public final class Detached implements AutoCloseable {
  private final Dataset<Row> cached;
  private final Dataset<Row> data;
  private final long rows;

  private Detached(Dataset<Row> cached, Dataset<Row> data, long rows) {
    this.cached = cached;
    this.data = data;
    this.rows = rows;
  }

  /** Caches and counts {@code source}, then returns it with its plan cut to a leaf over the cached rows. */
  public static Detached of(Dataset<Row> source) {
    Dataset<Row> cached = source.cache();
    long rows = cached.count();
    return new Detached(cached, cached.sparkSession().createDataFrame(cached.javaRDD(), cached.schema()), rows);
  }

  /** The rows, with a leaf plan. */
  public Dataset<Row> data() {
    return data;
  }

  /** Row count, computed when the cache was filled. */
  public long rows() {
    return rows;
  }

  /** Drops the cached rows. */
  @Override
  public void close() {
    cached.unpersist();
  }
}
