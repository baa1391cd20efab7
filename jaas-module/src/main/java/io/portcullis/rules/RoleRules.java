package io.portcullis.rules;

import io.portcullis.identity.WorkloadIdentity;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An ordered list of {@link RoleRule}s. Every matching rule contributes its groups; the result is
 * their union, sorted, so evaluation is deterministic whatever the configuration order.
 */
public final class RoleRules {
  private final List<RoleRule> rules;

  public RoleRules(List<RoleRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The groups {@code identity} is granted; empty when no rule matches. */
  public Set<String> groupsFor(WorkloadIdentity identity) {
    Set<String> groups = new TreeSet<>();
    for (RoleRule rule : rules) {
      if (rule.matches(identity)) {
        groups.addAll(rule.groups());
      }
    }
    return groups;
  }

  public List<RoleRule> rules() {
    return rules;
  }
}
