package io.cpm.metrics.schema;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The canonical entities every export is mapped to (docs/architecture.md, "Source contracts" and "Table catalogue").
 *
 * <p>Each entity has a source system, a silver table name, business key columns, the column that carries
 * its business date (used for point-in-time cuts and the "date after run date" check) and a typed schema.
 * Money is {@code decimal(18,2)}; dates without a time of day are {@code date}, events are {@code timestamp}.
 */
public enum Entity {
  ACCOUNTS("crm", "customers", List.of("customer_id"), "created_at",
      field("customer_id", StringType, false),
      field("name", StringType, true),
      field("industry", StringType, true),
      field("region", StringType, true),
      field("size", StringType, true),
      field("owner_id", StringType, true),
      field("created_at", DateType, false),
      field("first_contact_at", DateType, true),
      field("email", StringType, true),
      field("phone", StringType, true)),
  LEADS("crm", "leads", List.of("lead_id"), "created_at",
      field("lead_id", StringType, false),
      field("customer_id", StringType, true),
      field("created_at", DateType, false),
      field("channel", StringType, true),
      field("status", StringType, true),
      field("converted_at", DateType, true)),
  OPPORTUNITIES("crm", "opportunities", List.of("opportunity_id"), "created_at",
      field("opportunity_id", StringType, false),
      // Early pipeline has no account yet: such opportunities count in pipeline KPIs, not in customer features.
      field("customer_id", StringType, true),
      field("created_at", DateType, false),
      field("stage", StringType, true),
      field("stage_changed_at", DateType, true),
      field("amount", Money.TYPE, true),
      field("product_line", StringType, true),
      field("topic", StringType, true),
      field("closed_at", DateType, true),
      field("won", BooleanType, true),
      field("lost_reason", StringType, true),
      field("owner_id", StringType, true)),
  ACTIVITIES("crm", "activities", List.of("activity_id"), "occurred_at",
      field("activity_id", StringType, false),
      field("customer_id", StringType, false),
      field("type", StringType, true),
      field("occurred_at", TimestampType, false),
      field("owner_id", StringType, true),
      field("subject", StringType, true)),
  NPS_RESPONSES("crm", "nps_responses", List.of("response_id"), "responded_at",
      field("response_id", StringType, false),
      field("customer_id", StringType, false),
      field("responded_at", DateType, false),
      field("score", IntegerType, false)),
  MARKETING_SPEND("crm", "marketing_spend", List.of("month", "channel"), "month",
      field("month", DateType, false),
      field("channel", StringType, false),
      field("amount", Money.TYPE, false)),
  ORDERS("erp", "orders", List.of("order_id"), "order_date",
      field("order_id", StringType, false),
      field("customer_id", StringType, false),
      field("order_date", DateType, false),
      field("status", StringType, true),
      field("currency", StringType, true)),
  ORDER_LINES("erp", "order_lines", List.of("order_id", "line_no"), "order_date",
      field("order_id", StringType, false),
      field("line_no", IntegerType, false),
      field("order_date", DateType, false),
      field("product_id", StringType, true),
      field("product_line", StringType, true),
      field("quantity", IntegerType, false),
      field("unit_price", Money.TYPE, false),
      field("list_price", Money.TYPE, true),
      field("unit_cost", Money.TYPE, true)),
  INVOICES("erp", "invoices", List.of("invoice_id"), "issued_at",
      field("invoice_id", StringType, false),
      field("customer_id", StringType, false),
      field("order_id", StringType, true),
      field("issued_at", DateType, false),
      field("due_at", DateType, true),
      field("paid_at", DateType, true),
      field("amount", Money.TYPE, false),
      field("currency", StringType, true)),
  CONTRACTS("erp", "contracts", List.of("contract_id"), "start_date",
      field("contract_id", StringType, false),
      field("customer_id", StringType, false),
      field("start_date", DateType, false),
      field("end_date", DateType, true),
      field("annual_value", Money.TYPE, false),
      field("status", StringType, true)),
  TICKETS("tickets", "tickets", List.of("ticket_id"), "created_at",
      field("ticket_id", StringType, false),
      field("customer_id", StringType, false),
      field("created_at", TimestampType, false),
      field("first_response_at", TimestampType, true),
      field("resolved_at", TimestampType, true),
      field("status", StringType, true),
      field("priority", StringType, true),
      field("type", StringType, true),
      field("topic", StringType, true),
      field("satisfaction", IntegerType, true),
      field("parts_cost", Money.TYPE, true),
      field("labor_cost", Money.TYPE, true));

  /** Lineage columns every silver row carries: where and when it was received. */
  public static final String SOURCE_FILE = "_source_file";
  public static final String ROW_NUMBER = "_row_number";
  public static final String RUN_DATE = "_run_date";

  private final String source;
  private final String table;
  private final List<String> keys;
  private final String businessDate;
  private final StructType schema;

  Entity(String source, String table, List<String> keys, String businessDate, StructField... fields) {
    this.source = source;
    this.table = table;
    this.keys = List.copyOf(keys);
    this.businessDate = businessDate;
    this.schema = new StructType(fields);
  }

  private static StructField field(String name, DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }

  /** Source system: {@code crm}, {@code erp} or {@code tickets}. */
  public String source() {
    return source;
  }

  /** Config and file name of the entity, e.g. {@code order_lines}; the silver table for accounts is {@code customers}. */
  public String entityName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Silver table name. */
  public String table() {
    return table;
  }

  /** Bronze table name: every input row as received, e.g. {@code bronze_order_lines}. */
  public String bronzeTable() {
    return "bronze_" + entityName();
  }

  public List<String> keys() {
    return keys;
  }

  public String businessDateColumn() {
    return businessDate;
  }

  /** The canonical typed columns, without lineage columns. */
  public StructType schema() {
    return schema;
  }

  /** Canonical schema plus the lineage columns stored in silver. */
  public StructType silverSchema() {
    return schema
        .add(SOURCE_FILE, StringType, false)
        .add(ROW_NUMBER, DataTypes.LongType, false)
        .add(RUN_DATE, DateType, false);
  }

  /** Whether rows of this entity must reference a known customer. */
  public boolean referencesCustomer() {
    return this != ACCOUNTS && this != MARKETING_SPEND && this != ORDER_LINES && this != LEADS;
  }

  public static List<Entity> ofSource(String source) {
    return Arrays.stream(values()).filter(e -> e.source.equals(source)).toList();
  }

  public static Entity byName(String entityName) {
    for (Entity e : values()) {
      if (e.entityName().equals(entityName)) {
        return e;
      }
    }
    throw new IllegalArgumentException("Unknown entity: " + entityName + " (known: "
        + Arrays.stream(values()).map(Entity::entityName).toList() + ")");
  }

  public static List<String> sources() {
    return List.of("crm", "erp", "tickets");
  }
}
