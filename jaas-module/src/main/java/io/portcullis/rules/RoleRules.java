package io.portcullis.rules;

import io.portcullis.identity.WorkloadIdentity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An ordered list of {@link RoleRule}s, evaluated deterministically: every rule is tested; any
 * matching deny rule refuses the caller (deny overrides grant); otherwise the caller gets the union
 * of the groups of every matching grant rule, sorted. The outcome does not depend on rule order;
 * the order only decides which deny rule is reported (the first).
 *
 * <p>Rules fail closed: a deny rule that cannot decide (a value too long, a regular expression past
 * its budget) counts as matching, and a grant rule that cannot decide grants nothing.
 */
public final class RoleRules {
  private final List<RoleRule> rules;

  public RoleRules(List<RoleRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * The outcome of evaluating the rules for one identity.
   *
   * @param matched every matching rule, in rule order
   * @param deniedBy the first matching deny rule, if any
   * @param groups the granted groups, sorted; empty when denied
   * @param undecided why the first deny rule that could not decide could not, when it is {@code
   *     deniedBy}; empty otherwise
   */
  public record Evaluation(
      List<RoleRule> matched, Optional<RoleRule> deniedBy, Set<String> groups, String undecided) {
    public Evaluation {
      matched = List.copyOf(matched);
      groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups));
    }

    /** Whether at least one grant rule matched (and none denied). */
    public boolean granted() {
      return deniedBy.isEmpty()
          && matched.stream().anyMatch(r -> r.effect() == RoleRule.Effect.GRANT);
    }
  }

  /** Evaluates every rule against {@code identity}. */
  public Evaluation evaluate(WorkloadIdentity identity) {
    List<RoleRule> matched = new ArrayList<>();
    RoleRule denied = null;
    String undecided = "";
    Set<String> groups = new TreeSet<>();
    for (RoleRule rule : rules) {
      RoleRule.Outcome outcome = rule.evaluate(identity);
      boolean deny = rule.effect() == RoleRule.Effect.DENY;
      if (outcome.verdict() == RoleRule.Verdict.MATCH
          || (deny && outcome.verdict() == RoleRule.Verdict.UNDECIDABLE)) {
        matched.add(rule);
        if (deny) {
          if (denied == null) {
            denied = rule;
            undecided = outcome.why();
          }
        } else {
          groups.addAll(rule.groups());
        }
      }
    }
    if (denied != null) {
      groups.clear();
    }
    return new Evaluation(matched, Optional.ofNullable(denied), groups, undecided);
  }

  /** The groups {@code identity} is granted; empty when no grant rule matches or a rule denies. */
  public Set<String> groupsFor(WorkloadIdentity identity) {
    return new TreeSet<>(evaluate(identity).groups());
  }

  public List<RoleRule> rules() {
    return rules;
  }
}
