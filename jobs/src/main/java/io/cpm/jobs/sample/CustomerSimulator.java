package io.cpm.jobs.sample;

import static io.cpm.jobs.sample.LatentType.CHAMPION;
import static io.cpm.jobs.sample.LatentType.CHURNER;
import static io.cpm.jobs.sample.LatentType.DECLINING;
import static io.cpm.jobs.sample.LatentType.PROSPECT;
import static io.cpm.jobs.sample.LatentType.SEASONAL;

import io.cpm.metrics.schema.Entity;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Generates one customer's whole history (account, leads, orders with lines and invoices, contracts,
 * opportunities, activities, NPS responses, tickets) and hands every record to the {@link Exporter} as
 * soon as it exists, so memory stays constant per customer.
 *
 * <p>Behaviour per {@link LatentType}: purchases are a Poisson process (simulated by thinning, Lewis and
 * Shedler 1979) with a per-customer rate; the type modulates the rate over time — seasonal peaks,
 * a decline that starts 4–6 months before the end and takes orders (and their size), activities and logins down
 * to a tenth within three months, a stop at the churn date after a 60–120 day warning phase with
 * fewer activities and logins, more tickets and complaints and low NPS scores.
 */
final class CustomerSimulator {
  private static final double DAYS_PER_MONTH = 365.25 / 12;
  /** Days a planted decline takes from the old rate down to its floor. */
  private static final long DECLINE_DAYS = 90;
  private static final LatentType[] TYPES = LatentType.values();
  private static final double[] TYPE_SHARES = LatentType.shares();
  private static final double[] REGION_SHARES =
      Catalog.REGIONS.stream().mapToDouble(Catalog.Region::share).toArray();

  enum NpsGroup { PROMOTER, PASSIVE, DETRACTOR }

  /** The planted truth about one customer plus what was actually generated up to the end date. */
  record Truth(String customerId, LatentType type, LocalDate churnDate, LocalDate warningStart,
      LocalDate declineStart, Integer seasonalPeakMonth, LocalDate createdAt, LocalDate firstOrderDate,
      LocalDate lastOrderDate, int orderCount, Amount revenueEur, int returnCount, Amount returnedEur,
      int ordersLast90Days, double ordersPerYear, Amount meanOrderValueEur,
      boolean priceSensitive, NpsGroup npsGroup, String currency, String region, String size, String ownerId) {}

  /** A rate multiplier over time, by epoch day. */
  @FunctionalInterface
  private interface Rate {
    double at(long day);
  }

  /** Receives the epoch day of each event of a Poisson process. */
  @FunctionalInterface
  private interface OnEvent {
    void at(long day);
  }

  private final long seed;
  private final LocalDate historyFrom;
  private final LocalDate end;
  private final Exporter out;
  private final Ids ids;

  // State of the customer being generated.
  private Draw draw;
  private String customerId;
  private LatentType type;
  private String ownerId;
  private String currency;
  private double rateToEur;
  private int sizeIndex;
  private boolean priceSensitive;
  private int preferredLine;
  private double meanOrderValueEur;
  private double payDaysMean;
  private double returnRate;
  private LocalDate created;
  private LocalDate firstOrder;
  private LocalDate churnDate;
  private LocalDate warningStart;
  private LocalDate declineStart;
  private int peakMonth;
  private NpsGroup baseGroup;
  private NpsGroup finalGroup;
  private int orderCount;
  private long revenueEurCents;
  private int returnCount;
  private long returnedEurCents;
  private int ordersLast90Days;
  private LocalDate lastOrder;
  private LocalDate firstActualOrder;

  CustomerSimulator(long seed, LocalDate historyFrom, LocalDate end, Exporter out, Ids ids) {
    this.seed = seed;
    this.historyFrom = historyFrom;
    this.end = end;
    this.out = out;
    this.ids = ids;
  }

