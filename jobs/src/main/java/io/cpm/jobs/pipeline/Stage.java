package io.cpm.jobs.pipeline;

/**
 * One step of the nightly run (ingest, features, kpis, segment, score, publish, report, ...).
 * A stage reads tables, calls library functions and writes tables: nothing else.
 */
public interface Stage {
  /** Short name shown in summaries and stored in {@code pipeline_runs}. */
  String name();

  StageResult run(PipelineContext context);

  /**
   * Whether the stage writes silver tables: the run's cached silver ({@link PipelineContext#silver()}) is then
   * dropped after it, so later stages read what it wrote whatever the write path (Spark re-caches a path written
   * with the DataFrame writer by itself; this also covers MERGE and frees the memory at once).
   */
  default boolean writesSilver() {
    return false;
  }
}
