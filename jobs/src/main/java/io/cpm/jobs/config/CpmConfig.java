package io.cpm.jobs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.cpm.jobs.CpmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The run configuration: a HOCON file (e.g. {@code conf/local.conf}) layered over the built-in defaults in
 * {@code cpm-reference.conf}, with optional {@code key=value} overrides from the command line.
 *
 * <p>Every key in the file must exist in the defaults — a misspelt key is an error naming the key and the
 * file, not a silently ignored setting. Sub-trees whose keys are free (column renames, Spark settings,
 * KPI targets, ...) are listed in the defaults under {@code validation.open-paths}.
 * Stage settings are read from {@link #section(String)} by the stage that owns them.
 */
public final class CpmConfig {
  static final String REFERENCE = "cpm-reference.conf";

  private final Config config;
  private final String origin;

  private CpmConfig(Config config, String origin) {
    this.config = config;
    this.origin = origin;
  }

  /** Loads a config file with overrides ({@code a.b=c} HOCON assignments), validated against the defaults. */
  public static CpmConfig load(Path file, List<String> overrides) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw CpmException.usage("config file not found: " + file.toAbsolutePath()
          + " (pass --config PATH; the default is conf/local.conf, relative to the working directory)");
    }
    Config reference = reference();
    Config user;
    try {
      user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw CpmException.usage("cannot parse config " + file + ": " + e.getMessage());
    }
    Config overrideConfig = parseOverrides(overrides);
    Config resolvedReference = reference.resolve();
    List<String> openPaths = resolvedReference.getStringList("validation.open-paths");
    rejectUnknownKeys(user, resolvedReference, openPaths, file.toString());
    rejectUnknownKeys(overrideConfig, resolvedReference, openPaths, "--set");
    try {
      Config merged = overrideConfig.withFallback(user).withFallback(reference)
          .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(true));
      return new CpmConfig(merged, file.toString());
    } catch (ConfigException e) {
      throw CpmException.usage("invalid config " + file + ": " + e.getMessage());
    }
  }

  /** The built-in defaults alone (what {@code conf/local.conf} overrides). */
  public static CpmConfig defaults() {
    return new CpmConfig(reference().resolve(), REFERENCE);
  }

  static Config reference() {
    return ConfigFactory.parseResources(CpmConfig.class.getClassLoader(), REFERENCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  private static Config parseOverrides(List<String> overrides) {
    Config result = ConfigFactory.empty();
    for (String override : overrides == null ? List.<String>of() : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw CpmException.usage("invalid --set '" + override + "': expected KEY=VALUE, e.g. paths.warehouse=/tmp/w");
      }
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1).trim();
      try {
        result = ConfigFactory.parseString(key + " = " + quoteIfNeeded(value)).withFallback(result);
      } catch (ConfigException e) {
        throw CpmException.usage("invalid --set '" + override + "': " + e.getMessage());
      }
    }
    return result;
  }

  private static String quoteIfNeeded(String value) {
    if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) {
      return value;
    }
    return com.typesafe.config.ConfigUtil.quoteString(value);
  }

  private static void rejectUnknownKeys(Config user, Config reference, List<String> openPaths, String where) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
      String key = entry.getKey();
      if (isUnderOpenPath(key, openPaths)) {
        continue;
      }
      if (!reference.hasPathOrNull(key)) {
        unknown.add(key);
      } else if (reference.getValue(key).valueType() == ConfigValueType.OBJECT) {
        unknown.add(key + " (a section, not a value)");
      }
    }
    if (!unknown.isEmpty()) {
      unknown.sort(String::compareTo);
      throw CpmException.usage("unknown config key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
          + " in " + where + "; see " + REFERENCE + " (docs/configuration.md) for the keys that exist");
    }
  }

  private static boolean isUnderOpenPath(String key, List<String> openPaths) {
    for (String open : openPaths) {
      if (key.equals(open) || key.startsWith(open + ".")) {
        return true;
      }
    }
    return false;
  }

  /** The merged, resolved configuration. */
  public Config raw() {
    return config;
  }

  /** A stage's own settings, e.g. {@code section("features")}. */
  public Config section(String path) {
    if (!config.hasPath(path)) {
      throw CpmException.usage("config section '" + path + "' missing in " + origin);
    }
    return config.getConfig(path);
  }

  /** Where the settings came from (the file name), for messages. */
  public String origin() {
    return origin;
  }

  public String sparkMaster() {
    return config.getString("spark.master");
  }

  public String appName() {
    return config.getString("spark.app-name");
  }

  /** {@code in-memory} (tables re-registered from the warehouse at start) or {@code hive} (a metastore). */
  public String catalogImplementation() {
    return config.getString("spark.catalog-implementation");
  }

  public Map<String, String> sparkConf() {
    Map<String, String> result = new TreeMap<>();
    Config conf = config.getConfig("spark.conf");
    for (Map.Entry<String, ConfigValue> e : conf.entrySet()) {
      result.put(stripQuotes(e.getKey()), String.valueOf(e.getValue().unwrapped()));
    }
    return result;
  }

  private static String stripQuotes(String key) {
    return key.replace("\"", "");
  }

  public String landingRoot() {
    return config.getString("paths.landing");
  }

  public String warehouseRoot() {
    return config.getString("paths.warehouse");
  }

  public String exportsRoot() {
    return config.getString("paths.exports");
  }

  public String reportsRoot() {
    return config.getString("paths.reports");
  }

  public String database() {
    return config.getString("catalog.database");
  }

  public long seed() {
    return config.getLong("seed");
  }

  /** A flat view of the effective settings (for the run report and {@code --dry-run}). */
  public Map<String, Object> describe() {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("config", origin);
    result.put("spark.master", sparkMaster());
    result.put("paths.landing", landingRoot());
    result.put("paths.warehouse", warehouseRoot());
    result.put("paths.exports", exportsRoot());
    result.put("paths.reports", reportsRoot());
    result.put("catalog.database", database());
    return result;
  }
}