  /** Generates customer number {@code index} (1-based) and returns its planted truth. */
  Truth simulate(long index) {
    draw = Draw.forStream(seed, index);
    customerId = Ids.customer(index);
    type = TYPES[draw.weighted(TYPE_SHARES)];
    Catalog.Region region = Catalog.REGIONS.get(draw.weighted(REGION_SHARES));
    currency = region.currency();
    rateToEur = Catalog.rateToEur(currency);
    sizeIndex = draw.weighted(Catalog.SIZE_SHARES);
    ownerId = Ids.owner(draw.between(1, Catalog.OWNERS));
    String industry = draw.pick(Catalog.INDUSTRIES);
    priceSensitive = draw.chance(type == CHAMPION ? 0.15 : 0.3);
    preferredLine = draw.between(0, Catalog.PRODUCT_LINES.size() - 1);
    double ordersPerYear = type.buys() ? draw.gamma(4.0, type.ordersPerYear()) : 0.0;
    meanOrderValueEur = (type.buys() ? type.orderValueEur() : 1000.0)
        * Catalog.SIZE_VALUE_FACTOR[sizeIndex] * draw.logNormalFactor(0.35);
    payDaysMean = draw.chance(0.2) ? draw.uniform(40, 65) : draw.uniform(8, 30);
    returnRate = draw.chance(0.15) ? 0.08 : 0.015;
    planTimeline();
    planNpsGroups();
    orderCount = 0;
    revenueEurCents = 0;
    returnCount = 0;
    returnedEurCents = 0;
    ordersLast90Days = 0;
    lastOrder = null;
    firstActualOrder = null;

    LocalDate leadDate = created.minusDays(draw.between(5, 60));
    emitAccount(index, region, industry, leadDate);
    emitLead(leadDate);
    if (type.buys()) {
      generateOrders(ordersPerYear);
      generateContracts(ordersPerYear);
    }
    generateOpportunities();
    generateActivities();
    generateNpsResponses();
    if (type.buys()) {
      generateTickets();
    }
    generateAnonymousLeads();

    return new Truth(customerId, type, churnDate, warningStart, declineStart,
        type == SEASONAL ? peakMonth : null, created, firstActualOrder, lastOrder, orderCount,
        new Amount(revenueEurCents), returnCount, new Amount(returnedEurCents), ordersLast90Days, ordersPerYear,
        Amount.ofUnits(meanOrderValueEur), priceSensitive,
        type.buys() ? finalGroup : null, currency, region.name(), Catalog.SIZES.get(sizeIndex), ownerId);
  }

  private void planTimeline() {
    churnDate = null;
    warningStart = null;
    declineStart = null;
    peakMonth = 0;
    firstOrder = null;
    switch (type) {
      case NEW -> {
        firstOrder = end.minusDays(draw.between(3, 88));
        created = firstOrder.minusDays(draw.between(3, 45));
      }
      case PROSPECT -> created = draw.dateBetween(historyFrom.plusDays(60), end);
      default -> {
        created = historyFrom.plusDays(draw.between(60, 240));
        firstOrder = created.plusDays(draw.between(0, 30));
      }
    }
    if (type == CHURNER) {
      LocalDate planned = end.minusDays(draw.between(45, 365));
      churnDate = planned.isBefore(firstOrder.plusDays(150)) ? firstOrder.plusDays(150) : planned;
      warningStart = churnDate.minusDays(draw.between(60, 120));
    } else if (type == DECLINING) {
      declineStart = end.minusDays(draw.between(120, 180));
    } else if (type == SEASONAL) {
      peakMonth = draw.between(1, 12);
    }
  }

  private void planNpsGroups() {
    switch (type) {
      case CHAMPION -> baseGroup = draw.chance(0.9) ? NpsGroup.PROMOTER : NpsGroup.PASSIVE;
      case DECLINING -> baseGroup = draw.chance(0.3) ? NpsGroup.PROMOTER : NpsGroup.PASSIVE;
      default -> {
        double u = draw.uniform();
        baseGroup = u < 0.35 ? NpsGroup.PROMOTER : u < 0.85 ? NpsGroup.PASSIVE : NpsGroup.DETRACTOR;
      }
    }
    finalGroup = switch (type) {
      case CHURNER -> NpsGroup.DETRACTOR;
      case DECLINING -> draw.chance(0.6) ? NpsGroup.DETRACTOR : NpsGroup.PASSIVE;
      default -> baseGroup;
    };
  }

  // ---------------------------------------------------------------------------------------------- CRM

