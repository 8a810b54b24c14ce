package io.cpm.metrics.features;

import java.util.List;
import java.util.Set;

/** Orders or invoices carry a currency that has no exchange rate to the base currency. */
public final class UnknownCurrencyException extends IllegalArgumentException {
  private final List<String> currencies;

  public UnknownCurrencyException(Set<String> currencies, String baseCurrency, Set<String> known) {
    super("Unknown currency " + String.join(", ", currencies) + ": no exchange rate to " + baseCurrency
        + " (known: " + String.join(", ", known) + "); add it to features.currency.rates");
    this.currencies = List.copyOf(currencies);
  }

  public List<String> currencies() {
    return currencies;
  }
}
