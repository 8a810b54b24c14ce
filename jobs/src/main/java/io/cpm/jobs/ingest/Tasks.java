package io.cpm.jobs.ingest;

import io.cpm.jobs.CpmException;
import io.cpm.jobs.ExitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs ingest's per-entity (or per-table) Spark work in parallel on a driver thread pool: one gzipped export is
 * one Spark task, so entities run side by side to use every core.
 */
final class Tasks {
  private Tasks() {}

  /**
   * Runs one task per item and waits for all; every file problem (exit 3) of the items is reported together,
   * else the first other failure is rethrown.
   */
  static <T> void runAll(ExecutorService pool, List<T> items, Consumer<T> task) {
    List<Future<?>> futures = new ArrayList<>();
    for (T item : items) {
      futures.add(pool.submit(() -> task.accept(item)));
    }
    List<String> fileProblems = new ArrayList<>();
    RuntimeException other = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("ingest interrupted", e);
      } catch (ExecutionException e) {
        CpmException known = findCpm(e);
        if (known != null && known.exitCode() == ExitCode.DATA_QUALITY) {
          fileProblems.add(known.getMessage());
        } else if (other == null) {
          other = known != null ? known
              : e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    }
    if (!fileProblems.isEmpty()) {
      throw CpmException.dataQuality(String.join("; ", fileProblems));
    }
    if (other != null) {
      throw other;
    }
  }

  private static CpmException findCpm(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CpmException cpm) {
        return cpm;
      }
    }
    return null;
  }

  /** Column names as the Scala sequence Spark's join takes. */
  static scala.collection.immutable.Seq<String> seq(List<String> columns) {
    return scala.collection.JavaConverters.asScalaBuffer(columns).toList();
  }
}
