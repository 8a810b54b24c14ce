package io.cpm.jobs.ingest;

import java.util.List;

/**
 * Splits one CSV record into fields by RFC 4180: fields separated by the delimiter, a field starting with a
 * quote runs to the matching quote, a doubled quote inside it is a literal quote, and a quote anywhere else
 * makes the record malformed. Counting fields ourselves
 * (instead of Spark's CSV reader, which pads or drops fields silently) is what lets a wrong field count be
 * quarantined.
 */
final class CsvRecord {
  /** Outcome of {@link #split}. */
  enum Status { OK, OPEN_QUOTE, TEXT_AFTER_QUOTE, QUOTE_IN_UNQUOTED_FIELD }

  private CsvRecord() {}

  /** Splits {@code line} into {@code fields} (cleared first). An unquoted empty field is {@code ""}. */
  static Status split(String line, char delimiter, List<String> fields) {
    fields.clear();
    int length = line.length();
    int i = 0;
    StringBuilder quoted = null;
    while (true) {
      if (i < length && line.charAt(i) == '"') {
        if (quoted == null) {
          quoted = new StringBuilder();
        }
        quoted.setLength(0);
        i++;
        boolean closed = false;
        while (i < length) {
          char c = line.charAt(i);
          if (c == '"') {
            if (i + 1 < length && line.charAt(i + 1) == '"') {
              quoted.append('"');
              i += 2;
            } else {
              i++;
              closed = true;
              break;
            }
          } else {
            quoted.append(c);
            i++;
          }
        }
        if (!closed) {
          return Status.OPEN_QUOTE;
        }
        fields.add(quoted.toString());
        if (i == length) {
          return Status.OK;
        }
        if (line.charAt(i) != delimiter) {
          return Status.TEXT_AFTER_QUOTE;
        }
        i++;
      } else {
        int end = line.indexOf(delimiter, i);
        String field = end < 0 ? line.substring(i) : line.substring(i, end);
        if (field.indexOf('"') >= 0) {
          return Status.QUOTE_IN_UNQUOTED_FIELD;
        }
        fields.add(field);
        if (end < 0) {
          return Status.OK;
        }
        i = end + 1;
      }
    }
  }
}
