package io.cpm.jobs.pipeline;

import java.io.PrintWriter;
import java.util.Locale;

/** Prints progress of long work as timestamped lines relative to the start of the command. */
public final class Progress {
  private final PrintWriter out;
  private final long startNanos = System.nanoTime();

  public Progress(PrintWriter out) {
    this.out = out;
  }

  public PrintWriter out() {
    return out;
  }

  /** One progress line, e.g. {@code [  12.3s] ingest crm/accounts.csv: 2,031 rows}. */
  public void step(String stage, String message) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    out.println(String.format(Locale.ROOT, "[%7.1fs] %-9s %s", seconds, stage, message));
    out.flush();
  }
}
