package io.cpm.segmentation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A playbook rule: when every listed segment column has one of the listed values, the customer gets
 * {@code action} owned by {@code ownerRole}.
 */
public record PlaybookRule(Map<String, List<String>> when, String action, String ownerRole) {
  public PlaybookRule {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    when.forEach((key, values) -> copy.put(key, List.copyOf(values)));
    when = java.util.Collections.unmodifiableMap(copy);
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(ownerRole, "ownerRole");
    if (when.isEmpty()) {
      throw new IllegalArgumentException("Playbook rule for action " + action + " has no conditions");
    }
  }
}
