package io.cpm.metrics;

import static org.apache.spark.sql.functions.udf;

import java.time.LocalDate;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.types.DataTypes;

/**
 * An as-of date (run date, training snapshot) as a Spark column whose value stays out of generated code.
 *
 * <p>Spark writes a date literal into whole-stage generated Java source as a number (and constant-folds
 * {@code cast('2025-03-29' as date)} into such a literal). The same feature query as of two dates is then
 * two different classes: compiled by Janino and JIT-compiled once per date, and never found in Spark's
 * codegen cache. The churn training set computes the features at several snapshot dates in one run, so
 * every snapshot paid the full compilation cost again. A zero-argument UDF returning the date is not
 * foldable; its value is a referenced object, so the generated code is the same for every date. It costs one
 * call per row where it is used, which is small beside what the queries do with the row.
 *
 * <p>Use it for dates that vary within one run and feed large queries; keep plain literals where a filter
 * should reach the data source (e.g. {@code run_date = D} on partitioned tables).
 */
public final class DateParameter {
  private DateParameter() {}

  /** A non-nullable DateType column holding {@code date}. */
  public static Column of(LocalDate date) {
    Objects.requireNonNull(date, "date");
    UDF0<LocalDate> value = () -> date;
    return udf(value, DataTypes.DateType).asNonNullable().withName("as_of_date").apply();
  }
}
