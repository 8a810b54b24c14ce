package io.cpm.jobs.ingest;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** The run summary ingest prints: per file rows read = accepted + quarantined, status and reasons, and totals. */
final class IngestSummary {
  private IngestSummary() {}

  static void print(PrintWriter out, List<FileCounts> counts, LocalDate runDate) {
    out.println();
    out.println("ingest " + runDate + ": rows read = accepted + quarantined, per file");
    out.println(String.format(Locale.ROOT, "%-40s %12s %12s %12s  %-8s  %-15s  %s", "file", "read", "accepted",
        "quarantined", "status", "entity", "reasons"));
    for (FileCounts c : counts) {
      out.println(String.format(Locale.ROOT, "%-40s %,12d %,12d %,12d  %-8s  %-15s  %s", c.file(), c.rowsRead(),
          c.rowsAccepted(), c.rowsQuarantined(), c.status(), c.entity().entityName(),
          c.quarantinedByReason().isEmpty() ? "" : c.quarantinedByReason()));
    }
    out.println(String.format(Locale.ROOT, "%-40s %,12d %,12d %,12d", "total", rowsRead(counts),
        rowsRead(counts) - rowsQuarantined(counts), rowsQuarantined(counts)));
    out.flush();
  }

  /** The stage result's note: the row accounting of the whole run. */
  static String accountingNote(List<FileCounts> counts) {
    long read = rowsRead(counts);
    long quarantined = rowsQuarantined(counts);
    return String.format(Locale.ROOT, "rows read %,d = accepted %,d + quarantined %,d", read, read - quarantined,
        quarantined);
  }

  static long rowsRead(List<FileCounts> counts) {
    return counts.stream().mapToLong(FileCounts::rowsRead).sum();
  }

  private static long rowsQuarantined(List<FileCounts> counts) {
    return counts.stream().mapToLong(FileCounts::rowsQuarantined).sum();
  }
}
