package io.cpm.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.cpm.jobs.CpmException;
import io.cpm.jobs.config.CpmConfig;
import io.cpm.segmentation.churn.ChurnAlgorithm;
import io.cpm.segmentation.clv.ClvTimeUnit;
import io.cpm.segmentation.clv.PurchaseModelKind;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every key of cpm-reference/scoring.conf maps into the typed settings (no Spark). */
class ScoringSettingsTest {
  @Test
  void defaultsMap() {
    ScoringSettings settings = ScoringSettings.from(CpmConfig.defaults().section("scoring"));
    assertThat(settings.clv().model()).isEqualTo(PurchaseModelKind.BGNBD);
    assertThat(settings.clv().timeUnit()).isEqualTo(ClvTimeUnit.WEEK);
    assertThat(settings.clv().horizonMonths()).isEqualTo(12);
    assertThat(settings.churn().label().horizonDays()).isEqualTo(90);
    assertThat(settings.churn().algorithms()).isEqualTo(EnumSet.allOf(ChurnAlgorithm.class));
    assertThat(settings.churn().numericFeatures()).contains("recency_days", "nps_avg");
    assertThat(settings.health().usageWeight()).isEqualTo(0.25);
  }

  /** Changing any single leaf key changes the typed settings: no key is silently ignored. */
  @Test
  void everyKeyMaps() {
    Config scoring = CpmConfig.defaults().section("scoring");
    ScoringSettings defaults = ScoringSettings.from(scoring);
    for (Map.Entry<String, ConfigValue> entry : scoring.entrySet()) {
      String key = entry.getKey();
      Object changed = switch (entry.getValue().valueType()) {
        case NUMBER -> ((Number) entry.getValue().unwrapped()).doubleValue() * 0.5 + 0.01;
        case BOOLEAN -> !(Boolean) entry.getValue().unwrapped();
        case LIST -> java.util.List.of("x_feature");
        case STRING -> switch (key) {
          case "clv.model" -> "paretonbd";
          case "clv.time-unit" -> "day";
          case "churn.model" -> "gbt";
          default -> throw new AssertionError("unexpected string key " + key);
        };
        default -> throw new AssertionError("unexpected key type " + key);
      };
      if (key.equals("clv.max-evaluations") || key.endsWith("-days") || key.endsWith("-count")
          || key.equals("clv.horizon-months")) {
        changed = ((Number) entry.getValue().unwrapped()).intValue() + 1;
      }
      Config modified = ConfigFactory.parseMap(Map.of(key, changed)).withFallback(scoring);
      assertThat(ScoringSettings.from(modified)).as(key).isNotEqualTo(defaults);
    }
  }

  @Test
  void invalidValuesNameTheKey() {
    Config scoring = CpmConfig.defaults().section("scoring");
    assertThatThrownBy(() -> ScoringSettings.from(ConfigFactory.parseMap(Map.of("clv.model", "xyz"))
        .withFallback(scoring))).isInstanceOf(CpmException.class).hasMessageContaining("scoring.clv.model");
  }
}
