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

  public double quarantineRate() {
    return rowsRead == 0 ? 0 : (double) rowsQuarantined() / rowsRead;
  }

  public FileCounts withStatus(String newStatus) {
    return new FileCounts(entity, file, rowsRead, quarantinedByReason, newStatus);
  }
}