  private void emitAccount(long index, Catalog.Region region, String industry, LocalDate leadDate) {
    String stem = draw.pick(Catalog.NAME_STARTS) + draw.pick(Catalog.NAME_ENDS);
    String name = draw.chance(0.02) ? "\"" + stem + "\" " + draw.pick(Catalog.LEGAL_FORMS)
        : stem + " " + draw.pick(Catalog.LEGAL_FORMS);
    String slug = stem.toLowerCase(Locale.ROOT).replace("ü", "ue").replace("ö", "oe").replace("ä", "ae");
    String email = "info@" + slug + index + ".example";
    String phone = region.phonePrefix() + " " + draw.between(100_000_000, 999_999_999);
    out.emit(Entity.ACCOUNTS, created, new Object[] {customerId, name, industry, region.name(),
        Catalog.SIZES.get(sizeIndex), ownerId, created, leadDate, email, phone});
  }

  private void emitLead(LocalDate leadDate) {
    String leadId = ids.lead();
    String channel = Catalog.LEAD_CHANNELS.get(draw.weighted(type == CHAMPION
        ? new double[] {0.2, 0.4, 0.2, 0.1, 0.1} : new double[] {0.3, 0.15, 0.15, 0.25, 0.15}));
    LocalDate converted = created;
    out.emit(Entity.LEADS, leadDate, day -> converted.isAfter(day)
        ? new Object[] {leadId, null, leadDate, channel, "new", null}
        : new Object[] {leadId, customerId, leadDate, channel, "converted", converted}, converted);
  }

  /** Leads that never became customers; generated alongside customer {@code index} to stay streaming. */
  private void generateAnonymousLeads() {
    int count = draw.poisson(0.5);
    for (int i = 0; i < count; i++) {
      String leadId = ids.lead();
      LocalDate leadDate = draw.dateBetween(historyFrom, end);
      String channel = draw.pick(Catalog.LEAD_CHANNELS);
      LocalDate decided = leadDate.plusDays(draw.between(3, 30));
      String outcome = draw.chance(0.7) ? "disqualified" : "nurturing";
      out.emit(Entity.LEADS, leadDate, day -> new Object[] {leadId, null, leadDate, channel,
          decided.isAfter(day) ? "new" : outcome, null}, decided);
    }
  }

  private void generateOpportunities() {
    if (type == PROSPECT) {
      int count = draw.between(1, 3);
      for (int i = 0; i < count; i++) {
        opportunity(draw.dateBetween(created, end).toEpochDay());
      }
      return;
    }
    Rate rate = day -> churnDate != null && day > churnDate.toEpochDay() ? 0.3 : 1.0;
    poissonProcess(type.opportunitiesPerYear() / 365.25, 1.0, created.toEpochDay(), end.toEpochDay(), rate,
        this::opportunity);
  }

  private void opportunity(long day) {
    String opportunityId = ids.opportunity();
    LocalDate createdAt = LocalDate.ofEpochDay(day);
    LocalDate[] stageDates = new LocalDate[Catalog.OPPORTUNITY_STAGES.size()];
    stageDates[0] = createdAt;
    for (int i = 1; i < stageDates.length; i++) {
      stageDates[i] = stageDates[i - 1].plusDays(draw.between(i == 1 ? 3 : 5, i == 1 ? 15 : 30));
    }
    boolean won = draw.chance(winProbability(createdAt));
    int lastStage = won ? stageDates.length - 1 : draw.between(1, stageDates.length - 1);
    LocalDate closedAt = stageDates[lastStage].plusDays(draw.between(5, 30));
    String lostReason = won ? null : lostReason(createdAt);
    String productLine = Catalog.PRODUCT_LINES.get(productLineIndex());
    // Opportunities carry no currency column: the CRM pipeline is kept in the base currency, EUR.
    Amount amount = Amount.ofUnits(meanOrderValueEur * draw.uniform(1, 4));
    String topic = draw.pick(Catalog.OPPORTUNITY_TOPICS);
    out.emit(Entity.OPPORTUNITIES, createdAt, asOf -> {
      boolean closed = !closedAt.isAfter(asOf);
      int stage = 0;
      while (stage < lastStage && !stageDates[stage + 1].isAfter(asOf)) {
        stage++;
      }
      String stageName = closed ? (won ? "closed_won" : "closed_lost") : Catalog.OPPORTUNITY_STAGES.get(stage);
      return new Object[] {opportunityId, customerId, createdAt, stageName, closed ? closedAt : stageDates[stage],
          amount, productLine, topic, closed ? closedAt : null, closed ? Boolean.toString(won) : null,
          closed ? lostReason : null, ownerId};
    }, changeDates(stageDates, lastStage, closedAt));
  }

