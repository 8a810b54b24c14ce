package io.cpm.jobs.sample;

import java.util.Comparator;
import java.util.List;

/** Fixed reference data of the synthetic company: products, markets, channels and text snippets. */
final class Catalog {
  private Catalog() {}

  /** A sellable product with its list price in EUR cents and its cost as a share of the list price. */
  record Product(String id, String line, long listPriceEurCents, double costShare) {}

  static final List<String> PRODUCT_LINES =
      List.of("hardware", "software", "services", "support_plans", "training");

  /** Products grouped by line, in the order of {@link #PRODUCT_LINES}. */
  static final List<List<Product>> PRODUCTS = List.of(
      List.of(new Product("HW-100", "hardware", 120_000, 0.68), new Product("HW-200", "hardware", 45_000, 0.64),
          new Product("HW-300", "hardware", 250_000, 0.71), new Product("HW-900", "hardware", 9_000, 0.55)),
      List.of(new Product("SW-LIC", "software", 60_000, 0.18), new Product("SW-PRO", "software", 150_000, 0.22),
          new Product("SW-ADD", "software", 30_000, 0.15), new Product("SW-SEAT", "software", 7_500, 0.12)),
      List.of(new Product("SV-DAY", "services", 150_000, 0.52), new Product("SV-INST", "services", 90_000, 0.48),
          new Product("SV-MIG", "services", 400_000, 0.55)),
      List.of(new Product("SP-GOLD", "support_plans", 240_000, 0.35),
          new Product("SP-SILVER", "support_plans", 120_000, 0.33),
          new Product("SP-BASIC", "support_plans", 60_000, 0.30)),
      List.of(new Product("TR-BASIC", "training", 45_000, 0.40), new Product("TR-ADV", "training", 120_000, 0.45),
          new Product("TR-ONLINE", "training", 25_000, 0.20)));

  /** Every product, cheapest first. */
  private static final List<Product> BY_PRICE = PRODUCTS.stream().flatMap(List::stream)
      .sorted(Comparator.comparingLong(Product::listPriceEurCents).thenComparing(Product::id)).toList();

  /**
   * The chosen product if its list price fits a line worth {@code budgetEurCents} (with 50% slack), else
   * the dearest product that fits, in the same line if possible: small customers buy small items, so an
   * order's value stays near the customer's planted mean instead of being set by one expensive unit.
   */
  static Product affordable(Product chosen, double budgetEurCents) {
    double limit = 1.5 * budgetEurCents;
    if (chosen.listPriceEurCents() <= limit) {
      return chosen;
    }
    Product sameLine = null;
    Product anyLine = BY_PRICE.get(0);
    for (Product p : BY_PRICE) {
      if (p.listPriceEurCents() <= limit) {
        anyLine = p;
        if (p.line().equals(chosen.line())) {
          sameLine = p;
        }
      }
    }
    return sameLine != null ? sameLine : anyLine;
  }

  static final List<String> INDUSTRIES = List.of("manufacturing", "retail", "healthcare", "construction",
      "logistics", "public_sector", "technology", "hospitality", "energy", "finance");

  /** Regions with the currency their customers are invoiced in and a share of the customer base. */
  record Region(String name, String currency, double share, String phonePrefix) {}

  static final List<Region> REGIONS = List.of(
      new Region("DACH", "EUR", 0.30, "+49"), new Region("Benelux", "EUR", 0.12, "+31"),
      new Region("France", "EUR", 0.12, "+33"), new Region("Nordics", "EUR", 0.08, "+46"),
      new Region("Southern Europe", "EUR", 0.14, "+39"), new Region("UK & Ireland", "GBP", 0.12, "+44"),
      new Region("North America", "USD", 0.12, "+1"));

  /** Company sizes and how they scale order values. */
  static final List<String> SIZES = List.of("small", "medium", "large", "enterprise");
  static final double[] SIZE_SHARES = {0.40, 0.35, 0.18, 0.07};
  static final double[] SIZE_VALUE_FACTOR = {0.5, 1.0, 1.8, 3.5};

  /** Rates into EUR, as in config section {@code features.currency}. */
  static double rateToEur(String currency) {
    return switch (currency) {
      case "USD" -> 0.92;
      case "GBP" -> 1.17;
      default -> 1.0;
    };
  }

  static final List<String> LEAD_CHANNELS = List.of("web", "referral", "event", "paid_search", "outbound");
  /** Monthly marketing spend per customer of the generated base, EUR cents, by channel. */
  static final long[] CHANNEL_SPEND_PER_CUSTOMER_CENTS = {120, 40, 200, 180, 100};

  static final int OWNERS = 20;

  static final List<String> LOST_REASONS = List.of("price", "competitor", "no_budget", "timing", "no_decision");

  static final List<String> OPPORTUNITY_STAGES =
      List.of("prospecting", "qualification", "proposal", "negotiation");
  static final List<String> OPPORTUNITY_TOPICS = List.of("New project", "Expansion", "Renewal", "Upgrade",
      "Replacement", "Pilot, phase 1");

  static final List<String> TOUCH_TYPES = List.of("email", "call", "meeting", "visit", "event");
  static final double[] TOUCH_SHARES = {0.40, 0.30, 0.15, 0.10, 0.05};
  static final List<List<String>> TOUCH_SUBJECTS = List.of(
      List.of("Follow-up", "Quote sent", "Newsletter reply", "Invoice question"),
      List.of("Account review call", "Renewal discussion", "Check-in", "Demo, pricing and next steps"),
      List.of("Quarterly business review", "Kick-off meeting", "Roadmap presentation"),
      List.of("On-site visit", "Installation check", "Site survey"),
      List.of("Trade fair", "Customer day", "Webinar \"What's new\""));
  static final String LOGIN_SUBJECT = "Portal login";

  static final List<String> TICKET_TYPES = List.of("incident", "question", "request", "complaint");
  static final List<String> TICKET_PRIORITIES = List.of("low", "medium", "high", "urgent");
  static final List<String> TOPICS_INCIDENT = List.of("outage", "performance", "installation");
  static final List<String> TOPICS_QUESTION = List.of("how_to", "billing", "how_to");
  static final List<String> TOPICS_REQUEST = List.of("feature_request", "installation", "feature_request");
  static final List<String> TOPICS_COMPLAINT = List.of("billing", "performance", "outage", "billing",
      "installation");

  static final List<String> NAME_STARTS = List.of("Nord", "Süd", "Alpen", "Rhein", "Blue", "Silver", "Oak",
      "Lumen", "Vector", "Kraft", "Delta", "Polar", "Cedar", "Atlas", "Nova", "Terra", "Falk", "Brück",
      "Elbe", "Solar", "Orion", "Pioneer", "Granit", "Helix");
  static final List<String> NAME_ENDS = List.of("tech", "werk", "line", "stone", "field", "bridge", "works",
      "form", "port", "wave", "haus", "gate", "mark", "point");
  static final List<String> LEGAL_FORMS = List.of("GmbH", "AG", "B.V.", "SAS", "AB", "S.p.A.", "Ltd", "Inc.",
      "& Co. KG", "Holding, Inc.");
}
