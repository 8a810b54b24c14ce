package io.cpm.jobs.sample;

import io.cpm.metrics.schema.Entity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a synthetic but realistic set of CRM, ERP and ticket exports in the landing layout, customer by
 * customer (constant memory per customer), plus the planted ground truth. The same settings give
 * byte-identical files: every customer draws from its own random stream derived from the seed and its
 * index, and nothing depends on the clock or on hash ordering.
 */
public final class SampleGenerator {
  /** What to generate; {@code truth} is the folder for {@code customers.csv} and {@code bad_rows.csv}. */
  public record Settings(int customers, LocalDate historyFrom, LocalDate start, LocalDate end, long seed,
      int badRowsPerKind, Path landing, Path truth) {}

  /** What was written: data rows per entity (bad rows excluded), bad rows, and customers per planted type. */
  public record Result(Map<Entity, Long> rowsByEntity, int badRows, Map<String, Integer> customersByType) {
    public long totalRows() {
      return rowsByEntity.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  static final String[] TRUTH_HEADER = {"customer_id", "latent_type", "churn_date", "warning_start",
      "decline_start", "seasonal_peak_month", "created_at", "first_order_date", "last_order_date",
      "order_count", "revenue_eur", "return_count", "returned_eur", "orders_90d",
      "expected_orders_per_year", "mean_order_value_eur", "price_sensitive",
      "nps_group", "currency", "region", "size", "owner_id"};
  static final String[] BAD_ROWS_HEADER = {"file", "row_number", "reason", "entity", "column", "key", "detail"};

  private SampleGenerator() {}

  public static Result generate(Settings settings) {
    List<LocalDate> folders = new ArrayList<>();
    for (LocalDate day = settings.start(); !day.isAfter(settings.end()); day = day.plusDays(1)) {
      folders.add(day);
    }
    Map<String, Integer> byType = new TreeMap<>();
    List<BadRows.BadRow> badRows;
    Map<Entity, Long> rows = new EnumMap<>(Entity.class);
    try {
      Files.createDirectories(settings.truth());
      try (LandingFiles files = new LandingFiles(settings.landing(), folders);
           Writer truthFile = Files.newBufferedWriter(settings.truth().resolve("customers.csv"), StandardCharsets.UTF_8);
           CSVPrinter truth = new CSVPrinter(truthFile, LandingFiles.CSV)) {
        truth.printRecord((Object[]) TRUTH_HEADER);
        Exporter exporter = new Exporter(files);
        writeMarketingSpend(exporter, settings);
        CustomerSimulator simulator =
            new CustomerSimulator(settings.seed(), settings.historyFrom(), settings.end(), exporter, new Ids());
        for (long index = 1; index <= settings.customers(); index++) {
          CustomerSimulator.Truth customer = simulator.simulate(index);
          byType.merge(customer.type().label(), 1, Integer::sum);
          printTruth(truth, customer);
        }
        for (Entity entity : Entity.values()) {
          rows.put(entity, files.rows(entity));
        }
        badRows = BadRows.plant(files, settings.badRowsPerKind(), settings.customers());
      }
      writeBadRows(settings.truth().resolve("bad_rows.csv"), badRows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Result(Collections.unmodifiableMap(rows), badRows.size(), Collections.unmodifiableMap(byType));
  }

  /** Monthly spend per lead channel, scaled to the size of the customer base, dated the 1st of the month. */
  private static void writeMarketingSpend(Exporter exporter, Settings settings) {
    Draw draw = Draw.forStream(settings.seed(), 0);
    for (YearMonth month = YearMonth.from(settings.historyFrom()); !month.isAfter(YearMonth.from(settings.end()));
        month = month.plusMonths(1)) {
      double season = 1.0 + 0.25 * Math.sin(2 * Math.PI * (month.getMonthValue() - 3) / 12.0);
      for (int c = 0; c < Catalog.LEAD_CHANNELS.size(); c++) {
        long cents = Math.round(settings.customers() * Catalog.CHANNEL_SPEND_PER_CUSTOMER_CENTS[c] * season
            * draw.logNormalFactor(0.1));
        LocalDate first = month.atDay(1);
        exporter.emit(Entity.MARKETING_SPEND, first,
            new Object[] {first, Catalog.LEAD_CHANNELS.get(c), new Amount(cents)});
      }
    }
  }

  private static void printTruth(CSVPrinter truth, CustomerSimulator.Truth c) throws IOException {
    truth.printRecord(c.customerId(), c.type().label(), c.churnDate(), c.warningStart(), c.declineStart(),
        c.seasonalPeakMonth(), c.createdAt(), c.firstOrderDate(), c.lastOrderDate(), c.orderCount(),
        c.revenueEur(), c.returnCount(), c.returnedEur(),
        c.ordersLast90Days(), String.format(Locale.ROOT, "%.3f", c.ordersPerYear()), c.meanOrderValueEur(),
        c.priceSensitive(), c.npsGroup() == null ? null : c.npsGroup().name().toLowerCase(Locale.ROOT), c.currency(), c.region(),
        c.size(), c.ownerId());
  }

  private static void writeBadRows(Path path, List<BadRows.BadRow> badRows) throws IOException {
    try (Writer writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
         CSVPrinter csv = new CSVPrinter(writer, LandingFiles.CSV)) {
      csv.printRecord((Object[]) BAD_ROWS_HEADER);
      for (BadRows.BadRow row : badRows) {
        csv.printRecord(row.file(), row.rowNumber(), row.reason(), row.entity().entityName(), row.column(),
            row.key(), row.detail());
      }
    }
  }
}
