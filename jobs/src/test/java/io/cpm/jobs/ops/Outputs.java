package io.cpm.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * Compares what two nightly runs left behind, whatever stages the nightly has: every Delta table under
 * the warehouse (same names, row counts and rows modulo order) and every CSV under the exports root
 * (same relative paths, same lines modulo order). Works on any Hadoop file system (file:, s3a:).
 */
final class Outputs {
  /**
   * Columns that measure the run rather than the data (stage durations, wall-clock stamps); they are
   * left out of the row comparison. A column is only treated as such by exact name.
   */
  static final Set<String> VOLATILE_COLUMNS = Set.of("seconds", "duration_seconds", "started_at", "finished_at",
      "written_at", "generated_at");

  private Outputs() {}

  /** Names of the Delta tables directly under {@code warehouse} (directories with a _delta_log). */
  static List<String> deltaTables(SparkSession spark, String warehouse) {
    List<String> names = new ArrayList<>();
    try {
      Path root = new Path(warehouse);
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return names;
      }
      for (FileStatus status : fs.listStatus(root)) {
        if (status.isDirectory() && fs.exists(new Path(status.getPath(), "_delta_log"))) {
          names.add(status.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + warehouse, e);
    }
    names.sort(String::compareTo);
    return names;
  }

  /** Fails unless both warehouses hold the same non-empty set of tables with the same rows. */
  static void assertSameTables(SparkSession spark, String expectedWarehouse, String actualWarehouse) {
    List<String> expected = deltaTables(spark, expectedWarehouse);
    List<String> actual = deltaTables(spark, actualWarehouse);
    assertThat(expected).as("Delta tables written by the embedded nightly under " + expectedWarehouse
        + " (none means Nightly.stages lists no stages yet: nothing to compare)").isNotEmpty();
    assertThat(actual).as("Delta tables under " + actualWarehouse).isEqualTo(expected);
    for (String table : expected) {
      Dataset<Row> want = normalized(spark.read().format("delta").load(expectedWarehouse + "/" + table));
      Dataset<Row> got = normalized(spark.read().format("delta").load(actualWarehouse + "/" + table));
      assertThat(got.columns()).as(table + " columns").containsExactly(want.columns());
      assertThat(got.count()).as(table + " row count").isEqualTo(want.count());
      List<Row> missing = want.exceptAll(got).limit(5).collectAsList();
      List<Row> extra = got.exceptAll(want).limit(5).collectAsList();
      assertThat(missing).as(table + ": rows of the embedded run missing here (extra here: " + extra + ")")
          .isEmpty();
      assertThat(extra).as(table + ": rows not in the embedded run").isEmpty();
    }
  }

  /**
   * Doubles to 9 significant digits and decimals inside text to 6 places (sums may be merged in another
   * order on another master).
   */
  private static Dataset<Row> normalized(Dataset<Row> rows) {
    List<Column> columns = new ArrayList<>();
    for (StructField field : rows.schema().fields()) {
      if (VOLATILE_COLUMNS.contains(field.name())) {
        continue;
      }
      Column column = functions.col("`" + field.name() + "`");
      if (field.dataType() instanceof DoubleType || field.dataType() instanceof FloatType) {
        column = functions.format_string("%.9g", column);
      } else if (field.dataType() instanceof MapType) {
        column = functions.to_json(column);
      } else if (field.dataType() instanceof org.apache.spark.sql.types.StringType) {
        // JSON text (model parameters, metrics) carries doubles from fits whose sums merge in another order.
        column = functions.regexp_replace(column, "(\\d+\\.\\d{6})\\d+", "$1");
      }
      columns.add(column.as(field.name()));
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  /**
   * Relative path (UUIDs masked) -> sorted lines of every .csv file under {@code root}; other files are
   * compared by path only (manifests may carry a write time).
   */
  static TreeMap<String, List<String>> exportFiles(SparkSession spark, String root) {
    TreeMap<String, List<String>> files = new TreeMap<>();
    try {
      Path base = new Path(root);
      FileSystem fs = base.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(base)) {
        return files;
      }
      String prefix = fs.getFileStatus(base).getPath().toString() + "/";
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(base, true);
      while (it.hasNext()) {
        Path file = it.next().getPath();
        // Spark names part files with a random UUID per write; the same output has another name each run.
        String relative = file.toString().substring(prefix.length()).replaceAll(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>");
        if (file.getName().endsWith(".crc")) {
          continue;
        }
        List<String> lines = List.of();
        if (file.getName().endsWith(".csv")) {
          try (InputStream in = fs.open(file)) {
            lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            lines.sort(String::compareTo);
          }
        }
        files.merge(relative, lines, (a, b) -> {
          List<String> all = new ArrayList<>(a);
          all.addAll(b);
          all.sort(String::compareTo);
          return all;
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    return files;
  }

  static void assertSameExports(SparkSession spark, String expectedRoot, String actualRoot) {
    TreeMap<String, List<String>> expected = exportFiles(spark, expectedRoot);
    TreeMap<String, List<String>> actual = exportFiles(spark, actualRoot);
    assertThat(new TreeSet<>(actual.keySet())).as("export files under " + actualRoot).isEqualTo(expected.keySet());
    for (String file : expected.keySet()) {
      assertThat(actual.get(file)).as("lines of export " + file).isEqualTo(expected.get(file));
    }
  }
}