  /** The days an opportunity changes: each stage it reaches after the first, then its close. */
  private static LocalDate[] changeDates(LocalDate[] stageDates, int lastStage, LocalDate closedAt) {
    LocalDate[] changes = Arrays.copyOfRange(stageDates, 1, lastStage + 2);
    changes[lastStage] = closedAt;
    return changes;
  }

  private double winProbability(LocalDate day) {
    return switch (type) {
      case PROSPECT -> 0.0;
      case CHAMPION -> 0.65;
      case NEW -> 0.6;
      case DECLINING -> 0.35;
      case CHURNER -> day.isAfter(churnDate) ? 0.0 : day.isBefore(warningStart) ? 0.45 : 0.05;
      default -> 0.5;
    };
  }

  private String lostReason(LocalDate day) {
    if (priceSensitive && draw.chance(0.5)) {
      return "price";
    }
    if (type == CHURNER && !day.isBefore(warningStart) && draw.chance(0.5)) {
      return "competitor";
    }
    return draw.pick(Catalog.LOST_REASONS);
  }

  private void generateActivities() {
    long from = created.toEpochDay();
    long to = end.toEpochDay();
    poissonProcess(type.touchesPerMonth() / DAYS_PER_MONTH, SEASONAL == type ? 1.8 : 1.0, from, to,
        this::touchFactor, day -> {
          int touch = draw.weighted(Catalog.TOUCH_SHARES);
          String subject = draw.pick(Catalog.TOUCH_SUBJECTS.get(touch));
          activity(day, Catalog.TOUCH_TYPES.get(touch), draw.officeSecond(), ownerId, subject);
        });
    if (type.loginsPerMonth() > 0) {
      long loginFrom = (firstOrder != null ? firstOrder : created).toEpochDay();
      poissonProcess(type.loginsPerMonth() / DAYS_PER_MONTH, SEASONAL == type ? 1.8 : 1.0, loginFrom, to,
          this::loginFactor, day -> activity(day, "login", draw.anySecond(), null, Catalog.LOGIN_SUBJECT));
    }
  }

  private void activity(long day, String activityType, int second, String owner, String subject) {
    LocalDate date = LocalDate.ofEpochDay(day);
    out.emit(Entity.ACTIVITIES, date, new Object[] {ids.activity(), customerId, activityType,
        timestamp(day, second), owner, subject});
  }

  private double touchFactor(long day) {
    return switch (type) {
      case CHURNER -> day < warningStart.toEpochDay() ? 1.0 : day <= churnDate.toEpochDay() ? 0.3 : 0.15;
      case DECLINING -> declineFactor(day, 0.15);
      case SEASONAL -> inPeak(day) ? 1.8 : 0.7;
      default -> 1.0;
    };
  }

  private double loginFactor(long day) {
    return switch (type) {
      case CHURNER -> day < warningStart.toEpochDay() ? 1.0 : day <= churnDate.toEpochDay() ? 0.15 : 0.0;
      case DECLINING -> declineFactor(day, 0.1);
      case SEASONAL -> inPeak(day) ? 1.8 : 0.7;
      default -> 1.0;
    };
  }

  /**
   * 1 before the decline starts, then falling linearly over {@link #DECLINE_DAYS} days to {@code floor}, which it
   * keeps to the end date.
   */
  private double declineFactor(long day, double floor) {
    long since = day - declineStart.toEpochDay();
    if (since <= 0) {
      return 1.0;
    }
    return since >= DECLINE_DAYS ? floor : 1.0 - (1.0 - floor) * since / DECLINE_DAYS;
  }

  /** Order value multiplier: a declining customer's baskets shrink with the rate, to 55 % at the floor. */
  private double basketFactor(long day) {
    return type == DECLINING ? 0.5 + 0.5 * declineFactor(day, 0.1) : 1.0;
  }

  /** Whether the day falls in the customer's three-month buying season. */
  private boolean inPeak(long day) {
    int month = LocalDate.ofEpochDay(day).getMonthValue();
    int offset = Math.floorMod(month - peakMonth, 12);
    return offset < 3;
  }

