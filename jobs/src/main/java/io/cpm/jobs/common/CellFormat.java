package io.cpm.jobs.common;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;

/**
 * Locale-free text of a cell for files other tools import: ISO-8601 dates ({@code 2025-03-31}) and UTC
 * timestamps ({@code 2025-03-31T08:15:00Z}), numbers in plain notation with a {@code .} separator (never
 * scientific, no grouping), booleans {@code true}/{@code false}, null and non-finite numbers as empty.
 *
 * <p>{@link #neutralize} implements OWASP's CSV-injection defence: a text cell beginning with {@code =},
 * {@code +}, {@code -}, {@code @}, tab, CR or LF is prefixed with a single quote so spreadsheets show it as
 * text instead of evaluating it.
 */
public final class CellFormat {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_INSTANT;

  private CellFormat() {}

  public static String plain(Object value, int decimalPlaces) {
    if (value == null) {
      return "";
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        return "";
      }
      return plainDecimal(BigDecimal.valueOf(d), decimalPlaces);
    }
    if (value instanceof BigDecimal decimal) {
      return plainDecimal(decimal, decimalPlaces);
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate().toString();
    }
    if (value instanceof LocalDate date) {
      return date.toString();
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return TIMESTAMP.format(timestamp.toInstant().atOffset(ZoneOffset.UTC));
    }
    if (value instanceof Instant instant) {
      return TIMESTAMP.format(instant);
    }
    return value.toString();
  }

  private static String plainDecimal(BigDecimal value, int decimalPlaces) {
    BigDecimal rounded = value.setScale(decimalPlaces, RoundingMode.HALF_UP).stripTrailingZeros();
    if (rounded.signum() == 0) {
      return "0";
    }
    return rounded.toPlainString();
  }

  /** Whether a text cell would be evaluated as a formula by a spreadsheet (OWASP CSV injection). */
  public static boolean looksLikeFormula(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    char first = text.charAt(0);
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
        || first == '\n';
  }

  /** Prefixes a formula-like text cell with a single quote; other text is returned unchanged. */
  public static String neutralize(String text) {
    return looksLikeFormula(text) ? "'" + text : text;
  }
}
