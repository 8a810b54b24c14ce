package io.cpm.jobs.ingest;

import io.cpm.jobs.CpmException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.analysis.SimpleAnalyzer$;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.LambdaFunction;
import org.apache.spark.sql.catalyst.expressions.MutableProjection;
import org.apache.spark.sql.catalyst.expressions.MutableProjection$;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.WindowExpression;
import org.apache.spark.sql.catalyst.expressions.WindowSpecDefinition;
import org.apache.spark.sql.catalyst.optimizer.ComputeCurrentTime$;
import org.apache.spark.sql.catalyst.optimizer.ReplaceExpressions$;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation$;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import scala.collection.JavaConverters;

/**
 * The Spark SQL expressions of one mapping ({@code derive} and {@code where}), evaluated per record inside the
 * reader, so line-level quarantine and exact line numbers stay as they are for renamed columns.
 *
 * <p>Nothing here is a language of our own: an expression is parsed by Spark's SQL parser
 * ({@code CatalystSqlParser}), its functions resolved against Spark's built-in function registry and its types
 * coerced by Spark's analyzer, over a relation whose columns are the export columns the expressions name (all
 * strings, as read; {@value #LINE_NUMBER} is the record's line in the file). No SparkSession is needed, so
 * {@code --dry-run} and {@code cpm check-mapping} report expression errors without starting Spark. Each derived
 * value is turned into text the column's parser reads (a date or timestamp result in ISO form), so derived
 * values get the same reason codes as read ones.
 */
final class MappingExpressions implements Serializable {
  /** Virtual input: the 1-based physical line a record starts on (the header is line 1). */
  static final String LINE_NUMBER = "_line_number";

  /**
   * Virtual input of window expressions only: the export file's name (run date/folder/file); rows of several files
   * are ordered by file, then line.
   */
  static final String SOURCE_FILE = "_source_file";

  /** One expression as configured, with the config key and origin ({@code file: line}) it came from. */
  record Source(String column, String sql, String key, String where) implements Serializable {}

  private final List<String> inputs;
  private final List<String> outputs;
  private final boolean filtered;
  private final Set<String> isoOutputs;
  private final scala.collection.Seq<Expression> expressions;
  private final scala.collection.Seq<Attribute> attributes;
  private transient MutableProjection projection;
  private transient InternalRow input;
  private transient Object[] inputValues;

  private MappingExpressions(List<String> inputs, List<String> outputs, boolean filtered, Set<String> isoOutputs,
      scala.collection.Seq<Expression> expressions, scala.collection.Seq<Attribute> attributes) {
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.filtered = filtered;
    this.isoOutputs = Set.copyOf(isoOutputs);
    this.expressions = expressions;
    this.attributes = attributes;
  }

  /** Export column names the expressions read, in input-slot order ({@value #LINE_NUMBER} included if used). */
  List<String> inputs() {
    return inputs;
  }

  /** Canonical columns the expressions produce, in output order (after the filter, when there is one). */
  List<String> outputs() {
    return outputs;
  }

  boolean filtered() {
    return filtered;
  }

  /** Derived date or timestamp columns whose expression gives a date or timestamp: their text is ISO. */
  Set<String> isoOutputs() {
    return isoOutputs;
  }

  /**
   * Parses one expression with Spark's SQL parser and checks its functions exist among Spark's built-ins;
   * returns the export columns it reads. A problem is a config error naming the key and its origin.
   */
  static Set<String> check(Source source) {
    Expression parsed = parse(source);
    Set<String> columns = new LinkedHashSet<>();
    Set<String> lambdaVariables = new LinkedHashSet<>();
    walk(parsed, source, columns, lambdaVariables);
    columns.removeAll(lambdaVariables);
    return columns;
  }

  private static Expression parse(Source source) {
    try {
      return CatalystSqlParser$.MODULE$.parseExpression(source.sql());
    } catch (Exception e) {
      // Scala's ParseException (an AnalysisException) is unchecked, so javac cannot name it here.
      throw problem(source, "not a Spark SQL expression: " + firstLine(e.getMessage()));
    }
  }

