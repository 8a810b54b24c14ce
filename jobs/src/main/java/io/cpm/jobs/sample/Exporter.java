package io.cpm.jobs.sample;

import io.cpm.metrics.schema.Entity;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Places generated records into run-date folders: the first folder gets every record created up to its
 * date, in its state as of that date (the initial load); each later folder gets the records created or
 * changed on that day, in their state as of that day.
 */
final class Exporter {
  /** A record's column values as of the end of a given day. */
  @FunctionalInterface
  interface RowAsOf {
    Object[] asOf(LocalDate day);
  }

  private final LandingFiles files;
  private final LocalDate start;
  private final long startDay;
  private final long endDay;

  Exporter(LandingFiles files) {
    this.files = files;
    this.start = files.folders().get(0);
    this.startDay = start.toEpochDay();
    this.endDay = files.folders().get(files.folders().size() - 1).toEpochDay();
  }

  /** A record that never changes after it is created. */
  void emit(Entity entity, LocalDate created, Object[] row) {
    long day = created.toEpochDay();
    if (day <= startDay) {
      files.write(0, entity, row);
    } else if (day <= endDay) {
      files.write((int) (day - startDay), entity, row);
    }
  }

  /** A record re-exported on every day it changes; null change dates are ignored. */
  void emit(Entity entity, LocalDate created, RowAsOf row, LocalDate... changes) {
    long createdDay = created.toEpochDay();
    if (createdDay > endDay) {
      return;
    }
    if (createdDay <= startDay) {
      files.write(0, entity, row.asOf(start));
    }
    long[] days = new long[changes.length + 1];
    int count = 0;
    if (createdDay > startDay) {
      days[count++] = createdDay;
    }
    for (LocalDate change : changes) {
      if (change != null) {
        long day = change.toEpochDay();
        if (day > startDay && day <= endDay && day >= createdDay) {
          days[count++] = day;
        }
      }
    }
    if (count == 0) {
      return;
    }
    Arrays.sort(days, 0, count);
    for (int i = 0; i < count; i++) {
      if (i == 0 || days[i] != days[i - 1]) {
        files.write((int) (days[i] - startDay), entity, row.asOf(LocalDate.ofEpochDay(days[i])));
      }
    }
  }
}
