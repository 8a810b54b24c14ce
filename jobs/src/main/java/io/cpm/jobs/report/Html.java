package io.cpm.jobs.report;

import java.util.List;
import java.util.Locale;

/** HTML text helpers of the run report: escaping every data value, number formatting, plain tables. */
final class Html {
  private Html() {}

  /** Escapes text for element content and quoted attribute values. */
  static String escape(Object value) {
    String text = value == null ? "" : value.toString();
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A number for people: grouping, at most {@code decimals} places; null and NaN as an en dash. */
  static String number(Object value, int decimals) {
    if (value == null) {
      return "–";
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d)) {
        return "–";
      }
      if (value instanceof Long || value instanceof Integer || value instanceof Short) {
        return String.format(Locale.ROOT, "%,d", n.longValue());
      }
      return String.format(Locale.ROOT, "%,." + decimals + "f", d);
    }
    return value.toString();
  }

  /** A table; cells are escaped, a cell of class "num" is right-aligned. */
  static String table(List<String> headers, List<List<Object>> rows) {
    StringBuilder sb = new StringBuilder("<table><thead><tr>");
    headers.forEach(h -> sb.append("<th>").append(escape(h)).append("</th>"));
    sb.append("</tr></thead><tbody>");
    for (List<Object> row : rows) {
      sb.append("<tr>");
      for (Object cell : row) {
        if (cell instanceof Number) {
          sb.append("<td class=\"num\">").append(escape(number(cell, 2))).append("</td>");
        } else if (cell instanceof Raw raw) {
          sb.append("<td>").append(raw.html()).append("</td>");
        } else {
          sb.append("<td>").append(escape(cell == null ? "–" : cell)).append("</td>");
        }
      }
      sb.append("</tr>");
    }
    return sb.append("</tbody></table>").toString();
  }

  /** Markup built by this package (SVG, spans) placed in a table cell without escaping. */
  record Raw(String html) {}

  static String note(String text) {
    return "<p class=\"note\">" + escape(text) + "</p>";
  }
}
