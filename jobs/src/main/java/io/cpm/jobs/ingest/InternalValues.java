package io.cpm.jobs.ingest;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Values in Spark's internal row form as {@link ExportReader} emits them: {@link UTF8String} text, dates as days and
 * timestamps as microseconds since the epoch (exactly what Spark's encoder makes of {@code java.sql.Date} and
 * {@code java.sql.Timestamp}), string maps.
 */
final class InternalValues {
  private InternalValues() {}

  /**
   * From this day on (UTC) Spark's rebasing of {@code java.sql} dates and timestamps from the hybrid Julian
   * calendar is the identity in every time zone (its last switch is 1900-01-01), so days and microseconds are
   * computed directly; older values go through Spark's own conversion.
   */
  private static final long FIRST_PLAIN_DAY = LocalDate.of(1900, 1, 2).toEpochDay();

  /** Days since 1970-01-01, as Spark encodes the {@code java.sql.Date} of the day. */
  static int days(LocalDate day) {
    long epochDay = day.toEpochDay();
    return epochDay >= FIRST_PLAIN_DAY ? Math.toIntExact(epochDay) : DateTimeUtils.fromJavaDate(Date.valueOf(day));
  }

  /** Microseconds since the epoch of a UTC time, as Spark encodes its {@code java.sql.Timestamp}. */
  static long micros(LocalDateTime time) {
    long second = time.toEpochSecond(ZoneOffset.UTC);
    if (second >= FIRST_PLAIN_DAY * 86_400L && second < Long.MAX_VALUE / 1_000_000L - 1) {
      return second * 1_000_000L + time.getNano() / 1_000;
    }
    return DateTimeUtils.fromJavaTimestamp(Timestamp.from(time.toInstant(ZoneOffset.UTC)));
  }

  static UTF8String utf8(String value) {
    return value == null ? null : UTF8String.fromString(value);
  }

  /** A map column's value (insertion order kept), or null. */
  static ArrayBasedMapData map(Map<String, String> values) {
    if (values == null) {
      return null;
    }
    Object[] keys = new Object[values.size()];
    Object[] mapped = new Object[values.size()];
    int i = 0;
    for (Map.Entry<String, String> e : values.entrySet()) {
      keys[i] = UTF8String.fromString(e.getKey());
      mapped[i++] = utf8(e.getValue());
    }
    return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(mapped));
  }
}