  private void generateNpsResponses() {
    if (!type.buys()) {
      return;
    }
    LocalDate eligible = firstOrder.plusDays(30);
    for (LocalDate wave = LocalDate.of(historyFrom.getYear(), 1, 10); !wave.isAfter(end);
        wave = wave.plusMonths(3)) {
      if (wave.isBefore(eligible) || churnDate != null && wave.isAfter(churnDate)) {
        continue;
      }
      boolean warning = type == CHURNER && !wave.isBefore(warningStart);
      if (!draw.chance(warning ? 0.7 : 0.35)) {
        continue;
      }
      LocalDate responded = wave.plusDays(draw.between(0, 20));
      if (responded.isAfter(end)) {
        continue;
      }
      NpsGroup group = npsGroupAt(responded);
      int score = switch (group) {
        case PROMOTER -> draw.between(9, 10);
        case PASSIVE -> draw.between(7, 8);
        case DETRACTOR -> warning ? draw.between(0, 4) : draw.between(2, 6);
      };
      out.emit(Entity.NPS_RESPONSES, responded, new Object[] {ids.response(), customerId, responded, score});
    }
  }

  private NpsGroup npsGroupAt(LocalDate day) {
    if (type == CHURNER) {
      return day.isBefore(warningStart) ? baseGroup : finalGroup;
    }
    if (type == DECLINING) {
      return day.isBefore(declineStart) ? baseGroup : finalGroup;
    }
    return finalGroup;
  }

  // ---------------------------------------------------------------------------------------------- ERP

  private void generateOrders(double ordersPerYear) {
    LocalDate horizon = type == CHURNER ? churnDate : end;
    placeOrder(firstOrder, horizon);
    double maxFactor = type == SEASONAL ? 3.4 : 1.0;
    poissonProcess(ordersPerYear / 365.25, maxFactor, firstOrder.toEpochDay() + 1, horizon.toEpochDay(),
        this::orderFactor, day -> placeOrder(LocalDate.ofEpochDay(day), horizon, basketFactor(day)));
    if (type == CHURNER && lastOrder.isBefore(churnDate)) {
      // The churn date is the last purchase: the customer is gone the day after.
      placeOrder(churnDate, horizon);
    }
    if (type == DECLINING && lastOrder.isBefore(end.minusDays(89))) {
      // Declining customers are still alive at the end: one late, smaller purchase in the last 90 days.
      LocalDate late = end.minusDays(draw.between(30, 89));
      placeOrder(late, horizon, basketFactor(late.toEpochDay()));
    }
  }

  private double orderFactor(long day) {
    return switch (type) {
      case SEASONAL -> inPeak(day) ? 3.4 : 0.2;
      case DECLINING -> declineFactor(day, 0.1);
      case CHURNER -> day < warningStart.toEpochDay() ? 1.0 : 0.5;
      default -> 1.0;
    };
  }

  private void placeOrder(LocalDate date, LocalDate returnHorizon) {
    placeOrder(date, returnHorizon, 1.0);
  }

  private void placeOrder(LocalDate date, LocalDate returnHorizon, double valueFactor) {
    String orderId = ids.order();
    out.emit(Entity.ORDERS, date, new Object[] {orderId, customerId, date, "completed", currency});
    int lines = 1 + Math.min(5, draw.poisson(1.0));
    double orderValue = meanOrderValueEur * valueFactor * draw.gamma(4.0, 1.0) / rateToEur;
    long totalCents = 0;
    Catalog.Product firstProduct = null;
    long firstUnitCents = 0;
    int firstQuantity = 0;
    for (int line = 1; line <= lines; line++) {
      double lineValue = orderValue / lines * draw.uniform(0.5, 1.5);
      Catalog.Product product = Catalog.affordable(draw.pick(Catalog.PRODUCTS.get(productLineIndex())),
          lineValue * rateToEur * 100.0);
      long listCents = Math.round(product.listPriceEurCents() / rateToEur);
      double discount = priceSensitive ? draw.uniform(0.12, 0.35) : draw.uniform(0.0, 0.10);
      long unitCents = Math.round(listCents * (1.0 - discount));
      int quantity = (int) Math.max(1, Math.min(500, Math.round(lineValue * 100.0 / unitCents)));
      long costCents = Math.round(listCents * product.costShare());
      totalCents += unitCents * quantity;
      if (line == 1) {
        firstProduct = product;
        firstUnitCents = unitCents;
        firstQuantity = quantity;
      }
      out.emit(Entity.ORDER_LINES, date, new Object[] {orderId, line, date, product.id(), product.line(),
          quantity, new Amount(unitCents), new Amount(listCents), new Amount(costCents)});
    }
    emitInvoice(orderId, date, totalCents);
    orderCount++;
    revenueEurCents += Math.round(totalCents * rateToEur);
    if (!date.isBefore(end.minusDays(89))) {
      ordersLast90Days++;
    }
    if (lastOrder == null || date.isAfter(lastOrder)) {
      lastOrder = date;
    }
    if (firstActualOrder == null || date.isBefore(firstActualOrder)) {
      firstActualOrder = date;
    }
    if (draw.chance(returnRate)) {
      LocalDate returned = date.plusDays(draw.between(3, 30));
      if (!returned.isAfter(returnHorizon)) {
        emitReturn(returned, firstProduct, firstUnitCents, draw.between(1, firstQuantity));
      }
    }
  }

