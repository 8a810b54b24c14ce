package io.cpm.segmentation;

import java.util.Objects;

/**
 * An automation rule that raises a customer task. {@code threshold} means, per kind: CHURN_RISK — least drop in
 * % from activities_prev_30d to activities_30d; WELCOME — days back from the run date in which the first order
 * must fall (1 = on the run date); SERVICE — highest last NPS score that counts as detractor; FINANCE — least
 * overdue amount. {@code group} is an optional customer group the task puts the customer in (e.g. "growing").
 */
public record TaskRule(String name, Kind kind, double threshold, int dueInDays, String ownerRole, String group) {
  /** The condition a rule tests, and how its open task closes. */
  public enum Kind {
    CHURN_RISK(Closing.CONDITION_CLEARS),
    WELCOME(Closing.AFTER_DUE_DATE),
    SERVICE(Closing.CONDITION_CLEARS),
    FINANCE(Closing.CONDITION_CLEARS);

    private final Closing closing;

    Kind(Closing closing) {
      this.closing = closing;
    }

    public Closing closing() {
      return closing;
    }
  }

  /**
   * When an open task closes: as soon as its condition no longer holds (state rules), or once the run date is
   * past its due date (event rules such as the welcome call, whose condition holds on one day only).
   */
  public enum Closing { CONDITION_CLEARS, AFTER_DUE_DATE }

  public TaskRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ownerRole, "ownerRole");
    if (dueInDays < 0) {
      throw new IllegalArgumentException("Invalid due-in-days for task rule " + name + ": " + dueInDays);
    }
    if (kind == Kind.WELCOME && threshold < 1) {
      throw new IllegalArgumentException("Invalid welcome window for task rule " + name + ": " + threshold
          + " days (must be >= 1)");
    }
  }
}