  private static void walk(Expression e, Source source, Set<String> columns, Set<String> lambdaVariables) {
    if (e instanceof UnresolvedAttribute a) {
      List<String> parts = JavaConverters.seqAsJavaList(a.nameParts());
      if (parts.size() != 1) {
        throw problem(source, "'" + String.join(".", parts) + "' is not an export column name; quote a column"
            + " name that contains a dot or a space in backticks, e.g. `Lineitem quantity`");
      }
      columns.add(parts.get(0));
    } else if (e instanceof UnresolvedFunction f) {
      List<String> parts = JavaConverters.seqAsJavaList(f.nameParts());
      String name = parts.get(parts.size() - 1);
      if (parts.size() != 1 || !FunctionRegistry$.MODULE$.builtin().functionExists(new FunctionIdentifier(name))) {
        throw problem(source, "unknown function " + String.join(".", parts) + "(); any Spark SQL built-in"
            + " function can be used (https://spark.apache.org/docs/3.5.4/api/sql/)");
      }
    } else if (e instanceof LambdaFunction l) {
      for (NamedExpression argument : JavaConverters.seqAsJavaList(l.arguments())) {
        lambdaVariables.add(argument.name());
      }
    }
    for (Expression child : JavaConverters.seqAsJavaList(e.children())) {
      walk(child, source, columns, lambdaVariables);
    }
  }

  /**
   * Resolves and type-checks the expressions with Spark's analyzer and wraps each so it yields the text the
   * target column's parser reads. {@code targetTypes} gives each derived column's canonical type; {@code where} may be
   * null. The result is serializable and evaluated per record by {@link #evaluate}.
   */
  static MappingExpressions compile(List<Source> derived, Source where, Map<String, DataType> targetTypes) {
    Set<String> inputs = new LinkedHashSet<>();
    List<Source> all = new ArrayList<>();
    if (where != null) {
      all.add(where);
    }
    all.addAll(derived);
    for (Source s : all) {
      Set<String> used = check(s);
      if (used.contains(SOURCE_FILE)) {
        throw problem(s, SOURCE_FILE + " can only be used in a window expression (OVER (...))");
      }
      inputs.addAll(used);
    }
    StructType schema = new StructType();
    for (String input : inputs) {
      schema = schema.add(input, input.equals(LINE_NUMBER) ? DataTypes.LongType : DataTypes.StringType, true);
    }
    LogicalPlan relation = LocalRelation$.MODULE$.apply(schema);
    List<Expression> wrapped = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Set<String> iso = new LinkedHashSet<>();
    for (Source s : all) {
      Expression resolved = resolve(s, parse(s), relation);
      DataType type = resolved.dataType();
      String sql = "(" + s.sql() + ")";
      if (s == where) {
        if (!(type instanceof BooleanType)) {
          throw problem(s, "a row filter must be a condition (true keeps the row), but this gives "
              + type.simpleString());
        }
        sql = "coalesce(" + sql + ", false)";
      } else {
        DataType target = targetTypes.get(s.column());
        boolean temporal = type instanceof DateType || type instanceof TimestampType
            || type instanceof TimestampNTZType;
        if (temporal && target instanceof DateType) {
          sql = "date_format(CAST(" + sql + " AS DATE), '" + ValueParser.ISO_DATE + "')";
          iso.add(s.column());
        } else if (temporal && target instanceof TimestampType) {
          sql = "date_format(CAST(" + sql + " AS TIMESTAMP), '" + ValueParser.ISO_TIMESTAMP + "')";
          iso.add(s.column());
        } else {
          sql = "CAST(" + sql + " AS STRING)";
        }
        outputs.add(s.column());
      }
      wrapped.add(resolve(s, CatalystSqlParser$.MODULE$.parseExpression(sql), relation));
    }
    return new MappingExpressions(new ArrayList<>(inputs), outputs, where != null, iso,
        JavaConverters.asScalaBuffer(wrapped).toSeq(), relation.output());
  }

