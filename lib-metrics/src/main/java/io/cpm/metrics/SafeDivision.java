package io.cpm.metrics;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * Division that yields null instead of NaN or Infinity: {@code ratio(a, b) = a / b} when {@code b} is
 * non-null and non-zero, else null. Every rate in features and KPIs goes through here.
 */
public final class SafeDivision {
  private SafeDivision() {}

  public static Column ratio(Column numerator, Column denominator) {
    return when(denominator.isNotNull().and(denominator.notEqual(lit(0))),
        numerator.cast("double").divide(denominator.cast("double")));
  }

  /** {@code a / b} in Java with the same rule: null when {@code b} is null or zero, or {@code a} is null. */
  public static Double ratio(Double numerator, Double denominator) {
    if (numerator == null || denominator == null || denominator == 0.0) {
      return null;
    }
    return numerator / denominator;
  }
}
