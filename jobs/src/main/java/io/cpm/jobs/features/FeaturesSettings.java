package io.cpm.jobs.features;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.metrics.features.FeatureParameters;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code features} config section as the library's {@link FeatureParameters}. */
public record FeaturesSettings(FeatureParameters parameters) {
  public static final String SECTION = "features";

  public static FeaturesSettings from(CpmConfig config) {
    Config section = config.section(SECTION);
    try {
      Map<String, Double> rates = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : section.getConfig("currency.rates").root().entrySet()) {
        rates.put(e.getKey(), section.getDouble("currency.rates.\"" + e.getKey() + "\""));
      }
      return new FeaturesSettings(new FeatureParameters(
          section.getString("currency.base"),
          rates,
          section.getInt("windows.year-days"),
          section.getInt("windows.trend-days"),
          section.getInt("windows.recent-days"),
          new HashSet<>(section.getStringList("excluded-order-statuses")),
          new HashSet<>(section.getStringList("return-order-statuses")),
          section.getString("complaint-ticket-type")));
    } catch (ConfigException | IllegalArgumentException e) {
      throw CpmException.usage("invalid " + SECTION + " settings in " + config.origin() + ": " + e.getMessage());
    }
  }
}
