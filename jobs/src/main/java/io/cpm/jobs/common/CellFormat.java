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
 * {@code +}, {@code -}, {@code @}, tab, CR or LF — also after leading spaces, and in the full-width forms
 * {@code ＝＋－＠} — is prefixed with a single quote so spreadsheets show it as text instead of evaluating it.
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

  /**
   * Whether a text cell would be evaluated as a formula by a spreadsheet (OWASP CSV injection). Spreadsheets skip
   * leading spaces before a formula and some (Excel with East Asian input) read the full-width forms
   * {@code ＝＋－＠} as the ASCII ones, so both count: the first character that is not a space decides.
   */
  public static boolean looksLikeFormula(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    char first = text.charAt(0);
    if (first == '\t' || first == '\r' || first == '\n') {
      return true;
    }
    int i = 0;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\u3000' || text.charAt(i) == '\u00A0')) {
      i++;
    }
    if (i == text.length()) {
      return false;
    }
    char c = text.charAt(i);
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\n'
        || c == '\uFF1D' || c == '\uFF0B' || c == '\uFF0D' || c == '\uFF20';
  }

  /** Prefixes a formula-like text cell with a single quote; other text is returned unchanged. */
  public static String neutralize(String text) {
    return looksLikeFormula(text) ? "'" + text : text;
  }
}