  /** A return is its own order with status {@code return} and a negative quantity; it has no invoice. */
  private void emitReturn(LocalDate date, Catalog.Product product, long unitCents, int quantity) {
    String orderId = ids.order();
    long listCents = Math.round(product.listPriceEurCents() / rateToEur);
    out.emit(Entity.ORDERS, date, new Object[] {orderId, customerId, date, "return", currency});
    returnCount++;
    returnedEurCents += Math.round(unitCents * quantity * rateToEur);
    out.emit(Entity.ORDER_LINES, date, new Object[] {orderId, 1, date, product.id(), product.line(), -quantity,
        new Amount(unitCents), new Amount(listCents), new Amount(Math.round(listCents * product.costShare()))});
  }

  private void emitInvoice(String orderId, LocalDate orderDate, long totalCents) {
    String invoiceId = ids.invoice();
    LocalDate issued = orderDate.plusDays(draw.between(0, 2));
    LocalDate due = issued.plusDays(sizeIndex == 3 ? 45 : 30);
    double slow = type == CHURNER && !orderDate.isBefore(warningStart) ? 20 : 0;
    long payDays = Math.max(0, Math.round(payDaysMean + slow + 7 * draw.gaussian()));
    LocalDate paid = issued.plusDays(payDays);
    Amount amount = new Amount(totalCents);
    out.emit(Entity.INVOICES, issued, day -> new Object[] {invoiceId, customerId, orderId, issued, due,
        paid.isAfter(day) ? null : paid, amount, currency}, paid);
  }

  private void generateContracts(double ordersPerYear) {
    if (!draw.chance(type.contractProbability())) {
      return;
    }
    LocalDate lastStart = type == CHURNER ? churnDate : end;
    // Contracts carry no currency column: annual values are in the base currency, EUR.
    double annualValue = meanOrderValueEur * Math.max(1.0, ordersPerYear) * 0.15 * draw.uniform(0.8, 1.2);
    for (LocalDate startDate = firstOrder.plusDays(draw.between(0, 60)); !startDate.isAfter(lastStart);
        startDate = startDate.plusYears(1)) {
      String contractId = ids.contract();
      LocalDate contractStart = startDate;
      LocalDate endDate = startDate.plusYears(1).minusDays(1);
      Amount value = Amount.ofUnits(annualValue);
      out.emit(Entity.CONTRACTS, contractStart, day -> new Object[] {contractId, customerId, contractStart,
          endDate, value, endDate.isBefore(day) ? "expired" : "active"}, endDate.plusDays(1));
      annualValue *= 1.03;
    }
  }

  // ---------------------------------------------------------------------------------------------- tickets

  private void generateTickets() {
    double[] sizeFactor = {0.6, 1.0, 1.5, 2.5};
    LocalDate until = type == CHURNER ? churnDate.plusDays(14) : end;
    if (until.isAfter(end)) {
      until = end;
    }
    poissonProcess(0.25 * sizeFactor[sizeIndex] / DAYS_PER_MONTH, 4.0, firstOrder.toEpochDay(),
        until.toEpochDay(), this::ticketFactor, this::ticket);
  }

  private double ticketFactor(long day) {
    if (type == CHURNER) {
      return day < warningStart.toEpochDay() ? 1.0 : 4.0;
    }
    if (type == DECLINING) {
      return day < declineStart.toEpochDay() ? 1.0 : 2.0;
    }
    return 1.0;
  }

  private double complaintProbability(long day) {
    if (type == CHURNER && day >= warningStart.toEpochDay()) {
      return 0.5;
    }
    if (type == DECLINING && day >= declineStart.toEpochDay()) {
      return 0.25;
    }
    return 0.05;
  }

