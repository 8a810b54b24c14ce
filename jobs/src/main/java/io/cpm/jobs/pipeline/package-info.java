/**
 * The pipeline framework: {@link io.cpm.jobs.pipeline.Stage}, {@link io.cpm.jobs.pipeline.PipelineContext},
 * {@link io.cpm.jobs.pipeline.PipelineRunner} and their small value types. It knows no stage; the stages are
 * assembled in {@code io.cpm.jobs.app} (docs/architecture.md, "Layers").
 */
package io.cpm.jobs.pipeline;
