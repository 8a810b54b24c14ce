package io.cpm.metrics.kpi;

import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Objects;

/**
 * A reporting period ending at the run date: {@code month} (month to date), {@code quarter} (quarter to
 * date), {@code trailing_90_days} (the 90 days ending at the run date, both ends included), {@code year_to_date}
 * (since 1 January of the run date's year) or {@code all_time} (everything on or before the run date; its
 * start is {@link #ALL_TIME_START}, before any record).
 */
public record Period(String name, LocalDate start, LocalDate end) {
  public static final String MONTH = "month";
  public static final String QUARTER = "quarter";
  public static final String TRAILING_90_DAYS = "trailing_90_days";
  public static final String YEAR_TO_DATE = "year_to_date";
  public static final String ALL_TIME = "all_time";
  /** period_start of all_time: a date before any business record (and after 1582, which Parquet needs). */
  public static final LocalDate ALL_TIME_START = LocalDate.of(1900, 1, 1);

  public Period {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.isAfter(end)) {
      throw new IllegalArgumentException("Invalid period " + name + ": start " + start + " after end " + end);
    }
  }

  /** The five standard periods ending at {@code asOf}. */
  public static List<Period> endingAt(LocalDate asOf) {
    LocalDate quarterStart = asOf.with(IsoFields.DAY_OF_QUARTER, 1);
    return List.of(
        new Period(MONTH, asOf.withDayOfMonth(1), asOf),
        new Period(QUARTER, quarterStart, asOf),
        new Period(TRAILING_90_DAYS, asOf.minusDays(89), asOf),
        new Period(YEAR_TO_DATE, asOf.withDayOfYear(1), asOf),
        new Period(ALL_TIME, ALL_TIME_START.isAfter(asOf) ? asOf : ALL_TIME_START, asOf));
  }
}
