package io.cpm.jobs.sample;

import static io.cpm.metrics.schema.Entity.ACCOUNTS;
import static io.cpm.metrics.schema.Entity.ACTIVITIES;
import static io.cpm.metrics.schema.Entity.CONTRACTS;
import static io.cpm.metrics.schema.Entity.INVOICES;
import static io.cpm.metrics.schema.Entity.LEADS;
import static io.cpm.metrics.schema.Entity.NPS_RESPONSES;
import static io.cpm.metrics.schema.Entity.OPPORTUNITIES;
import static io.cpm.metrics.schema.Entity.ORDERS;
import static io.cpm.metrics.schema.Entity.ORDER_LINES;
import static io.cpm.metrics.schema.Entity.TICKETS;

import io.cpm.jobs.CpmException;
import io.cpm.metrics.schema.Entity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Appends deliberately bad rows to the end of generated export files and lists each with the reason code
 * the ingest stage is expected to quarantine it with. Rows go to the daily folders first (the initial
 * load only when it is the sole folder), always after the good rows, so good rows keep their numbers;
 * a malformed line (unbalanced quote) is always the last line of its file, as it may swallow what follows.
 * Every bad row copies the file's first good row and breaks exactly one thing; rows that are not about
 * keys get a fresh key so they cannot also count as duplicates.
 */
final class BadRows {
  /** The reason codes of the ingest stage, with the files each kind is planted in (round robin). */
  enum Kind {
    MISSING_KEY(ORDERS, ACTIVITIES, NPS_RESPONSES),
    DUPLICATE_KEY(INVOICES, ORDERS, ACTIVITIES),
    BAD_DATE(ORDERS, INVOICES, NPS_RESPONSES),
    BAD_NUMBER(ORDER_LINES, INVOICES, CONTRACTS),
    NEGATIVE_AMOUNT(INVOICES, CONTRACTS),
    OUT_OF_RANGE(NPS_RESPONSES),
    UNKNOWN_CUSTOMER(ORDERS, ACTIVITIES, TICKETS, INVOICES),
    FUTURE_DATE(ORDERS, NPS_RESPONSES, ACTIVITIES),
    WRONG_FIELD_COUNT(INVOICES, ORDERS, ACTIVITIES),
    INVALID_UTF8(ACCOUNTS, ACTIVITIES, TICKETS),
    MALFORMED_LINE(ACCOUNTS, OPPORTUNITIES, LEADS, CONTRACTS, ACTIVITIES, TICKETS);

    private final List<Entity> targets;

    Kind(Entity... targets) {
      this.targets = List.of(targets);
    }
  }

  /** One planted row: where it is and why ingestion must reject it. */
  record BadRow(String file, long rowNumber, Kind reason, Entity entity, String column, String key,
      String detail) {}

  private static final String INVALID_UTF8_MARKER = "ZZINVALIDUTF8ZZ";
  private static final byte[] INVALID_UTF8_BYTES = {'B', 'a', 'd', (byte) 0xC3, (byte) 0x28, ' ', (byte) 0xFF};
  private static final DateTimeFormatter GERMAN_DATE = DateTimeFormatter.ofPattern("dd.MM.yyyy");

  private final LandingFiles files;
  private final int customers;
  private int sequence;

  private BadRows(LandingFiles files, int customers) {
    this.files = files;
    this.customers = customers;
  }

