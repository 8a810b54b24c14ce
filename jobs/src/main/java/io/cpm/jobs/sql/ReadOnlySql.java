package io.cpm.jobs.sql;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * The read-only rule of the analyst SQL paths ({@code cpm sql}, {@code cpm sql-server}): a statement may run when
 * its parsed plan is a query or a command that only reads (SHOW, DESCRIBE, EXPLAIN, reading a setting, USE).
 * Writes (INSERT, DELETE, UPDATE, MERGE), DDL (CREATE, DROP, ALTER, VACUUM, OPTIMIZE, CACHE, ...) and setting a
 * Spark property are refused before anything runs, and so are {@code reflect} / {@code java_method}, which call
 * static Java methods in the server's JVM. The check is on the parser's plan, not on the text, so
 * comments, case and CTEs cannot hide a write.
 */
public final class ReadOnlySql {
  /** Commands that only read metadata or settings (simple class names, Spark 3.5 and Delta 3.3). */
  private static final Set<String> READING_COMMANDS = Set.of(
      "ShowTables", "ShowTablesCommand", "ShowTableExtended", "ShowViews", "ShowColumns", "ShowNamespaces",
      "ShowFunctions", "ShowCreateTable", "ShowTableProperties", "ShowPartitions", "ShowCatalogs",
      "ShowCurrentNamespace", "ShowCurrentNamespaceCommand", "DescribeRelation", "DescribeColumn",
      "DescribeNamespace", "DescribeFunction", "DescribeQueryCommand", "DescribeDeltaDetailCommand",
      "DescribeDeltaHistory", "DescribeDeltaHistoryCommand", "ExplainCommand", "SetCatalogAndNamespace",
      "SetNamespaceCommand", "ShowColumnsCommand");

  /** Functions that call arbitrary static Java methods (System.exit, System.setProperty, ...). */
  private static final Set<String> REFLECTION_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

  private ReadOnlySql() {}

  /** Why {@code sql} may not run on a read-only path, or null when it only reads. */
  public static String refusal(ParserInterface parser, String sql) throws ParseException {
    return refusal(parser.parsePlan(sql));
  }

  /** Why a parsed statement may not run on a read-only path, or null when it only reads. */
  public static String refusal(LogicalPlan plan) {
    Deque<LogicalPlan> todo = new ArrayDeque<>();
    todo.push(plan);
    while (!todo.isEmpty()) {
      LogicalPlan node = todo.pop();
      String refusal = refusalOf(node);
      if (refusal != null) {
        return refusal;
      }
      JavaConverters.seqAsJavaList(node.children()).forEach(todo::push);
      if (node instanceof UnresolvedWith with) {
        JavaConverters.seqAsJavaList(with.cteRelations()).forEach(cte -> todo.push(cte._2()));
      }
      Deque<Expression> expressions = new ArrayDeque<>(JavaConverters.seqAsJavaList(node.expressions()));
      while (!expressions.isEmpty()) {
        Expression expression = expressions.pop();
        if (expression instanceof UnresolvedFunction function) {
          List<String> name = JavaConverters.seqAsJavaList(function.nameParts());
          String last = name.get(name.size() - 1).toLowerCase(java.util.Locale.ROOT);
          if (REFLECTION_FUNCTIONS.contains(last)) {
            return last + "() calls Java methods on the server";
          }
        }
        if (expression instanceof SubqueryExpression subquery) {
          todo.push(subquery.plan());
        }
        expressions.addAll(JavaConverters.seqAsJavaList(expression.children()));
      }
    }
    return null;
  }

  private static String refusalOf(LogicalPlan node) {
    String name = node.getClass().getSimpleName();
    if (node instanceof SetCommand set) {
      Option<Tuple2<String, Option<String>>> kv = set.kv();
      // SET alone lists the settings and SET key shows one; only SET key=value changes the session.
      return kv.isDefined() && kv.get()._2().isDefined()
          ? "SET " + kv.get()._1() + " changes a Spark setting" : null;
    }
    if (node instanceof InsertIntoStatement) {
      return "INSERT writes to a table";
    }
    if (node instanceof Command && !READING_COMMANDS.contains(name)) {
      return name + " writes data or changes the catalog";
    }
    return null;
  }

  /**
   * Makes every session created from {@code spark} from now on (the JDBC server opens one per connection) refuse
   * what {@link #refusal} refuses, at parse time.
   */
  public static void enforceInNewSessions(SparkSession spark) {
    spark.extensions().injectParser(new scala.runtime.AbstractFunction2<SparkSession, ParserInterface,
        ParserInterface>() {
      @Override
      public ParserInterface apply(SparkSession session, ParserInterface delegate) {
        return new Guarded(delegate);
      }
    });
  }

  /** A parser that refuses, with the reason, every statement {@link #refusal} refuses. */
  private static final class Guarded implements ParserInterface {
    private final ParserInterface delegate;

    Guarded(ParserInterface delegate) {
      this.delegate = delegate;
    }

    @Override
    public LogicalPlan parsePlan(String sql) throws ParseException {
      LogicalPlan plan = delegate.parsePlan(sql);
      String refusal = refusal(plan);
      if (refusal != null) {
        throw new ReadOnlyViolation(refusal);
      }
      return plan;
    }

    @Override
    public org.apache.spark.sql.catalyst.expressions.Expression parseExpression(String sql) throws ParseException {
      return delegate.parseExpression(sql);
    }

    @Override
    public org.apache.spark.sql.catalyst.TableIdentifier parseTableIdentifier(String sql) throws ParseException {
      return delegate.parseTableIdentifier(sql);
    }

    @Override
    public org.apache.spark.sql.catalyst.FunctionIdentifier parseFunctionIdentifier(String sql) throws ParseException {
      return delegate.parseFunctionIdentifier(sql);
    }

    @Override
    public scala.collection.Seq<String> parseMultipartIdentifier(String sql) throws ParseException {
      return delegate.parseMultipartIdentifier(sql);
    }

    @Override
    public LogicalPlan parseQuery(String sql) throws ParseException {
      return delegate.parseQuery(sql);
    }

    @Override
    public org.apache.spark.sql.types.StructType parseTableSchema(String sql) throws ParseException {
      return delegate.parseTableSchema(sql);
    }

    @Override
    public org.apache.spark.sql.types.DataType parseDataType(String sql) throws ParseException {
      return delegate.parseDataType(sql);
    }
  }

  /** A statement refused on a read-only path; its message says what and how to run it anyway. */
  public static final class ReadOnlyViolation extends RuntimeException {
    ReadOnlyViolation(String refusal) {
      super(message(refusal));
    }
  }

  /** The one-line refusal shown to the user. */
  public static String message(String refusal) {
    return "refused: " + refusal + "; analyst SQL is read-only (maintenance: cpm sql --allow-writes, logged)";
  }
}
