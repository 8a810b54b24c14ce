package io.cpm.metrics.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.cpm.metrics.schema.SilverTables;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Converts money columns to the base currency: {@code amount_base = amount * rate(currency)}, where a null
 * currency means the base currency. A currency without a rate is an error, never a silent 1.0.
 */
public final class CurrencyConversion {
  private final FeatureParameters params;

  public CurrencyConversion(FeatureParameters params) {
    this.params = params;
  }

  /**
   * The amount in the base currency as a double. A currency without a rate fails the Spark job that meets it
   * (callers check up front with {@link #requireKnownCurrencies} for a clearer message).
   */
  public Column toBase(Column amount, Column currency) {
    Column rate = when(currency.isNull(), lit(1.0));
    for (Map.Entry<String, Double> e : params.rates().entrySet()) {
      rate = rate.when(upper(currency).equalTo(e.getKey()), lit(e.getValue()));
    }
    rate = rate.otherwise(raise_error(concat(lit("Unknown currency "), currency,
        lit(": no exchange rate to " + params.baseCurrency()))));
    return amount.cast("double").multiply(rate);
  }

  /**
   * {@link #requireKnownCurrencies(List)} for tables that hold a subset of the silver orders and invoices: when
   * every currency of silver has a rate (checked once per {@link SilverTables}), nothing more is read; otherwise
   * the given tables are checked, so a currency without a rate fails only where it is used.
   */
  public void requireKnownCurrencies(SilverTables silver, List<Dataset<Row>> subsets) {
    if (!params.rates().keySet().containsAll(silver.currencies())) {
      requireKnownCurrencies(subsets);
    }
  }

  /**
   * Fails with an {@link UnknownCurrencyException} naming every currency in the given tables' {@code currency}
   * column that has no rate (one small Spark job over the distinct values).
   */
  public void requireKnownCurrencies(List<Dataset<Row>> tables) {
    Dataset<Row> currencies = null;
    for (Dataset<Row> table : tables) {
      Dataset<Row> distinct = table.select(upper(col("currency")).as("currency")).where(col("currency").isNotNull());
      currencies = currencies == null ? distinct : currencies.union(distinct);
    }
    if (currencies == null) {
      return;
    }
    TreeSet<String> unknown = new TreeSet<>();
    for (Row row : currencies.distinct().collectAsList()) {
      if (!params.rates().containsKey(row.getString(0))) {
        unknown.add(row.getString(0));
      }
    }
    if (!unknown.isEmpty()) {
      throw new UnknownCurrencyException(unknown, params.baseCurrency(), new java.util.TreeSet<>(params.rates().keySet()));
    }
  }
}
