package io.portcullis.rules;

import io.portcullis.identity.WorkloadIdentity;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.security.auth.x500.X500Principal;

/**
 * One role rule: when an identity's {@link Attribute} matches {@link #value()} (exactly, as a glob
 * or as a regular expression), the rule grants its groups or denies the caller. Immutable; the
 * pattern is compiled once at construction.
 *
 * <p>Glob syntax: {@code *} matches one or more characters other than the attribute's separator
 * ({@code /} for URIs, {@code .} for DNS names, none otherwise), {@code **} matches one or more of
 * any character, {@code ?} matches one non-separator character; everything else is literal. Regular
 * expressions must match the whole value; in both, every wildcard and {@code .} matches any
 * character, line terminators included. DNS names, subject DNs and their attributes, fingerprints
 * and serials compare case-insensitively; exact subject DN rules compare as X.500 names.
 */
public final class RoleRule {
  /**
   * Longest attribute value a rule evaluates; a longer value cannot be decided ({@link
   * Verdict#UNDECIDABLE}), which refuses the caller where a deny rule looks at it.
   */
  static final int MAX_VALUE_LENGTH = 4096;

  /** What a rule says of one identity. */
  public enum Verdict {
    MATCH,
    NO_MATCH,
    /**
     * The rule could not evaluate a value (too long, a regular expression past its step budget or
     * failing): a deny rule then counts as matching, a grant rule as not.
     */
    UNDECIDABLE
  }

  /** A verdict with, when undecidable, why. */
  public record Outcome(Verdict verdict, String why) {
    static final Outcome MATCHED = new Outcome(Verdict.MATCH, "");
    static final Outcome UNMATCHED = new Outcome(Verdict.NO_MATCH, "");
  }

  /** How a rule's value is compared. */
  public enum Match {
    EXACT,
    GLOB,
    REGEX;

    /** Parses {@code exact}, {@code glob} or {@code regex} (case-insensitive). */
    public static Match parse(String text) {
      return valueOf(String.valueOf(text).trim().toUpperCase(Locale.ROOT));
    }
  }

  /** What a matching rule does. */
  public enum Effect {
    GRANT,
    DENY;

    /** Parses {@code grant} or {@code deny} (case-insensitive). */
    public static Effect parse(String text) {
      return valueOf(String.valueOf(text).trim().toUpperCase(Locale.ROOT));
    }
  }

  private final String name;
  private final Attribute attribute;
  private final Match match;
  private final String value;
  private final Effect effect;
  private final List<String> groups;
  private final Predicate<String> matcher;
  private final String area;

  /** An exact-match rule granting {@code groups}, named after its attribute and value. */
  public RoleRule(Attribute attribute, String value, List<String> groups) {
    this(
        String.valueOf(attribute) + "=" + value,
        attribute,
        Match.EXACT,
        value,
        Effect.GRANT,
        groups);
  }

