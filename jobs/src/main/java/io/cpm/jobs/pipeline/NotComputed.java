package io.cpm.jobs.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * "What could not be computed": features, KPIs and models a run left null or skipped, each with the reason
 * (usually an export the company does not deliver, or a switch in the config). Stages report them as notes of
 * the form {@code not computed: <kind> <name>: <reason>} ({@link #note}) and record them in the table
 * {@value #TABLE} ({@link #record}); the run summary lists them in a section of their own
 * ({@link #summaryLines}) and the run report shows the table's rows of the run date ({@link #items}), so a user
 * sees at a glance what their exports do not support.
 */
public final class NotComputed {
  public static final String TABLE = io.cpm.metrics.schema.GoldTable.NOT_COMPUTED.table();
  static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("stage", org.apache.spark.sql.types.DataTypes.StringType, false)
      .add("kind", org.apache.spark.sql.types.DataTypes.StringType, false)
      .add("name", org.apache.spark.sql.types.DataTypes.StringType, false)
      .add("reason", org.apache.spark.sql.types.DataTypes.StringType, false);

  static final String PREFIX = "not computed: ";
  /** pipeline_runs joins a stage's notes with this separator; reasons never contain it. */
  static final String SEPARATOR = "; ";

  /** One thing not computed: kind (feature, kpi, model), name and reason. */
  public record Item(String kind, String name, String reason) {
    public Item {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
    }
  }

  private NotComputed() {}

  /** The stage note for one item (a semicolon in the reason becomes a comma, see {@link #SEPARATOR}). */
  public static String note(String kind, String name, String reason) {
    return PREFIX + kind + " " + name + ": " + reason.replace(";", ",");
  }

  /** The item a note describes, or null when the note is not a "not computed" note. */
  static Item parse(String note) {
    if (note == null || !note.startsWith(PREFIX)) {
      return null;
    }
    String rest = note.substring(PREFIX.length());
    int space = rest.indexOf(' ');
    int colon = rest.indexOf(": ", Math.max(space, 0));
    if (space < 0 || colon < 0) {
      return null;
    }
    return new Item(rest.substring(0, space), rest.substring(space + 1, colon), rest.substring(colon + 2));
  }

  /** The items in pipeline_runs messages (one message per stage, notes joined by {@link #SEPARATOR}). */
  public static List<Item> fromMessages(List<String> messages) {
    List<Item> items = new ArrayList<>();
    for (String message : messages) {
      if (message == null) {
        continue;
      }
      for (String part : message.split(SEPARATOR)) {
        Item item = parse(part.trim());
        if (item != null) {
          items.add(item);
        }
      }
    }
    return items;
  }

  /** The run summary's section: a heading and one line per item, or nothing when everything was computed. */
  public static List<String> summaryLines(List<StageResult> results) {
    List<String> notes = new ArrayList<>();
    results.forEach(r -> notes.addAll(r.notes()));
    List<Item> items = fromMessages(List.of(String.join(SEPARATOR, notes)));
    if (items.isEmpty()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    lines.add("What could not be computed (" + items.size() + "):");
    for (Item item : items) {
      lines.add(String.format(Locale.ROOT, "  %-8s %s: %s", item.kind(), item.name().replace(",", ", "),
          item.reason()));
    }
    return lines;
  }

  /**
   * Replaces the stage's rows of the run date in {@value #TABLE} with the items among its notes. Nothing is
   * written while the table does not exist and there is nothing to record (a company with every export never
   * gets the table), so the common night costs no write.
   */
  public static void record(PipelineContext context, String stage, List<String> notes) {
    List<Item> items = fromMessages(List.of(String.join(SEPARATOR, notes)));
    io.cpm.jobs.storage.Tables tables = context.tables();
    if (items.isEmpty() && !tables.exists(TABLE)) {
      return;
    }
    List<org.apache.spark.sql.Row> rows = items.stream()
        .map(i -> org.apache.spark.sql.RowFactory.create(stage, i.kind(), i.name(), i.reason())).toList();
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> data = context.spark().createDataFrame(rows, SCHEMA)
        .withColumn(io.cpm.jobs.storage.Tables.RUN_DATE,
            org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(context.runDate())));
    tables.replaceWhere(data, TABLE, io.cpm.jobs.storage.Tables.RUN_DATE, io.cpm.jobs.storage.Tables.RUN_DATE
        + " = DATE'" + context.runDate() + "' AND stage = '" + stage + "'", java.util.Map.of());
  }

  /** What the run date's stages recorded in {@value #TABLE}, by stage, kind and name (none without the table). */
  public static List<Item> items(io.cpm.jobs.storage.Tables tables, java.time.LocalDate runDate) {
    List<Item> items = new ArrayList<>();
    if (tables.exists(TABLE)) {
      for (org.apache.spark.sql.Row r : tables.readRunDate(TABLE, runDate).orderBy("stage", "kind", "name")
          .select("kind", "name", "reason").collectAsList()) {
        items.add(new Item(r.getString(0), r.getString(1), r.getString(2)));
      }
    }
    return items;
  }
}
