package io.cpm.jobs.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The quarantine-rate gate ({@code ingest.max-quarantine-rate}, {@code ingest.gate-min-rows}): a file, or the
 * whole run, that rejects more than the limit of its judged rows keeps the run from touching silver (exit 3).
 */
final class QuarantineGate {
  private QuarantineGate() {}

  /** What failed the gate, naming every file above the limit; empty when the run passes. */
  static Optional<String> failure(IngestSettings settings, List<FileCounts> counts) {
    double limit = settings.maxQuarantineRate();
    List<String> failures = new ArrayList<>();
    for (FileCounts c : counts) {
      if (c.rowsJudged() >= settings.gateMinRows() && c.quarantineRate() > limit) {
        failures.add(String.format(Locale.ROOT, "%s (%s) quarantined %,d of %,d rows (%.1f %%; %s)", c.file(),
            c.entity().entityName(), c.rowsQuarantined() - c.rowsDropped(), c.rowsJudged(),
            100 * c.quarantineRate(), c.quarantinedByReason()));
      }
    }
    // Rows a mapping drops on purpose (FILTERED, DEDUPLICATED) are neither good nor bad rows for the gate.
    long read = counts.stream().mapToLong(FileCounts::rowsJudged).sum();
    long quarantined = counts.stream().mapToLong(c -> c.rowsQuarantined() - c.rowsDropped()).sum();
    if (read > 0 && (double) quarantined / read > limit) {
      failures.add(String.format(Locale.ROOT, "the run quarantined %,d of %,d rows (%.1f %%)", quarantined, read,
          100.0 * quarantined / read));
    }
    if (failures.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "quarantine rate above ingest.max-quarantine-rate = %s: ", limit)
        + String.join("; ", failures));
  }
}
