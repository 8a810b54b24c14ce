package io.cpm.metrics.kpi;

import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Objects;

/**
 * A reporting period ending at the run date: {@code month} (month to date), {@code quarter} (quarter to
 * date) or {@code trailing_90_days} (the 90 days ending at the run date, both ends included).
 */
public record Period(String name, LocalDate start, LocalDate end) {
  public static final String MONTH = "month";
  public static final String QUARTER = "quarter";
  public static final String TRAILING_90_DAYS = "trailing_90_days";

  public Period {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.isAfter(end)) {
      throw new IllegalArgumentException("Invalid period " + name + ": start " + start + " after end " + end);
    }
  }

  /** The three standard periods ending at {@code asOf}. */
  public static List<Period> endingAt(LocalDate asOf) {
    LocalDate quarterStart = asOf.with(IsoFields.DAY_OF_QUARTER, 1);
    return List.of(
        new Period(MONTH, asOf.withDayOfMonth(1), asOf),
        new Period(QUARTER, quarterStart, asOf),
        new Period(TRAILING_90_DAYS, asOf.minusDays(89), asOf));
  }
}
