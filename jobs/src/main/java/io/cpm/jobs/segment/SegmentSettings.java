package io.cpm.jobs.segment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.cpm.jobs.CpmException;
import io.cpm.segmentation.ClusterFeature;
import io.cpm.segmentation.KMeansParameters;
import io.cpm.segmentation.LifecycleParameters;
import io.cpm.segmentation.Playbook;
import io.cpm.segmentation.PlaybookRule;
import io.cpm.segmentation.RfmParameters;
import io.cpm.segmentation.RfmSegmentRule;
import io.cpm.segmentation.TaskRule;
import io.cpm.segmentation.TierParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Typed view of the {@code segments} config section (defaults in cpm-reference/segments.conf). */
public record SegmentSettings(RfmParameters rfm, TierParameters tiers, LifecycleParameters lifecycle,
    KMeansParameters kmeans, List<PlaybookRule> playbook, String defaultAction, String defaultOwnerRole,
    List<TaskRule> taskRules) {
  public SegmentSettings {
    playbook = List.copyOf(playbook);
    taskRules = List.copyOf(taskRules);
  }

  /** Reads the section; {@code seed} is the run's seed. Bad values exit 2 naming the key. */
  public static SegmentSettings from(Config section, long seed) {
    return read(new Reader(section), seed);
  }

  /** The keys {@link #from} reads (for the test that every key of the defaults maps). */
  static Set<String> keysRead(Config section, long seed) {
    Reader reader = new Reader(section);
    read(reader, seed);
    return reader.used;
  }

  private static SegmentSettings read(Reader c, long seed) {
    try {
      List<RfmSegmentRule> grid = new ArrayList<>();
      for (Config rule : c.configList("rfm.segments")) {
        List<Integer> recency = rule.getIntList("recency");
        List<Integer> fm = rule.getIntList("frequency-monetary");
        if (recency.size() != 2 || fm.size() != 2) {
          throw CpmException.usage("segments.rfm.segments: rule " + rule.getString("name")
              + " needs recency = [min, max] and frequency-monetary = [min, max]");
        }
        grid.add(new RfmSegmentRule(rule.getString("name"), recency.get(0), recency.get(1), fm.get(0), fm.get(1)));
      }
      RfmParameters rfm = new RfmParameters(c.string("rfm.recency-column"), c.string("rfm.frequency-column"),
          c.string("rfm.monetary-column"), c.integer("rfm.active-window-days"), grid);
      TierParameters tiers = new TierParameters(c.string("tiers.value-column"),
          enumValue(TierParameters.ThresholdMode.class, c.string("tiers.value-threshold-mode"),
              "segments.tiers.value-threshold-mode"),
          c.number("tiers.value-high"), c.number("tiers.value-mid"), c.number("tiers.activity-decline-percent"),
          c.integer("tiers.active-recency-days"), c.integer("tiers.dormant-recency-days"));
      LifecycleParameters lifecycle = new LifecycleParameters(c.integer("lifecycle.new-days"),
          c.number("lifecycle.growing-trend"), c.number("lifecycle.at-risk-cycle-multiple"),
          c.integer("lifecycle.at-risk-min-days"), c.integer("lifecycle.at-risk-default-days"),
          c.number("lifecycle.at-risk-trend"), c.integer("lifecycle.at-risk-trend-min-orders"),
          c.number("lifecycle.at-risk-activity-trend"), c.integer("lifecycle.at-risk-activity-min-earlier"),
          c.integer("lifecycle.churned-days"), c.integer("lifecycle.reactivated-days"));
      List<ClusterFeature> features = new ArrayList<>();
      for (Config feature : c.configList("kmeans.features")) {
        features.add(new ClusterFeature(feature.getString("column"), feature.getBoolean("log"),
            feature.getString("low"), feature.getString("high")));
      }
      KMeansParameters kmeans = new KMeansParameters(features, c.integer("kmeans.k-min"), c.integer("kmeans.k-max"),
          c.integer("kmeans.max-iterations"), seed, c.number("kmeans.label-threshold"),
          c.number("kmeans.max-match-distance"));
      List<PlaybookRule> playbook = new ArrayList<>();
      for (Config rule : c.configList("playbook.rules")) {
        Map<String, List<String>> when = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> condition : rule.getConfig("when").root().entrySet()) {
          when.put(condition.getKey(), rule.getConfig("when").getStringList(condition.getKey()));
        }
        playbook.add(new PlaybookRule(when, rule.getString("action"), rule.getString("owner-role")));
      }
      Playbook.validate(playbook);
      List<TaskRule> tasks = new ArrayList<>();
      addTask(c, tasks, "churn-risk", TaskRule.Kind.CHURN_RISK, "activity-drop-percent", false);
      addTask(c, tasks, "welcome", TaskRule.Kind.WELCOME, "window-days", true);
      addTask(c, tasks, "service", TaskRule.Kind.SERVICE, "nps-at-most", false);
      addTask(c, tasks, "finance", TaskRule.Kind.FINANCE, "overdue-at-least", false);
      return new SegmentSettings(rfm, tiers, lifecycle, kmeans, playbook, c.string("playbook.default-action"),
          c.string("playbook.default-owner-role"), tasks);
    } catch (ConfigException e) {
      throw CpmException.usage("invalid segments config: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw CpmException.usage("invalid segments config: " + e.getMessage());
    }
  }

  private static void addTask(Reader c, List<TaskRule> tasks, String name, TaskRule.Kind kind, String thresholdKey,
      boolean hasGroup) {
    String prefix = "tasks." + name + ".";
    boolean enabled = c.bool(prefix + "enabled");
    TaskRule rule = new TaskRule(name.replace('-', '_'), kind, c.number(prefix + thresholdKey),
        c.integer(prefix + "due-in-days"), c.string(prefix + "owner-role"), hasGroup ? c.string(prefix + "group") : null);
    if (enabled) {
      tasks.add(rule);
    }
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String key) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw CpmException.usage(key + " = " + value + " is not one of "
          + java.util.Arrays.stream(type.getEnumConstants()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

  /** Reads keys of the section and remembers which ones it read. */
  private static final class Reader {
    private final Config config;
    private final Set<String> used = new TreeSet<>();

    Reader(Config config) {
      this.config = config;
    }

    String string(String key) {
      used.add(key);
      return config.getString(key);
    }

    int integer(String key) {
      used.add(key);
      return config.getInt(key);
    }

    double number(String key) {
      used.add(key);
      return config.getDouble(key);
    }

    boolean bool(String key) {
      used.add(key);
      return config.getBoolean(key);
    }

    List<? extends Config> configList(String key) {
      used.add(key);
      return config.getConfigList(key);
    }
  }
}