  /**
   * {@code value} as the one column of a projection over {@code relation}, through Spark's analyzer and its
   * checks; what they refuse is thrown for the caller to word as a config error.
   */
  private static LogicalPlan analyze(Expression value, LogicalPlan relation) {
    Alias alias = new Alias(value, "_value", NamedExpression$.MODULE$.newExprId(),
        JavaConverters.asScalaBuffer(List.<String>of()).toSeq(), scala.Option.empty(),
        JavaConverters.asScalaBuffer(List.<String>of()).toSeq());
    LogicalPlan plan = new Project(JavaConverters.asScalaBuffer(List.<NamedExpression>of(alias)).toSeq(), relation);
    LogicalPlan analyzed = SimpleAnalyzer$.MODULE$.execute(plan);
    SimpleAnalyzer$.MODULE$.checkAnalysis(analyzed);
    return analyzed;
  }

  private static Expression resolve(Source s, Expression parsed, LogicalPlan relation) {
    LogicalPlan analyzed;
    try {
      analyzed = analyze(parsed, relation);
    } catch (Exception e) {
      throw problem(s, (e instanceof AnalysisException ? "" : "cannot be used per row: ")
          + firstLine(String.valueOf(e.getMessage())));
    }
    analyzed = ComputeCurrentTime$.MODULE$.apply(ReplaceExpressions$.MODULE$.apply(analyzed));
    if (!(analyzed instanceof Project p) || !p.child().equals(relation)) {
      throw problem(s, "must compute one value per row: aggregate and generator functions (sum, explode, ...)"
          + " cannot be used in a mapping (a window function needs OVER (...), e.g. row_number() OVER (PARTITION BY"
          + " InvoiceNo ORDER BY " + LINE_NUMBER + "))");
    }
    NamedExpression out = p.projectList().head();
    if (!(out instanceof Alias a)) {
      throw problem(s, "cannot be used per row");
    }
    return a.child();
  }

