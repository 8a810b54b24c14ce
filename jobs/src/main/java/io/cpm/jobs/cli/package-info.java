/**
 * Shared command plumbing: {@link io.cpm.jobs.cli.StageCommand} and the option mixins of the pipeline commands,
 * and {@link io.cpm.jobs.cli.CsvCommand} with {@link io.cpm.jobs.cli.TransactionOptions} for the analyst commands
 * on a CSV. A command itself lives in the package of the stage or tool it runs (docs/DEVELOPING.md, "Where
 * classes live"; docs/architecture.md).
 */
package io.cpm.jobs.cli;
