package io.cpm.metrics.features;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Settings of {@link CustomerFeatures}: the base currency and the rates that convert one unit of another
 * currency into it ({@code amount_base = amount * rate}), the look-back windows in days, the order statuses
 * that are ignored altogether (cancelled), the statuses of return orders (their negative lines reduce revenue
 * but they are not purchases: no order count, order date or purchase gap) and the ticket type that marks a
 * complaint.
 *
 * <p>Column names keep the default window lengths ({@code revenue_12m}, {@code activities_30d}, ...);
 * changing a window changes what those columns measure, which docs/features.md says.
 */
public record FeatureParameters(
    String baseCurrency,
    Map<String, Double> rates,
    int yearDays,
    int trendDays,
    int recentDays,
    Set<String> excludedOrderStatuses,
    Set<String> returnOrderStatuses,
    String complaintTicketType) {

  public FeatureParameters {
    Objects.requireNonNull(baseCurrency, "baseCurrency");
    baseCurrency = baseCurrency.toUpperCase(Locale.ROOT);
    Map<String, Double> normalized = new TreeMap<>();
    for (Map.Entry<String, Double> e : Objects.requireNonNull(rates, "rates").entrySet()) {
      double rate = Objects.requireNonNull(e.getValue(), "rate of " + e.getKey());
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("Invalid rate for currency " + e.getKey() + ": " + rate
            + " (must be a positive number of " + baseCurrency + " per unit)");
      }
      normalized.put(e.getKey().toUpperCase(Locale.ROOT), rate);
    }
    normalized.put(baseCurrency, 1.0);
    rates = Map.copyOf(normalized);
    checkPositive("yearDays", yearDays);
    checkPositive("trendDays", trendDays);
    checkPositive("recentDays", recentDays);
    excludedOrderStatuses = Set.copyOf(Objects.requireNonNull(excludedOrderStatuses, "excludedOrderStatuses")
        .stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    returnOrderStatuses = Set.copyOf(Objects.requireNonNull(returnOrderStatuses, "returnOrderStatuses")
        .stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    complaintTicketType = Objects.requireNonNull(complaintTicketType, "complaintTicketType").toLowerCase(Locale.ROOT);
  }

  /**
   * EUR base with USD 0.92 and GBP 1.17, windows 365 / 90 / 30 days; cancelled orders are excluded, orders with
   * status return or returned are returns, and tickets of type complaint are complaints.
   */
  public static FeatureParameters defaults() {
    return new FeatureParameters("EUR", Map.of("USD", 0.92, "GBP", 1.17), 365, 90, 30, Set.of("cancelled"),
        Set.of("return", "returned"), "complaint");
  }

  private static void checkPositive(String name, int days) {
    if (days <= 0) {
      throw new IllegalArgumentException("Invalid " + name + ": " + days + " (must be > 0)");
    }
  }
}
