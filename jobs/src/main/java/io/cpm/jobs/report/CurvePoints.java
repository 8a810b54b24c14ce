package io.cpm.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the curve data the score stage stores as JSON in {@code model_runs} ({@code roc}, {@code calibration},
 * {@code lift}) into x/y points. Accepted shapes: an array of objects ({@code [{"fpr":0,"tpr":0}, ...]}), an object of
 * parallel arrays ({@code {"fpr":[...],"tpr":[...]}}) or an array of pairs ({@code [[0,0], ...]}); the x and y
 * field names are the first of the given candidates that is present.
 */
final class CurvePoints {
  private CurvePoints() {}

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