  /**
   * @param name the rule's name, reported when it matches
   * @param attribute what the rule looks at
   * @param match exact, glob or regex
   * @param value the value or pattern
   * @param effect grant the groups, or deny the caller
   * @param groups the groups granted on a match (ignored for deny rules)
   * @throws IllegalArgumentException for an empty value or an invalid regular expression
   */
  public RoleRule(
      String name,
      Attribute attribute,
      Match match,
      String value,
      Effect effect,
      List<String> groups) {
    this.name = Objects.requireNonNull(name, "name");
    this.attribute = Objects.requireNonNull(attribute, "attribute");
    this.match = Objects.requireNonNull(match, "match");
    this.effect = Objects.requireNonNull(effect, "effect");
    this.groups = List.copyOf(groups);
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a role rule needs a value to match");
    }
    this.value =
        attribute == Attribute.SUBJECT_DN && match == Match.EXACT ? canonicalDn(value) : value;
    this.matcher = compile(attribute, match, this.value);
    this.area = null;
  }

  private RoleRule(RoleRule rule, String area) {
    this.name = rule.name;
    this.attribute = rule.attribute;
    this.match = rule.match;
    this.effect = rule.effect;
    this.groups = rule.groups;
    this.value = rule.value;
    this.matcher = rule.matcher;
    this.area = area;
  }

  /**
   * This rule with a second condition: the caller's trust area is {@code area} (exactly). A rule
   * with an area neither grants nor denies callers of other areas, so "this SPIFFE ID, and only
   * from this area" is one rule.
   *
   * @throws IllegalArgumentException for a blank area
   */
  public RoleRule inArea(String area) {
    if (area == null || area.isBlank()) {
      throw new IllegalArgumentException("a rule's area must be an area's name");
    }
    return new RoleRule(this, area.strip());
  }

  /** The area a caller must be in for this rule to apply, or empty for every area. */
  public Optional<String> area() {
    return Optional.ofNullable(area);
  }

  /** A rule granting {@code groups}. */
  public static RoleRule grant(
      String name, Attribute attribute, Match match, String value, List<String> groups) {
    return new RoleRule(name, attribute, match, value, Effect.GRANT, groups);
  }

  /** A rule denying the caller. */
  public static RoleRule deny(String name, Attribute attribute, Match match, String value) {
    return new RoleRule(name, attribute, match, value, Effect.DENY, List.of());
  }

  private static Predicate<String> compile(Attribute attribute, Match match, String value) {
    boolean fold = attribute.caseInsensitive();
    String normal = normalise(attribute, value);
    switch (match) {
      case EXACT:
        if (attribute == Attribute.SUBJECT_DN) {
          return candidate -> normal.equals(canonicalDn(candidate));
        }
        return candidate -> normal.equals(normalise(attribute, candidate));
      case GLOB:
        Pattern glob = globToPattern(normal, attribute.globSeparator(), fold);
        return candidate -> glob.matcher(normalise(attribute, candidate)).matches();
      case REGEX:
        try {
          Pattern regex = Pattern.compile(value, flags(fold));
          return candidate -> regex.matcher(new BoundedText(candidate)).matches();
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("invalid regular expression: " + e.getMessage(), e);
        }
      default:
        throw new IllegalArgumentException("unknown match " + match);
    }
  }

  private static String normalise(Attribute attribute, String text) {
    String lower = attribute.caseInsensitive() ? text.toLowerCase(Locale.ROOT) : text;
    return attribute == Attribute.FINGERPRINT ? lower.replace(":", "") : lower;
  }

  static Pattern globToPattern(String glob, char separator, boolean fold) {
    String one = separator == 0 ? "." : "[^" + Pattern.quote(String.valueOf(separator)) + "]";
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        if (c == '?') {
          regex.append(one);
        } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          regex.append(".+");
          i++;
        } else {
          regex.append(one).append('+');
        }
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), flags(fold));
  }

  /**
   * Patterns match across every character: {@code .} takes line terminators too (a value with a
   * line break must not slip past a deny rule), and folding covers all of Unicode.
   */
  private static int flags(boolean fold) {
    return Pattern.DOTALL | (fold ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
  }

  /** True when any value of this rule's attribute in {@code identity} surely matches. */
  public boolean matches(WorkloadIdentity identity) {
    return evaluate(identity).verdict() == Verdict.MATCH;
  }

  /**
   * Whether a value of this rule's attribute in {@code identity} matches, none does, or one cannot
   * be decided: longer than {@value #MAX_VALUE_LENGTH} characters, or the matcher failed (a regular
   * expression past its step budget, a stack overflow, any error but running out of memory). A
   * match wins over an undecidable value.
   */
  public Outcome evaluate(WorkloadIdentity identity) {
    if (area != null && !area.equals(identity.area())) {
      return Outcome.UNMATCHED;
    }
    Outcome result = Outcome.UNMATCHED;
    for (String candidate : attribute.valuesOf(identity)) {
      if (candidate.length() > MAX_VALUE_LENGTH) {
        result =
            new Outcome(
                Verdict.UNDECIDABLE,
                "a value of "
                    + candidate.length()
                    + " characters is longer than the "
                    + MAX_VALUE_LENGTH
                    + " a rule evaluates");
        continue;
      }
      try {
        if (matcher.test(candidate)) {
          return Outcome.MATCHED;
        }
      } catch (OutOfMemoryError e) {
        throw e;
      } catch (RuntimeException | StackOverflowError e) {
        result =
            new Outcome(Verdict.UNDECIDABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    return result;
  }

  public String name() {
    return name;
  }

  public Attribute attribute() {
    return attribute;
  }

  public Match match() {
    return match;
  }

  /** The value or pattern (an exact subject DN in canonical form). */
  public String value() {
    return value;
  }

  public Effect effect() {
    return effect;
  }

  public List<String> groups() {
    return groups;
  }

  private static String canonicalDn(String dn) {
    try {
      return new X500Principal(dn).getName(X500Principal.CANONICAL);
    } catch (IllegalArgumentException e) {
      return "\u0000invalid:" + dn;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoleRule other
        && name.equals(other.name)
        && attribute == other.attribute
        && match == other.match
        && value.equals(other.value)
        && effect == other.effect
        && groups.equals(other.groups)
        && Objects.equals(area, other.area);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, attribute, match, value, effect, groups, area);
  }

  @Override
  public String toString() {
    return name
        + ": "
        + (area == null ? "" : "area '" + area + "' and ")
        + attribute
        + " "
        + match.name().toLowerCase(Locale.ROOT)
        + " '"
        + value
        + "' -> "
        + (effect == Effect.DENY ? "deny" : "grant " + groups);
  }
}
