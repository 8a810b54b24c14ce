package io.cpm.jobs.report;

import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts for the run report, drawn in Java so the HTML needs no script and no network:
 * sparklines, horizontal bars, histograms, a centred funnel and an x/y plot on the unit square (ROC,
 * calibration). Labels go through {@link Html#escape}.
 */
final class Svg {
  static final String ACCENT = "#2563eb";
  private static final String GRID = "#d1d5db";
  private static final String TEXT = "#374151";

  private Svg() {}

  /** A labelled value for bar charts. */
  record Bar(String label, double value) {}

  /** A point of an x/y series. */
  record Point(double x, double y) {}

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String open(int width, int height, String title) {
    return "<svg width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height
        + "\" role=\"img\" aria-label=\"" + Html.escape(title) + "\"><title>" + Html.escape(title) + "</title>";
  }

  /** A trend line over the values in order; the last point is marked. Empty for fewer than two values. */
  static String sparkline(List<Double> values, String title) {
    int width = 140;
    int height = 32;
    List<Double> finite = values.stream().filter(v -> v != null && Double.isFinite(v)).toList();
    if (finite.size() < 2) {
      return "<span class=\"muted\">no trend yet</span>";
    }
    double min = finite.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = finite.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    double span = max - min == 0 ? 1 : max - min;
    StringBuilder points = new StringBuilder();
    double x = 0;
    double y = 0;
    for (int i = 0; i < finite.size(); i++) {
      x = 3 + i * (width - 6.0) / (finite.size() - 1);
      y = height - 4 - (finite.get(i) - min) / span * (height - 8);
      points.append(i == 0 ? "" : " ").append(f(x)).append(',').append(f(y));
    }
    return open(width, height, title) + "<polyline fill=\"none\" stroke=\"" + ACCENT
        + "\" stroke-width=\"1.5\" points=\"" + points + "\"/><circle cx=\"" + f(x) + "\" cy=\"" + f(y)
        + "\" r=\"2.5\" fill=\"" + ACCENT + "\"/></svg>";
  }

  /** Horizontal bars with the label left and the value right of each bar. */
  static String bars(List<Bar> bars, String title, int decimals) {
    // Wide enough for the longest label (cluster labels such as "high value, infrequent, lapsed, quiet").
    int longest = bars.stream().mapToInt(b -> b.label().length()).max().orElse(0);
    int labelWidth = Math.max(120, Math.min(330, 7 * longest + 12));
    int barArea = 300;
    int rowHeight = 22;
    int width = labelWidth + barArea + 90;
    int height = Math.max(rowHeight, bars.size() * rowHeight) + 4;
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
    StringBuilder sb = new StringBuilder(open(width, height, title));
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      double y = 2 + i * rowHeight;
      double length = max <= 0 ? 0 : Math.max(0, bar.value()) / max * barArea;
      sb.append("<text x=\"").append(labelWidth - 6).append("\" y=\"").append(f(y + 15))
          .append("\" text-anchor=\"end\" font-size=\"12\" fill=\"").append(TEXT).append("\">")
          .append(Html.escape(bar.label())).append("</text>")
          .append("<rect x=\"").append(labelWidth).append("\" y=\"").append(f(y + 3)).append("\" width=\"")
          .append(f(length)).append("\" height=\"").append(rowHeight - 6).append("\" fill=\"").append(ACCENT)
          .append("\" rx=\"2\"/>")
          .append("<text x=\"").append(f(labelWidth + length + 5)).append("\" y=\"").append(f(y + 15))
          .append("\" font-size=\"12\" fill=\"").append(TEXT).append("\">")
          .append(Html.escape(Html.number(decimals == 0 ? (Object) Math.round(bar.value()) : bar.value(), decimals)))
          .append("</text>");
    }
    return sb.append("</svg>").toString();
  }

  /** Histogram of counts over equal-width bins starting at {@code min}. */
  static String histogram(long[] counts, double min, double binWidth, String title, String xLabel) {
    int width = 560;
    int height = 220;
    int left = 50;
    int bottom = 40;
    int plotWidth = width - left - 10;
    int plotHeight = height - bottom - 10;
    long max = 1;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    StringBuilder sb = new StringBuilder(open(width, height, title));
    sb.append(axes(left, 10, plotWidth, plotHeight));
    double barWidth = (double) plotWidth / counts.length;
    for (int i = 0; i < counts.length; i++) {
      double h = (double) counts[i] / max * plotHeight;
      sb.append("<rect x=\"").append(f(left + i * barWidth + 1)).append("\" y=\"").append(f(10 + plotHeight - h))
          .append("\" width=\"").append(f(Math.max(1, barWidth - 2))).append("\" height=\"").append(f(h))
          .append("\" fill=\"").append(ACCENT).append("\"><title>")
          .append(Html.escape(Html.number(min + i * binWidth, 0) + " – " + Html.number(min + (i + 1) * binWidth, 0)
              + ": " + counts[i])).append("</title></rect>");
    }
    sb.append(text(left, height - 22, "start", Html.number(min, 0)))
        .append(text(left + plotWidth, height - 22, "end", Html.number(min + counts.length * binWidth, 0)))
        .append(text(left + plotWidth / 2.0, height - 6, "middle", xLabel))
        .append(text(left - 6, 20, "end", Long.toString(max)))
        .append(text(left - 6, 10 + plotHeight, "end", "0"));
    return sb.append("</svg>").toString();
  }

  /** Bars centred on one axis, widest first: the lifecycle funnel. */
  static String funnel(List<Bar> stages, String title) {
    int width = 560;
    int rowHeight = 28;
    int height = Math.max(rowHeight, stages.size() * rowHeight) + 4;
    double max = stages.stream().mapToDouble(Bar::value).max().orElse(1);
    StringBuilder sb = new StringBuilder(open(width, height, title));
    int center = 330;
    for (int i = 0; i < stages.size(); i++) {
      Bar stage = stages.get(i);
      double w = max <= 0 ? 0 : stage.value() / max * 400;
      double y = 2 + i * rowHeight;
      sb.append(text(118, y + 18, "end", stage.label()))
          .append("<rect x=\"").append(f(center - w / 2)).append("\" y=\"").append(f(y + 2)).append("\" width=\"")
          .append(f(Math.max(w, 1))).append("\" height=\"").append(rowHeight - 4).append("\" fill=\"")
          .append(ACCENT).append("\" fill-opacity=\"").append(f(0.35 + 0.65 * (1 - (double) i / Math.max(1, stages.size()))))
          .append("\" rx=\"3\"/>")
          .append(text(center + Math.max(w, 1) / 2 + 6, y + 18, "start", Html.number(Math.round(stage.value()), 0)));
    }
    return sb.append("</svg>").toString();
  }

  /** Series on [0,1]×[0,1] with a dashed diagonal (chance line for ROC, perfect calibration). */
  static String unitPlot(List<Point> points, String title, String xLabel, String yLabel) {
    int size = 300;
    int left = 44;
    int top = 10;
    int plot = size - left - 10;
    StringBuilder sb = new StringBuilder(open(size, size + 10, title));
    sb.append(axes(left, top, plot, plot));
    for (int i = 1; i < 4; i++) {
      double g = i / 4.0 * plot;
      sb.append("<line x1=\"").append(f(left + g)).append("\" y1=\"").append(top).append("\" x2=\"")
          .append(f(left + g)).append("\" y2=\"").append(top + plot).append("\" stroke=\"").append(GRID)
          .append("\" stroke-width=\"0.5\"/>")
          .append("<line x1=\"").append(left).append("\" y1=\"").append(f(top + g)).append("\" x2=\"")
          .append(left + plot).append("\" y2=\"").append(f(top + g)).append("\" stroke=\"").append(GRID)
          .append("\" stroke-width=\"0.5\"/>");
    }
    sb.append("<line x1=\"").append(left).append("\" y1=\"").append(top + plot).append("\" x2=\"")
        .append(left + plot).append("\" y2=\"").append(top).append("\" stroke=\"#9ca3af\" stroke-dasharray=\"4 3\"/>");
    StringBuilder line = new StringBuilder();
    for (Point p : points) {
      double x = left + clamp(p.x()) * plot;
      double y = top + plot - clamp(p.y()) * plot;
      line.append(line.length() == 0 ? "" : " ").append(f(x)).append(',').append(f(y));
      sb.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"2\" fill=\"")
          .append(ACCENT).append("\"/>");
    }
    sb.append("<polyline fill=\"none\" stroke=\"").append(ACCENT).append("\" stroke-width=\"2\" points=\"")
        .append(line).append("\"/>")
        .append(text(left, top + plot + 14, "middle", "0")).append(text(left + plot, top + plot + 14, "middle", "1"))
        .append(text(left - 5, top + 10, "end", "1"))
        .append(text(left + plot / 2.0, top + plot + 28, "middle", xLabel))
        .append("<text x=\"12\" y=\"").append(f(top + plot / 2.0)).append("\" font-size=\"12\" fill=\"").append(TEXT)
        .append("\" text-anchor=\"middle\" transform=\"rotate(-90 12 ").append(f(top + plot / 2.0)).append(")\">")
        .append(Html.escape(yLabel)).append("</text>");
    return sb.append("</svg>").toString();
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  private static String axes(int left, int top, int width, int height) {
    return "<line x1=\"" + left + "\" y1=\"" + (top + height) + "\" x2=\"" + (left + width) + "\" y2=\""
        + (top + height) + "\" stroke=\"" + TEXT + "\"/><line x1=\"" + left + "\" y1=\"" + top + "\" x2=\""
        + left + "\" y2=\"" + (top + height) + "\" stroke=\"" + TEXT + "\"/>";
  }

  private static String text(double x, double y, String anchor, String content) {
    return "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"12\" fill=\""
        + TEXT + "\">" + Html.escape(content) + "</text>";
  }
}
