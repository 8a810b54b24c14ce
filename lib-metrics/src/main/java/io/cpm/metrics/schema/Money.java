package io.cpm.metrics.schema;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Money amounts are stored as {@code decimal(18,2)} in the source currency of the row. */
public final class Money {
  public static final DecimalType TYPE = DataTypes.createDecimalType(18, 2);

  private Money() {}
}
