package io.cpm.jobs.ingest;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import org.apache.spark.sql.types.DecimalType;

/**
 * Parses raw export strings into canonical values with the mapping's date and timestamp patterns. Returns
 * null for a value that does not parse; the caller turns that into a reason code. Dates are resolved
 * strictly (2025-02-30 is rejected, not moved to the 28th); the ISO patterns take a fast path because
 * {@link DateTimeFormatter} dominates the parse time of large exports.
 */
final class ValueParser implements Serializable {
  private static final String ISO_DATE = "yyyy-MM-dd";
  private static final String ISO_TIMESTAMP = "yyyy-MM-dd HH:mm:ss";

  private final String datePattern;
  private final String timestampPattern;
  private transient DateTimeFormatter dateFormatter;
  private transient DateTimeFormatter timestampFormatter;

  ValueParser(String datePattern, String timestampPattern) {
    this.datePattern = datePattern;
    this.timestampPattern = timestampPattern;
  }

  LocalDate date(String value) {
    if (datePattern.equals(ISO_DATE)) {
      return isoDate(value, 0, value.length() == 10);
    }
    if (dateFormatter == null) {
      dateFormatter = strict(datePattern);
    }
    try {
      return LocalDate.parse(value, dateFormatter);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  LocalDateTime timestamp(String value) {
    if (timestampPattern.equals(ISO_TIMESTAMP)) {
      if (value.length() != 19 || value.charAt(10) != ' ' || value.charAt(13) != ':' || value.charAt(16) != ':') {
        return null;
      }
      LocalDate day = isoDate(value, 0, true);
      int hour = digits(value, 11, 2);
      int minute = digits(value, 14, 2);
      int second = digits(value, 17, 2);
      if (day == null || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
        return null;
      }
      return day.atTime(hour, minute, second);
    }
    if (timestampFormatter == null) {
      timestampFormatter = strict(timestampPattern);
    }
    try {
      return LocalDateTime.parse(value, timestampFormatter);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static Integer integer(String value) {
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A decimal rounded half-up to the column's scale; null when it does not parse or exceeds the precision. */
  static BigDecimal decimal(String value, DecimalType type) {
    try {
      BigDecimal parsed = new BigDecimal(value).setScale(type.scale(), RoundingMode.HALF_UP);
      return parsed.precision() > type.precision() ? null : parsed;
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  static Boolean bool(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1":
        return Boolean.TRUE;
      case "false", "no", "0":
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  private static LocalDate isoDate(String value, int from, boolean lengthOk) {
    if (!lengthOk || value.charAt(from + 4) != '-' || value.charAt(from + 7) != '-') {
      return null;
    }
    int year = digits(value, from, 4);
    int month = digits(value, from + 5, 2);
    int day = digits(value, from + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) {
      return null;
    }
    try {
      return LocalDate.of(year, month, day);
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  private static int digits(String value, int from, int count) {
    int result = 0;
    for (int i = from; i < from + count; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      result = result * 10 + (c - '0');
    }
    return result;
  }

  /** STRICT resolution needs proleptic years ('u'); export patterns are written with year-of-era ('y'). */
  private static DateTimeFormatter strict(String pattern) {
    return DateTimeFormatter.ofPattern(pattern.replace('y', 'u'), Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
  }
}
