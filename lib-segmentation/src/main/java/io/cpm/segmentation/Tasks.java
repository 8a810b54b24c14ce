package io.cpm.segmentation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.format_number;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Automation rules → customer tasks, with de-duplication and closing.
 *
 * <p>{@link #raise} lists the (customer, rule) pairs whose condition holds at the run date. {@link #update}
 * folds them into the task table: an open task for the same customer and rule is kept (not raised again); a new
 * task gets {@code task_id = first 32 hex of sha256(customer_id|rule|raised_on)}; an open task closes (status
 * closed, closed_on = run date) when its condition no longer holds, or for after-due-date rules once the run
 * date is past due_date. The table as of D depends only on tasks raised before D and D's conditions, so
 * rerunning D gives the same table.
 */
public final class Tasks {
  public static final List<String> COLUMNS = List.of("task_id", "customer_id", "rule", "reason", "raised_on",
      "due_date", "owner_id", "owner_role", "group_name", "status", "closed_on");

  private Tasks() {}

  /** Conditions holding at {@code asOf}: customer_id, owner_id, rule, reason, due_date, owner_role, group_name. */
  public static Dataset<Row> raise(Dataset<Row> features, List<TaskRule> rules, LocalDate asOf) {
    Column day = lit(Date.valueOf(asOf));
    Dataset<Row> result = null;
    for (TaskRule rule : rules) {
      Column[] test = condition(rule, day);
      Dataset<Row> raised = features.where(test[0]).select(col("customer_id"), col("owner_id"),
          lit(rule.name()).as("rule"), test[1].as("reason"), date_add(day, rule.dueInDays()).as("due_date"),
          lit(rule.ownerRole()).as("owner_role"), lit(rule.group()).cast(DataTypes.StringType).as("group_name"));
      result = result == null ? raised : result.unionByName(raised);
    }
    if (result == null) {
      throw new IllegalArgumentException("No task rules given");
    }
    return result;
  }

  /** {condition, reason} of a rule. */
  private static Column[] condition(TaskRule rule, Column day) {
    switch (rule.kind()) {
      case CHURN_RISK: {
        Column current = coalesce(col("activities_30d"), lit(0L));
        Column previous = coalesce(col("activities_prev_30d"), lit(0L));
        Column drop = previous.minus(current).multiply(100.0).divide(previous);
        return new Column[] {previous.gt(0).and(drop.geq(rule.threshold())),
            concat(lit("activities fell "), format_number(drop, 0), lit("% in 30 days ("),
                previous.cast("string"), lit(" -> "), current.cast("string"), lit(")"))};
      }
      case WELCOME: {
        Column first = col("first_order_date");
        return new Column[] {first.gt(date_sub(day, (int) rule.threshold())).and(first.leq(day)),
            concat(lit("first order on "), first.cast("string"))};
      }
      case SERVICE:
        return new Column[] {col("nps_last").leq(rule.threshold()),
            concat(lit("NPS detractor (last score "), col("nps_last").cast("string"), lit(")"))};
      case FINANCE:
        return new Column[] {col("overdue_amount").geq(rule.threshold()).and(col("overdue_amount").gt(0)),
            concat(lit("overdue invoices: "), format_number(col("overdue_amount"), 2))};
      default:
        throw new IllegalArgumentException("Unknown task rule kind " + rule.kind());
    }
  }

  /**
   * The whole task table after the run of {@code asOf}. {@code existing} is the table before (null on the first
   * run); tasks raised after {@code asOf} (a backfill) and tasks closed before it are left as they are.
   */
  public static Dataset<Row> update(Dataset<Row> existing, Dataset<Row> raised, List<TaskRule> rules,
      LocalDate asOf) {
    Column day = lit(Date.valueOf(asOf));
    Dataset<Row> fresh = raised.select(
        substring(sha2(concat_ws("|", col("customer_id"), col("rule"), day.cast("string")), 256), 1, 32).as("task_id"),
        col("customer_id"), col("rule"), col("reason"), day.as("raised_on"), col("due_date"), col("owner_id"),
        col("owner_role"), col("group_name"), lit("open").as("status"),
        lit(null).cast(DataTypes.DateType).as("closed_on"));
    if (existing == null) {
      return fresh;
    }
    Dataset<Row> before = existing.where(col("raised_on").lt(day));
    Column closedOn = col("closed_on");
    Column openAtRun = closedOn.isNull().or(closedOn.equalTo(day));
    Dataset<Row> untouched = existing.where(col("raised_on").gt(day))
        .unionByName(before.where(closedOn.isNotNull().and(closedOn.notEqual(day))));
    Dataset<Row> open = before.where(openAtRun);

    Dataset<Row> holding = raised.select(col("customer_id").as("_c"), col("rule").as("_r"), lit(true).as("_holds"));
    Column afterDueRule = lit(false);
    for (TaskRule rule : rules) {
      if (rule.kind().closing() == TaskRule.Closing.AFTER_DUE_DATE) {
        afterDueRule = afterDueRule.or(col("rule").equalTo(rule.name()));
      }
    }
    Column holds = coalesce(col("_holds"), lit(false));
    Column stillOpen = when(afterDueRule, col("due_date").geq(day)).otherwise(holds);
    Dataset<Row> reevaluated = open.join(holding, open.col("customer_id").equalTo(holding.col("_c"))
            .and(open.col("rule").equalTo(holding.col("_r"))), "left")
        .withColumn("status", when(stillOpen, "open").otherwise("closed"))
        .withColumn("closed_on", when(stillOpen, lit(null).cast(DataTypes.DateType)).otherwise(day))
        .select(COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));

    Dataset<Row> openKeys = open.select(col("customer_id").as("_oc"), col("rule").as("_or"));
    Dataset<Row> newTasks = fresh.join(openKeys, fresh.col("customer_id").equalTo(openKeys.col("_oc"))
        .and(fresh.col("rule").equalTo(openKeys.col("_or"))), "left_anti");
    Column[] ordered = COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    return untouched.select(ordered).unionByName(reevaluated).unionByName(newTasks.select(ordered));
  }
}