  /**
   * Evaluates the expressions for one record whose export values (null for an empty field) are given in
   * {@link #inputs()} order; returns the derived texts in {@link #outputs()} order, or null when the row filter
   * drops the record. Not thread-safe: one instance per reader task (it is deserialized per task).
   */
  String[] evaluate(Object[] values) {
    if (projection == null) {
      projection = MutableProjection$.MODULE$.create(expressions, attributes);
      projection.initialize(0);
      inputValues = new Object[inputs.size()];
      input = new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(inputValues);
    }
    // One input row per task, refilled per record: the projection copies what it keeps.
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      inputValues[i] = v instanceof String text ? org.apache.spark.unsafe.types.UTF8String.fromString(text) : v;
    }
    InternalRow result = projection.apply(input);
    int first = 0;
    if (filtered) {
      if (!result.getBoolean(0)) {
        return null;
      }
      first = 1;
    }
    String[] derived = new String[outputs.size()];
    for (int i = 0; i < derived.length; i++) {
      derived[i] = result.isNullAt(first + i) ? null : result.getUTF8String(first + i).toString();
    }
    return derived;
  }

  /**
   * Whether an expression uses a window function ({@code ... OVER (...)}), e.g. a line number within an order,
   * {@code row_number() OVER (PARTITION BY InvoiceNo ORDER BY _line_number)}. Such an expression needs the other
   * rows, so ingest evaluates it over all rows of the mapping that passed the per-record checks and the row filter
   * (see {@link FrameDerives}), not per record.
   */
  static boolean isWindow(Source source) {
    return containsWindow(parse(source));
  }

  private static boolean containsWindow(Expression e) {
    if (e instanceof WindowExpression) {
      return true;
    }
    for (Expression child : JavaConverters.seqAsJavaList(e.children())) {
      if (containsWindow(child)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The window expression ready to evaluate: cast to the canonical type, and every {@code row_number()} window
   * ordered last by file and line, so rows that tie on the configured ORDER BY (or a window without one) are
   * numbered the same on every rerun however the files are split into tasks. Column names stay unresolved.
   */
  static Expression windowExpression(Source source, DataType target) {
    Expression parsed = CatalystSqlParser$.MODULE$.parseExpression(
        "CAST((" + source.sql() + ") AS " + target.sql() + ")");
    return rebuild(parsed, e -> {
      if (e instanceof WindowExpression w && w.windowFunction() instanceof UnresolvedFunction f
          && f.nameParts().last().equalsIgnoreCase("row_number")) {
        WindowSpecDefinition spec = w.windowSpec();
        List<SortOrder> order = new ArrayList<>(JavaConverters.seqAsJavaList(spec.orderSpec()));
        for (String tieBreak : List.of(SOURCE_FILE, LINE_NUMBER)) {
          order.add(new SortOrder(new UnresolvedAttribute(JavaConverters.asScalaBuffer(List.of(tieBreak)).toSeq()),
              Ascending$.MODULE$, Ascending$.MODULE$.defaultNullOrdering(),
              JavaConverters.asScalaBuffer(List.<Expression>of()).toSeq()));
        }
        return new WindowExpression(f, new WindowSpecDefinition(spec.partitionSpec(),
            JavaConverters.asScalaBuffer(order).toSeq(), spec.frameSpecification()));
      }
      return null;
    });
  }

  /** {@code e} with every node that {@code replace} maps to non-null replaced (top-down, not below a replacement). */
  static Expression rebuild(Expression e, java.util.function.Function<Expression, Expression> replace) {
    Expression replaced = replace.apply(e);
    if (replaced != null) {
      return replaced;
    }
    List<Expression> children = JavaConverters.seqAsJavaList(e.children());
    if (children.isEmpty()) {
      return e;
    }
    List<Expression> rebuilt = new ArrayList<>();
    for (Expression child : children) {
      rebuilt.add(rebuild(child, replace));
    }
    return e.withNewChildren(JavaConverters.asScalaBuffer(rebuilt).toSeq());
  }

  /**
   * Checks a window expression at config load with Spark's analyzer, over the export columns it names (text),
   * {@value #LINE_NUMBER} and {@value #SOURCE_FILE}: functions, types, a castable result, and that it computes one
   * value per row (no plain aggregate, no generator). A problem is a config error naming the key and origin.
   */
  static void checkWindow(Source source, DataType target) {
    Set<String> inputs = check(source);
    inputs.add(LINE_NUMBER);
    inputs.add(SOURCE_FILE);
    StructType schema = new StructType();
    for (String input : inputs) {
      schema = schema.add(input, input.equals(LINE_NUMBER) ? DataTypes.LongType : DataTypes.StringType, true);
    }
    LogicalPlan relation = LocalRelation$.MODULE$.apply(schema);
    LogicalPlan analyzed;
    try {
      analyzed = analyze(windowExpression(source, target), relation);
    } catch (Exception e) {
      String message = String.valueOf(e.getMessage());
      throw problem(source, message.contains("MISSING_GROUP_BY") ? ONE_VALUE_PER_ROW : firstLine(message));
    }
    if (containsNode(analyzed, Aggregate.class) || containsNode(analyzed, Generate.class)) {
      throw problem(source, ONE_VALUE_PER_ROW);
    }
  }

  private static final String ONE_VALUE_PER_ROW = "must compute one value per row: an aggregate function needs"
      + " OVER (...) here, and generator functions (explode, ...) cannot be used in a mapping";

  private static boolean containsNode(LogicalPlan plan, Class<?> type) {
    if (type.isInstance(plan)) {
      return true;
    }
    for (LogicalPlan child : JavaConverters.seqAsJavaList(plan.children())) {
      if (containsNode(child, type)) {
        return true;
      }
    }
    return false;
  }

  static CpmException problem(Source s, String what) {
    return CpmException.usage(s.key() + " = \"" + s.sql() + "\": " + what + " (" + s.where() + ")");
  }

  private static String firstLine(String message) {
    String line = message == null ? "" : message.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl);
  }

  /** Case-insensitive lookup of a name among export column names, exact match first (Spark's resolution). */
  static int indexOf(List<String> names, String name) {
    int exact = names.indexOf(name);
    if (exact >= 0) {
      return exact;
    }
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The {@code inputs} that {@code header} lacks (never the virtual {@value #LINE_NUMBER}, {@value #SOURCE_FILE}). */
  static List<String> missingFrom(java.util.Collection<String> inputs, List<String> header) {
    List<String> missing = new ArrayList<>();
    for (String input : inputs) {
      if (!input.equals(LINE_NUMBER) && !input.equals(SOURCE_FILE) && indexOf(header, input) < 0) {
        missing.add(input);
      }
    }
    return missing;
  }
}