  /** Plants {@code perKind} rows of every kind and returns them in planting order. */
  static List<BadRow> plant(LandingFiles files, int perKind, int customers) {
    BadRows planter = new BadRows(files, customers);
    List<BadRow> planted = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      List<LandingFiles.ExportFile> slots = planter.slots(kind);
      if (perKind > 0 && slots.isEmpty()) {
        throw CpmException.usage("no generated file with data for bad rows of kind " + kind
            + "; generate more customers");
      }
      if (kind == Kind.MALFORMED_LINE && perKind > slots.size()) {
        throw CpmException.usage("--bad-rows " + perKind + " is more than the " + slots.size()
            + " files that can take a malformed last line; use fewer bad rows or more run dates");
      }
      for (int k = 0; k < perKind; k++) {
        planted.add(planter.plantOne(kind, slots.get(k % slots.size())));
      }
    }
    return planted;
  }

  /**
   * Files that can take a bad row of this kind, each (folder, target entity) pair once and only when it
   * has data: in rounds over the daily folders (then the initial load), shifting the entity each round,
   * so a few rows of a kind spread over both different days and different files.
   */
  private List<LandingFiles.ExportFile> slots(Kind kind) {
    List<LandingFiles.ExportFile> slots = new ArrayList<>();
    int folders = files.folders().size();
    int targets = kind.targets.size();
    for (int round = 0; round < targets; round++) {
      for (int i = 0; i < folders; i++) {
        int folder = (i + 1) % folders;
        LandingFiles.ExportFile file = files.file(folder, kind.targets.get((round + i) % targets));
        if (file.firstRow() != null) {
          slots.add(file);
        }
      }
    }
    return slots;
  }

  private BadRow plantOne(Kind kind, LandingFiles.ExportFile file) {
    sequence++;
    Entity entity = file.entity();
    String[] names = entity.schema().fieldNames();
    Object[] row = file.firstRow();
    LocalDate folderDate = LocalDate.parse(files.root().relativize(file.path()).getName(0).toString());
    int keyColumn = 0;
    if (kind != Kind.MISSING_KEY && kind != Kind.DUPLICATE_KEY) {
      freshKey(entity, row);
    }
    int column;
    String detail;
    byte[] line;
    switch (kind) {
      case MISSING_KEY -> {
        column = keyColumn;
        row[column] = null;
        detail = "empty business key";
        line = LandingFiles.formatLine(entity, row);
      }
      case DUPLICATE_KEY -> {
        column = keyColumn;
        detail = "exact copy of the file's first data row (row 2)";
        line = LandingFiles.formatLine(entity, row);
      }
      case BAD_DATE -> {
        column = index(names, entity.businessDateColumn());
        row[column] = sequence % 2 == 0 ? folderDate.format(GERMAN_DATE) : folderDate.getYear() + "-02-30";
        detail = "unparseable date " + row[column];
        line = LandingFiles.formatLine(entity, row);
      }
      case BAD_NUMBER -> {
        column = index(names, entity == ORDER_LINES ? "unit_price" : entity == CONTRACTS ? "annual_value" : "amount");
        row[column] = List.of("1.234,56", "twelve", "12.5.0").get(sequence % 3);
        detail = "not a number: " + row[column];
        line = LandingFiles.formatLine(entity, row);
      }
      case NEGATIVE_AMOUNT -> {
        column = index(names, entity == CONTRACTS ? "annual_value" : "amount");
        row[column] = new Amount(-Math.abs(((Amount) row[column]).cents()) - 100);
        detail = "negative " + names[column] + " " + row[column];
        line = LandingFiles.formatLine(entity, row);
      }
      case OUT_OF_RANGE -> {
        column = index(names, "score");
        row[column] = 11;
        detail = "NPS score 11 (allowed 0-10)";
        line = LandingFiles.formatLine(entity, row);
      }
      case UNKNOWN_CUSTOMER -> {
        column = index(names, "customer_id");
        row[column] = Ids.customer(customers + 1000L + sequence);
        detail = "customer " + row[column] + " does not exist";
        line = LandingFiles.formatLine(entity, row);
      }
      case FUTURE_DATE -> {
        column = index(names, entity.businessDateColumn());
        LocalDate future = folderDate.plusDays(30);
        row[column] = entity == ACTIVITIES ? CustomerSimulator.timestamp(future.toEpochDay(), 36_000) : future;
        detail = names[column] + " " + row[column] + " is after run date " + folderDate;
        line = LandingFiles.formatLine(entity, row);
      }
      case WRONG_FIELD_COUNT -> {
        column = names.length;
        Object[] longer = Arrays.copyOf(row, names.length + 1);
        longer[names.length] = "unexpected";
        detail = (names.length + 1) + " fields, header has " + names.length;
        line = LandingFiles.formatLine(entity, longer);
      }
      case INVALID_UTF8 -> {
        column = index(names, entity == ACCOUNTS ? "name" : entity == TICKETS ? "topic" : "subject");
        row[column] = INVALID_UTF8_MARKER;
        detail = "bytes C3 28 and FF in " + names[column];
        line = replace(LandingFiles.formatLine(entity, row), INVALID_UTF8_MARKER, INVALID_UTF8_BYTES);
      }
      case MALFORMED_LINE -> {
        column = index(names, malformedColumn(entity));
        row[column] = "ZZUNCLOSEDZZ";
        byte[] formatted = LandingFiles.formatLine(entity, row);
        if (entity == TICKETS) {
          detail = "truncated JSON object";
          line = Arrays.copyOf(formatted, formatted.length / 2);
        } else {
          detail = "unbalanced quote in " + names[column];
          line = replace(formatted, "ZZUNCLOSEDZZ", "\"unclosed, text".getBytes(StandardCharsets.UTF_8));
        }
      }
      default -> throw new IllegalStateException(kind.name());
    }
    long rowNumber = file.appendRaw(line);
    String key = row[keyColumn] == null ? "" : row[keyColumn].toString()
        + (entity == ORDER_LINES ? "/" + row[1] : "");
    return new BadRow(files.root().relativize(file.path()).toString().replace('\\', '/'), rowNumber, kind, entity,
        column < names.length ? names[column] : "(extra field)", key, detail);
  }

  private static String malformedColumn(Entity entity) {
    return switch (entity) {
      case ACCOUNTS -> "name";
      case OPPORTUNITIES -> "topic";
      case LEADS -> "channel";
      case CONTRACTS -> "status";
      case ACTIVITIES -> "subject";
      default -> "topic";
    };
  }

  /** A key no good row has: the first key column gets a suffix (order lines get line number 900+). */
  private void freshKey(Entity entity, Object[] row) {
    if (entity == ORDER_LINES) {
      row[1] = 900 + sequence;
    } else {
      row[0] = row[0] + "-B" + sequence;
    }
  }

  private static int index(String[] names, String column) {
    int index = Arrays.asList(names).indexOf(column);
    if (index < 0) {
      throw new IllegalStateException("no column " + column);
    }
    return index;
  }

  private static byte[] replace(byte[] line, String marker, byte[] replacement) {
    String text = new String(line, StandardCharsets.UTF_8);
    int at = text.indexOf(marker);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] before = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
    byte[] after = text.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8);
    out.write(before, 0, before.length);
    out.write(replacement, 0, replacement.length);
    out.write(after, 0, after.length);
    return out.toByteArray();
  }
}
