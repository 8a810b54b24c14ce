package io.cpm.segmentation.churn;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The classifiers tried for churn: logistic regression and gradient-boosted trees (MLlib). */
public enum ChurnAlgorithm {
  LOGISTIC,
  GBT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code logistic}, {@code gbt} or {@code auto} (both; the better by validation ROC-AUC wins). */
  public static Set<ChurnAlgorithm> parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "auto" -> EnumSet.allOf(ChurnAlgorithm.class);
      case "logistic" -> EnumSet.of(LOGISTIC);
      case "gbt" -> EnumSet.of(GBT);
      default -> throw new IllegalArgumentException("Invalid churn model: " + text + " (expected logistic, gbt or auto)");
    };
  }
}
