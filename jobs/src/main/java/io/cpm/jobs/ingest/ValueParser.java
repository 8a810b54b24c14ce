package io.cpm.jobs.ingest;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.DecimalType;

/**
 * Parses raw export strings into canonical values with a column's accepted date or timestamp patterns (tried
 * in order; the first that parses wins). Returns null for a value that does not parse; the caller turns that
 * into a reason code. Dates are resolved strictly (2025-02-30 is rejected, not moved to the 28th); a pattern
 * with a zone offset ({@code X}, {@code XXX}, {@code Z}) is converted to UTC; the ISO patterns take a fast path
 * because {@link DateTimeFormatter} dominates the parse time of large exports.
 */
final class ValueParser implements Serializable {
  static final String ISO_DATE = "yyyy-MM-dd";
  static final String ISO_TIMESTAMP = "yyyy-MM-dd HH:mm:ss";

  private final String[] patterns;
  private transient DateTimeFormatter[] formatters;

  ValueParser(List<String> patterns) {
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("no pattern");
    }
    this.patterns = patterns.toArray(String[]::new);
  }

  LocalDate date(String value) {
    for (int p = 0; p < patterns.length; p++) {
      LocalDate parsed = patterns[p].equals(ISO_DATE) ? isoDate(value, 0, value.length() == 10)
          : date(parse(p, value));
      if (parsed != null) {
        return parsed;
      }
    }
    return null;
  }

  LocalDateTime timestamp(String value) {
    for (int p = 0; p < patterns.length; p++) {
      LocalDateTime parsed = patterns[p].equals(ISO_TIMESTAMP) ? isoTimestamp(value) : timestamp(parse(p, value));
      if (parsed != null) {
        return parsed;
      }
    }
    return null;
  }

  private TemporalAccessor parse(int p, String value) {
    if (formatters == null) {
      formatters = new DateTimeFormatter[patterns.length];
    }
    if (formatters[p] == null) {
      formatters[p] = strict(patterns[p]);
    }
    try {
      return formatters[p].parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static LocalDate date(TemporalAccessor parsed) {
    if (parsed == null) {
      return null;
    }
    LocalDateTime time = timestamp(parsed);
    if (time != null) {
      return time.toLocalDate();
    }
    try {
      return LocalDate.from(parsed);
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  /** A parsed timestamp in UTC (converted when the pattern has an offset), or a date at midnight. */
  private static LocalDateTime timestamp(TemporalAccessor parsed) {
    if (parsed == null) {
      return null;
    }
    try {
      if (!parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
        return null;
      }
      LocalDateTime local = LocalDateTime.from(parsed);
      if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
        return local.atOffset(ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)))
            .withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
      }
      return local;
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  /**
   * Why {@code pattern} cannot serve a column of this kind, or null when it can: it must print and parse back a
   * full date (a year-only pattern such as {@code yyyy} parses no row), and a timestamp pattern needs the hour.
   */
  static String unusable(String pattern, boolean timestamp) {
    DateTimeFormatter formatter;
    try {
      formatter = strict(pattern);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    LocalDateTime sample = LocalDateTime.of(2024, 11, 23, 17, 45, 30);
    String printed;
    try {
      printed = formatter.format(sample.atOffset(ZoneOffset.UTC));
    } catch (java.time.DateTimeException e) {
      return "cannot print a sample value (" + e.getMessage() + ")";
    }
    ValueParser parser = new ValueParser(List.of(pattern));
    if (timestamp) {
      LocalDateTime back = parser.timestamp(printed);
      return back != null && back.toLocalDate().equals(sample.toLocalDate()) && back.getHour() == 17 ? null
          : "does not give a full date and time (" + printed + " does not parse back); for a date-only value use"
              + " a date pattern in formats, for a partial value an expression in derive";
    }
    return sample.toLocalDate().equals(parser.date(printed)) ? null
        : "does not give a full date (" + printed + " does not parse back to 2024-11-23); derive the column"
            + " with an expression instead, e.g. make_date(<year column>, 1, 1)";
  }

  private static LocalDateTime isoTimestamp(String value) {
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

  /** An integer; also one written with a zero fraction ({@code 3.0}), as spreadsheets and JSON tools export them. */
  static Integer integer(String value) {
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      if (value.indexOf('.') < 0) {
        return null;
      }
      try {
        return new BigDecimal(value).intValueExact();
      } catch (NumberFormatException | ArithmeticException notWhole) {
        return null;
      }
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
