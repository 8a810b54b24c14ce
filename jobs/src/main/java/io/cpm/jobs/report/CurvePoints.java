package io.cpm.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the curve data the score stage stores as JSON in {@code model_runs} ({@code roc}, {@code calibration})
 * into x/y points. Accepted shapes: an array of objects ({@code [{"fpr":0,"tpr":0}, ...]}), an object of
 * parallel arrays ({@code {"fpr":[...],"tpr":[...]}}) or an array of pairs ({@code [[0,0], ...]}); the x and y
 * field names are the first of the given candidates that is present.
 */
final class CurvePoints {
  static final List<String> ROC_FIELDS = List.of("roc", "roc_curve", "roc_points");
  static final List<String> ROC_X = List.of("fpr", "false_positive_rate", "falsePositiveRate", "x");
  static final List<String> ROC_Y = List.of("tpr", "true_positive_rate", "truePositiveRate", "y");
  static final List<String> CALIBRATION_FIELDS = List.of("calibration", "calibration_bins", "deciles");
  static final List<String> CALIBRATION_X = List.of("predicted", "mean_predicted", "meanPredicted",
      "mean_prediction", "prob_pred", "avg_predicted", "x");
  static final List<String> CALIBRATION_Y = List.of("observed", "observed_rate", "observedRate", "fraction_positive",
      "prob_true", "actual", "mean_actual", "meanActual", "y");

  private CurvePoints() {}

  /**
   * The curve of a model_runs row: a string column named like one of {@code fields}, or such a field inside a
   * JSON object held by any string column (e.g. a {@code metrics} document). Empty if there is none.
   */
  static List<Svg.Point> find(org.apache.spark.sql.Row row, List<String> fields, List<String> xNames,
      List<String> yNames) {
    List<String> columns = java.util.Arrays.asList(row.schema().fieldNames());
    for (String field : fields) {
      if (columns.contains(field) && row.getAs(field) instanceof String json) {
        List<Svg.Point> points = parse(json, xNames, yNames);
        if (!points.isEmpty()) {
          return points;
        }
      }
    }
    ObjectMapper mapper = new ObjectMapper();
    for (int i = 0; i < row.length(); i++) {
      if (row.get(i) instanceof String text && text.startsWith("{")) {
        try {
          JsonNode node = field(mapper.readTree(text), fields);
          if (node != null) {
            List<Svg.Point> points = parse(node.toString(), xNames, yNames);
            if (!points.isEmpty()) {
              return points;
            }
          }
        } catch (IOException e) {
          // Not JSON: an ordinary text column.
        }
      }
    }
    return List.of();
  }

  /** The points, sorted by x; empty if the text is null, blank or not one of the shapes. */
  static List<Svg.Point> parse(String json, List<String> xNames, List<String> yNames) {
    List<Svg.Point> points = new ArrayList<>();
    if (json == null || json.isBlank()) {
      return points;
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      return points;
    }
    if (root.isArray()) {
      for (JsonNode item : root) {
        if (item.isArray() && item.size() >= 2) {
          points.add(new Svg.Point(item.get(0).asDouble(), item.get(1).asDouble()));
        } else if (item.isObject()) {
          JsonNode x = field(item, xNames);
          JsonNode y = field(item, yNames);
          if (x != null && y != null && x.isNumber() && y.isNumber()) {
            points.add(new Svg.Point(x.asDouble(), y.asDouble()));
          }
        }
      }
    } else if (root.isObject()) {
      JsonNode xs = field(root, xNames);
      JsonNode ys = field(root, yNames);
      if (xs != null && ys != null && xs.isArray() && ys.isArray()) {
        Iterator<JsonNode> xi = xs.elements();
        Iterator<JsonNode> yi = ys.elements();
        while (xi.hasNext() && yi.hasNext()) {
          points.add(new Svg.Point(xi.next().asDouble(), yi.next().asDouble()));
        }
      }
    }
    points.sort(java.util.Comparator.comparingDouble(Svg.Point::x).thenComparingDouble(Svg.Point::y));
    return points;
  }

  private static JsonNode field(JsonNode node, List<String> names) {
    for (String name : names) {
      if (node.has(name)) {
        return node.get(name);
      }
    }
    return null;
  }
}
