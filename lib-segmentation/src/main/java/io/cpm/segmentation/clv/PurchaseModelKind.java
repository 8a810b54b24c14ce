package io.cpm.segmentation.clv;

import java.util.Locale;

/** The purchase-count models that can be fitted, with their conventional parameter names. */
public enum PurchaseModelKind {
  BGNBD("BG/NBD", "r", "alpha", "a", "b"),
  PARETONBD("Pareto/NBD", "r", "alpha", "s", "beta");

  private final String label;
  private final String[] parameterNames;

  PurchaseModelKind(String label, String... parameterNames) {
    this.label = label;
    this.parameterNames = parameterNames;
  }

  public String label() {
    return label;
  }

  public String[] parameterNames() {
    return parameterNames.clone();
  }

  /** A model of this kind from its parameters in {@link #parameterNames()} order. */
  public PurchaseModel create(double[] parameters) {
    return switch (this) {
      case BGNBD -> new BgNbdModel(parameters[0], parameters[1], parameters[2], parameters[3]);
      case PARETONBD -> new ParetoNbdModel(parameters[0], parameters[1], parameters[2], parameters[3]);
    };
  }

  /** Parses {@code bgnbd|paretonbd} (case-insensitive). */
  public static PurchaseModelKind parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace("/", "").replace("-", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid CLV model: " + text + " (expected bgnbd or paretonbd)");
    }
  }
}
