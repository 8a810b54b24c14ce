package io.cpm.segmentation.clv;

import java.util.Locale;

/**
 * The time unit in which BTYD models measure recency, age and horizons. Purchases are counted at day
 * resolution; a week is 7 days and a month is 365.25 / 12 = 30.4375 days.
 */
public enum ClvTimeUnit {
  DAY(1.0),
  WEEK(7.0),
  MONTH(365.25 / 12.0);

  private final double days;

  ClvTimeUnit(double days) {
    this.days = days;
  }

  /** Length of one unit in days. */
  public double days() {
    return days;
  }

  /** A number of days expressed in this unit. */
  public double fromDays(double dayCount) {
    return dayCount / days;
  }

  /** Parses {@code day|week|month} (case-insensitive). */
  public static ClvTimeUnit parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid time unit: " + text + " (expected day, week or month)");
    }
  }
}
