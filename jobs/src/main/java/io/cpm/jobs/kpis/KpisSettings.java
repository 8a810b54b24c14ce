package io.cpm.jobs.kpis;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.jobs.features.FeaturesSettings;
import io.cpm.metrics.kpi.AlertRules;
import io.cpm.metrics.kpi.KpiLibrary;
import io.cpm.metrics.kpi.KpiParameters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code kpis} config section: the library's {@link KpiParameters} (with the currency settings of the
 * {@code features} section) and the {@link AlertRules}. Target and threshold names must be KPI names or
 * families, so a misspelt one is an error rather than a silently ignored rule.
 */
public record KpisSettings(KpiParameters parameters, AlertRules alertRules) {
  public static final String SECTION = "kpis";
  static final String DEFAULT_THRESHOLD = "default";

  public static KpisSettings from(CpmConfig config) {
    FeaturesSettings features = FeaturesSettings.from(config);
    Config section = config.section(SECTION);
    KpiParameters parameters;
    try {
      parameters = new KpiParameters(features.parameters(),
          section.getInt("inactive-days"),
          section.getDouble("lifetime-years"),
          section.getStringList("funnel-stages"),
          new HashSet<>(section.getStringList("sales-activity-types")),
          new HashSet<>(section.getStringList("lost-stages")));
    } catch (ConfigException | IllegalArgumentException e) {
      throw CpmException.usage("invalid " + SECTION + " settings in " + config.origin() + ": " + e.getMessage());
    }
    Set<String> known = new HashSet<>(KpiLibrary.directions(parameters).keySet());
    KpiLibrary.definitions(parameters).forEach(d -> known.add(d.name()));
    try {
      List<AlertRules.Target> targets = new ArrayList<>();
      Config targetSection = section.getConfig("targets");
      for (String kpi : targetSection.root().keySet()) {
        requireKnown(known, kpi, "kpis.targets", config);
        Config target = targetSection.getConfig("\"" + kpi + "\"");
        for (String key : target.root().keySet()) {
          if (!key.equals("min") && !key.equals("max")) {
            throw CpmException.usage("unknown key kpis.targets." + kpi + "." + key + " in " + config.origin()
                + " (a target has min and/or max)");
          }
        }
        targets.add(new AlertRules.Target(kpi, target.hasPath("min") ? target.getDouble("min") : null,
            target.hasPath("max") ? target.getDouble("max") : null));
      }
      Map<String, Double> thresholds = new LinkedHashMap<>();
      double defaultThreshold = 0.25;
      for (Map.Entry<String, ConfigValue> e : section.getConfig("change-thresholds").root().entrySet()) {
        double threshold = section.getDouble("change-thresholds.\"" + e.getKey() + "\"");
        if (e.getKey().equals(DEFAULT_THRESHOLD)) {
          defaultThreshold = threshold;
        } else {
          requireKnown(known, e.getKey(), "kpis.change-thresholds", config);
          thresholds.put(e.getKey(), threshold);
        }
      }
      return new KpisSettings(parameters, new AlertRules(targets, thresholds, defaultThreshold));
    } catch (ConfigException | IllegalArgumentException e) {
      throw CpmException.usage("invalid " + SECTION + " settings in " + config.origin() + ": " + e.getMessage());
    }
  }

  private static void requireKnown(Set<String> known, String kpi, String path, CpmConfig config) {
    if (!known.contains(kpi)) {
      throw CpmException.usage("unknown KPI '" + kpi + "' under " + path + " in " + config.origin()
          + " (known: " + new java.util.TreeSet<>(known) + ")");
    }
  }
}
