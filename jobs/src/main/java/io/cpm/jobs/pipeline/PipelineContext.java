package io.cpm.jobs.pipeline;

import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.storage.Silver;
import io.cpm.jobs.storage.Tables;
import io.cpm.metrics.schema.SilverTables;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/** Everything a stage needs for one run date: Spark, the config, the warehouse and a progress printer. */
public final class PipelineContext {
  private final SparkSession spark;
  private final CpmConfig config;
  private final LocalDate runDate;
  private final Tables tables;
  private final Progress progress;
  private Silver.Cached silver;

  public PipelineContext(SparkSession spark, CpmConfig config, LocalDate runDate, PrintWriter out) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.config = Objects.requireNonNull(config, "config");
    this.runDate = Objects.requireNonNull(runDate, "runDate");
    this.tables = new Tables(spark, config.warehouseRoot(), config.database());
    this.progress = new Progress(out);
  }

  public SparkSession spark() {
    return spark;
  }

  public CpmConfig config() {
    return config;
  }

  /** The as-of date of the run; nothing reads the system clock to decide what data counts. */
  public LocalDate runDate() {
    return runDate;
  }

  public Tables tables() {
    return tables;
  }

  /**
   * The silver tables as of now, read once and cached until {@link #releaseSilver()}. Stages that write silver
   * (ingest) release it when they are done, so later stages of the run see what they wrote.
   */
  public SilverTables silver() {
    if (silver == null) {
      silver = new Silver.Cached(tables);
    }
    return silver.tables();
  }

  /** Drops the cached silver tables; the next {@link #silver()} reads the warehouse again. */
  public void releaseSilver() {
    if (silver != null) {
      silver.close();
      silver = null;
    }
  }

  public Progress progress() {
    return progress;
  }

  /** The same context for another run date (backfills). */
  public PipelineContext forRunDate(LocalDate otherDate) {
    return new PipelineContext(spark, config, otherDate, progress.out());
  }
}
