package io.portcullis.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.WorkloadIdentity;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A rule that cannot look at a value must not let the caller in. */
class RulesFailClosedTest {
  private static final String QUARANTINE = "spiffe://corp/quarantine/";

  private static WorkloadIdentity withUri(String uri) {
    Instant now = Instant.now();
    return new WorkloadIdentity(
        Optional.empty(),
        List.of(uri),
        List.of(),
        "CN=x",
        "payments",
        BigInteger.ONE,
        now,
        now.plusSeconds(60),
        "00");
  }

  @Test
  void aDenyRuleRefusesAValuePaddedPastTheLengthItEvaluates() {
    RoleRules rules =
        new RoleRules(
            List.of(
                RoleRule.deny(
                    "quarantine", Attribute.URI_SAN, RoleRule.Match.GLOB, QUARANTINE + "**"),
                RoleRule.grant(
                    "all",
                    Attribute.URI_SAN,
                    RoleRule.Match.GLOB,
                    "spiffe://**",
                    List.of("reader"))));
    String padded = QUARANTINE + "db-1/" + "a".repeat(RoleRule.MAX_VALUE_LENGTH);
    RoleRules.Evaluation evaluation = rules.evaluate(withUri(padded));
    // Before: values over 4096 characters never matched, so the padded ID escaped the deny rule.
    assertThat(evaluation.deniedBy()).map(RoleRule::name).contains("quarantine");
    assertThat(evaluation.undecided()).contains("longer than the 4096");
    assertThat(evaluation.groups()).isEmpty();
    // Just inside the limit the rule decides, and denies as written.
    String inside = QUARANTINE + "a".repeat(RoleRule.MAX_VALUE_LENGTH - QUARANTINE.length());
    assertThat(rules.evaluate(withUri(inside)).deniedBy()).isPresent();
    assertThat(rules.evaluate(withUri(inside)).undecided()).isEmpty();
  }

  @Test
  void aGrantRuleThatCannotDecideGrantsNothing() {
    RoleRules rules =
        new RoleRules(
            List.of(
                RoleRule.grant(
                    "all",
                    Attribute.URI_SAN,
                    RoleRule.Match.GLOB,
                    "spiffe://**",
                    List.of("reader"))));
    assertThat(rules.groupsFor(withUri("spiffe://corp/" + "a".repeat(5000)))).isEmpty();
    assertThat(rules.groupsFor(withUri("spiffe://corp/a"))).containsExactly("reader");
  }

  @Test
  void aCatastrophicRegexStopsAtItsBudgetAndDeniesWithoutHanging() {
    RoleRule deny =
        RoleRule.deny("nested", Attribute.URI_SAN, RoleRule.Match.REGEX, "spiffe://corp/(.*a){8}x");
    String evil = "spiffe://corp/" + "a".repeat(40);
    long start = System.nanoTime();
    RoleRule.Outcome outcome = deny.evaluate(withUri(evil));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(outcome.verdict()).isEqualTo(RoleRule.Verdict.UNDECIDABLE);
    assertThat(outcome.why()).contains("steps");
    RoleRule grant =
        RoleRule.grant(
            "nested",
            Attribute.URI_SAN,
            RoleRule.Match.REGEX,
            "spiffe://corp/(.*a){8}x",
            List.of("x"));
    assertThat(new RoleRules(List.of(grant)).groupsFor(withUri(evil))).isEmpty();
    // A well-behaved pattern over the longest value stays inside the budget.
    RoleRule linear =
        RoleRule.grant(
            "linear", Attribute.URI_SAN, RoleRule.Match.REGEX, "spiffe://corp/[ab]+", List.of("x"));
    String longest = "spiffe://corp/" + "ab".repeat((RoleRule.MAX_VALUE_LENGTH - 14) / 2);
    assertThat(linear.evaluate(withUri(longest)).verdict()).isEqualTo(RoleRule.Verdict.MATCH);
  }

  @Test
  void aRecursiveRegexOnALongValueNeverThrows() {
    // (a|b)* recurses once a character in Java's engine: on 4,000 characters it overflowed the
    // stack and the error reached the server as a 500.
    RoleRule deny = RoleRule.deny("alt", Attribute.URI_SAN, RoleRule.Match.REGEX, "x(a|b)*");
    String value = "x" + "ab".repeat(2000);
    RoleRules.Evaluation evaluation = new RoleRules(List.of(deny)).evaluate(withUri(value));
    assertThat(evaluation.deniedBy()).isPresent();
  }
}
