package io.portcullis.rules;

import io.portcullis.identity.WorkloadIdentity;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * Grants groups to identities whose {@link Attribute} equals a value. DN values are compared as
 * X.500 names (so spacing and attribute-type case do not matter), everything else exactly.
 *
 * @param attribute what the rule looks at
 * @param value the value to match
 * @param groups the groups granted on a match
 */
public record RoleRule(Attribute attribute, String value, List<String> groups) {

  public RoleRule {
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(value, "value");
    groups = List.copyOf(groups);
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a role rule needs a value to match");
    }
    if (attribute == Attribute.SUBJECT_DN) {
      value = canonicalDn(value);
    }
  }

  /** True when any value of this rule's attribute in {@code identity} equals the rule's value. */
  public boolean matches(WorkloadIdentity identity) {
    for (String candidate : attribute.valuesOf(identity)) {
      String comparable = attribute == Attribute.SUBJECT_DN ? canonicalDn(candidate) : candidate;
      if (value.equals(comparable)) {
        return true;
      }
    }
    return false;
  }

  private static String canonicalDn(String dn) {
    return new X500Principal(dn).getName(X500Principal.CANONICAL);
  }
}
