/**
 * The composition root: the CLI's command tree ({@link io.cpm.jobs.app.CpmCommand}) and the nightly's stage list
 * ({@link io.cpm.jobs.app.Nightly}), the only code that names every stage. Layers, data flow and where a new
 * stage goes: docs/architecture.md.
 */
package io.cpm.jobs.app;
