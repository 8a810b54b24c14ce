package io.cpm.jobs.ingest;

import io.cpm.metrics.schema.Entity;
import java.util.Map;
import java.util.TreeMap;

/**
 * Row accounting of one export file in one ingest run (a row of {@code ingest_runs}):
 * {@code rowsRead = rowsAccepted + rowsQuarantined}, with the quarantined rows counted by reason code.
 */
public record FileCounts(Entity entity, String file, long rowsRead, Map<String, Long> quarantinedByReason,
    String status) {

  public FileCounts {
    quarantinedByReason = java.util.Collections.unmodifiableMap(new TreeMap<>(quarantinedByReason));
  }

  public long rowsQuarantined() {
    return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public long rowsAccepted() {
    return rowsRead - rowsQuarantined();
  }

  /**
   * Rows dropped on purpose by the mapping (FILTERED by its where, DEDUPLICATED by its distinct-by): in
   * quarantine like every row not accepted, but not a data-quality problem.
   */
  public long rowsDropped() {
    return quarantinedByReason.getOrDefault(ReasonCode.FILTERED.name(), 0L)
        + quarantinedByReason.getOrDefault(ReasonCode.DEDUPLICATED.name(), 0L);
  }

  /** Rows the quarantine-rate gate judges: read minus dropped on purpose. */
  public long rowsJudged() {
    return rowsRead - rowsDropped();
  }

  /** Share of the judged rows that were rejected (what ingest.max-quarantine-rate limits). */
  public double quarantineRate() {
    return rowsJudged() == 0 ? 0 : (double) (rowsQuarantined() - rowsDropped()) / rowsJudged();
  }

  public FileCounts withStatus(String newStatus) {
    return new FileCounts(entity, file, rowsRead, quarantinedByReason, newStatus);
  }
}