  private void ticket(long day) {
    String ticketId = ids.ticket();
    boolean complaint = draw.chance(complaintProbability(day));
    String ticketType = complaint ? "complaint" : Catalog.TICKET_TYPES.get(draw.weighted(new double[] {4, 3, 2}));
    List<String> topics = switch (ticketType) {
      case "complaint" -> Catalog.TOPICS_COMPLAINT;
      case "incident" -> Catalog.TOPICS_INCIDENT;
      case "question" -> Catalog.TOPICS_QUESTION;
      default -> Catalog.TOPICS_REQUEST;
    };
    String topic = draw.pick(topics);
    String priority = Catalog.TICKET_PRIORITIES.get(draw.weighted(complaint || "outage".equals(topic)
        ? new double[] {1, 3, 4, 2} : new double[] {4, 4, 2, 0.5}));
    long createdSecond = day * 86_400 + draw.officeSecond();
    long firstResponse = createdSecond + 300 + Math.round(draw.exponential(complaint ? 2 * 3600 : 5 * 3600));
    long resolved = firstResponse + 600 + Math.round(draw.exponential(36 * 3600));
    double dissatisfied = complaint ? 0.7 : type == CHURNER && day >= warningStart.toEpochDay() ? 0.5 : 0.1;
    int satisfaction = draw.chance(dissatisfied) ? draw.between(1, 3) : draw.between(4, 5);
    Amount partsCost = "incident".equals(ticketType) && preferredLine == 0 && draw.chance(0.4)
        ? Amount.ofUnits(draw.uniform(20, 800)) : null;
    double hours = 0.5 + draw.exponential(2.0);
    Amount laborCost = Amount.ofUnits(hours * 65.0);
    LocalDate createdDate = LocalDate.ofEpochDay(day);
    LocalDate respondedDate = LocalDate.ofEpochDay(Math.floorDiv(firstResponse, 86_400));
    LocalDate resolvedDate = LocalDate.ofEpochDay(Math.floorDiv(resolved, 86_400));
    out.emit(Entity.TICKETS, createdDate, asOf -> {
      boolean responded = !respondedDate.isAfter(asOf);
      boolean done = !resolvedDate.isAfter(asOf);
      return new Object[] {ticketId, customerId, timestamp(createdSecond), responded ? timestamp(firstResponse) : null,
          done ? timestamp(resolved) : null, done ? "resolved" : responded ? "in_progress" : "open", priority,
          ticketType, topic, done ? satisfaction : null, done ? partsCost : null, done ? laborCost : null};
    }, respondedDate, resolvedDate);
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private int productLineIndex() {
    return draw.chance(0.55) ? preferredLine : draw.between(0, Catalog.PRODUCT_LINES.size() - 1);
  }

  /**
   * Events of an inhomogeneous Poisson process with intensity {@code perDay * rate(day)} on
   * [{@code fromDay}, {@code toDay}], by thinning a homogeneous process of intensity {@code perDay * maxRate}.
   */
  private void poissonProcess(double perDay, double maxRate, long fromDay, long toDay, Rate rate,
      OnEvent onEvent) {
    if (perDay <= 0 || toDay < fromDay) {
      return;
    }
    double meanGap = 1.0 / (perDay * maxRate);
    double t = fromDay;
    while (true) {
      t += draw.exponential(meanGap);
      long day = (long) Math.floor(t);
      if (day > toDay) {
        return;
      }
      if (draw.chance(rate.at(day) / maxRate)) {
        onEvent.at(day);
      }
    }
  }

  static String timestamp(long day, int secondOfDay) {
    return timestamp(day * 86_400 + secondOfDay);
  }

  /** {@code yyyy-MM-dd HH:mm:ss} (UTC) of an epoch second. */
  static String timestamp(long epochSecond) {
    long day = Math.floorDiv(epochSecond, 86_400);
    int second = (int) Math.floorMod(epochSecond, 86_400);
    StringBuilder text = new StringBuilder(19).append(LocalDate.ofEpochDay(day)).append(' ');
    twoDigits(text, second / 3600).append(':');
    twoDigits(text, second / 60 % 60).append(':');
    return twoDigits(text, second % 60).toString();
  }

  private static StringBuilder twoDigits(StringBuilder text, int value) {
    return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }
}
