package io.cpm.jobs.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cpm.jobs.CpmException;

/** Settings of the run report ({@code report} in {@code cpm-reference/publish.conf}). */
public record ReportSettings(int trendRunDates, int clvBins, String title, java.util.List<String> headlineKpis,
    String headlinePeriod) {
  public ReportSettings {
    headlineKpis = java.util.List.copyOf(headlineKpis);
    java.util.Objects.requireNonNull(headlinePeriod, "headlinePeriod");
    if (trendRunDates < 1) {
      throw CpmException.usage("report.trend-run-dates = " + trendRunDates + " must be at least 1");
    }
    if (clvBins < 2 || clvBins > 200) {
      throw CpmException.usage("report.clv-bins = " + clvBins + " must be within [2, 200]");
    }
    java.util.Objects.requireNonNull(title, "title");
  }

  public static ReportSettings from(Config report) {
    try {
      return new ReportSettings(report.getInt("trend-run-dates"), report.getInt("clv-bins"),
          report.getString("title"), report.getStringList("headline-kpis"), report.getString("headline-period"));
    } catch (ConfigException e) {
      throw CpmException.usage("invalid report settings: " + e.getMessage());
    }
  }
}
