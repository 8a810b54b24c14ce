package io.cpm.metrics.kpi;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A declared KPI: {@code value = scale * numerator / denominator} per scope and period, with its formula in
 * words, unit, lifecycle stage, management layer, importance, the direction that counts as better (for
 * alerts) and the scope types it is reported for. Null when the denominator is zero or an operand is null.
 */
public record KpiDefinition(
    String name,
    String formula,
    String unit,
    Stage stage,
    Layer layer,
    Importance importance,
    Direction direction,
    Operand numerator,
    Operand denominator,
    double scale,
    Set<String> scopes) {

  /** Customer lifecycle stage the KPI steers. */
  public enum Stage { ACQUISITION, CONVERSION, SERVICE, DEEPENING, RETENTION }

  /** Management layer that owns the KPI. */
  public enum Layer { STRATEGIC, OPERATIONAL, EXECUTION }

  public enum Importance { MAIN, AUXILIARY }

  /** Which way is good: alerts fire when a KPI moves the other way by more than its threshold. */
  public enum Direction { HIGHER_IS_BETTER, LOWER_IS_BETTER }

  /** Where an operand's number comes from. */
  public record Operand(Kind kind, String name) {
    public enum Kind {
      /** A measure at the same scope and period. */
      MEASURE,
      /** A measure at company scope of the same period (shares of the whole, e.g. penetration). */
      COMPANY_MEASURE,
      /** Another KPI's value at the same scope and period (declared earlier). */
      KPI,
      /** The number 1: the denominator of a KPI that is a plain count or sum (bookings, won deals). */
      ONE
    }

    public Operand {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
    }

    public static Operand measure(String name) {
      return new Operand(Kind.MEASURE, name);
    }

    public static Operand companyMeasure(String name) {
      return new Operand(Kind.COMPANY_MEASURE, name);
    }

    public static Operand kpi(String name) {
      return new Operand(Kind.KPI, name);
    }

    public static Operand one() {
      return new Operand(Kind.ONE, "1");
    }
  }

  public KpiDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(formula, "formula");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(importance, "importance");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(numerator, "numerator");
    Objects.requireNonNull(denominator, "denominator");
    scopes = Set.copyOf(scopes);
  }

  static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
