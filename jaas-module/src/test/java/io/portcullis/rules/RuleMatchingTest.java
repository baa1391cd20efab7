package io.portcullis.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.identity.IdentityReader;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.messages.PortcullisException;
import io.portcullis.rules.RoleRule.Effect;
import io.portcullis.rules.RoleRule.Match;
import io.portcullis.testing.TestPki;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleMatchingTest {
  private static final TestPki.Ca AREA = TestPki.root("CN=Root").intermediate("CN=Area");

  private static WorkloadIdentity identity(String dn, String uri, String... dns)
      throws PortcullisException {
    TestPki.CertBuilder builder = AREA.issue(dn).uriSan(uri);
    for (String name : dns) {
      builder.dnsSan(name);
    }
    return IdentityReader.read(builder.build()).inArea("payments");
  }

  private static RoleRule grant(Attribute attribute, Match match, String pattern) {
    return RoleRule.grant("r", attribute, match, pattern, List.of("g"));
  }

  @Test
  void uriGlobStarStaysWithinOneSegment() throws PortcullisException {
    RoleRule rule = grant(Attribute.URI_SAN, Match.GLOB, "spiffe://corp/payments/*");
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/payments/api"))).isTrue();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/payments/api/v2"))).isFalse();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/payments"))).isFalse();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/orders/api"))).isFalse();
    RoleRule deep = grant(Attribute.SPIFFE_ID, Match.GLOB, "spiffe://corp/payments/**");
    assertThat(deep.matches(identity("CN=a", "spiffe://corp/payments/api/v2"))).isTrue();
  }

  @Test
  void dnsGlobServesLoadBalancerPools() throws PortcullisException {
    RoleRule rule = grant(Attribute.DNS_SAN, Match.GLOB, "*.pool.payments.svc");
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/a", "b-7.pool.payments.svc"))).isTrue();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/a", "B-7.POOL.payments.svc"))).isTrue();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/a", "x.b.pool.payments.svc")))
        .isFalse();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/a", "pool.payments.svc"))).isFalse();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/a", "evil.pool.payments.svc.attacker")))
        .isFalse();
    RoleRule question = grant(Attribute.DNS_SAN, Match.GLOB, "node?.svc");
    assertThat(question.matches(identity("CN=a", "spiffe://corp/a", "node1.svc"))).isTrue();
    assertThat(question.matches(identity("CN=a", "spiffe://corp/a", "node12.svc"))).isFalse();
  }

  @Test
  void globLiteralsAreNotRegex() throws PortcullisException {
    RoleRule rule = grant(Attribute.DNS_SAN, Match.GLOB, "a.b.svc");
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/a", "axb.svc"))).isFalse();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/a", "a.b.svc"))).isTrue();
  }

  @Test
  void regexMustMatchTheWholeValue() throws PortcullisException {
    RoleRule rule = grant(Attribute.URI_SAN, Match.REGEX, "spiffe://corp/(orders|payments)/[a-z]+");
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/orders/api"))).isTrue();
    assertThat(rule.matches(identity("CN=a", "spiffe://corp/orders/api/x"))).isFalse();
    assertThatThrownBy(() -> grant(Attribute.URI_SAN, Match.REGEX, "(unclosed"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dnAttributes() throws PortcullisException {
    WorkloadIdentity id =
        identity("CN=orders, OU=team-a, OU=payments, O=Corp, C=DE", "spiffe://corp/o");
    assertThat(grant(Attribute.DN_CN, Match.EXACT, "orders").matches(id)).isTrue();
    assertThat(grant(Attribute.DN_OU, Match.EXACT, "payments").matches(id)).isTrue();
    assertThat(grant(Attribute.DN_OU, Match.GLOB, "team-*").matches(id)).isTrue();
    assertThat(grant(Attribute.DN_O, Match.EXACT, "Corp").matches(id)).isTrue();
    assertThat(grant(Attribute.DN_C, Match.EXACT, "DE").matches(id)).isTrue();
    // X.500 matches directory strings ignoring case.
    assertThat(grant(Attribute.DN_O, Match.EXACT, "corp").matches(id)).isTrue();
    assertThat(grant(Attribute.DN_O, Match.EXACT, "Corp Inc").matches(id)).isFalse();
    assertThat(grant(Attribute.SUBJECT_DN, Match.GLOB, "CN=orders,**").matches(id)).isTrue();
  }

  @Test
  void fingerprintSerialAndArea() throws PortcullisException {
    WorkloadIdentity id = identity("CN=f", "spiffe://corp/f");
    String colons = id.sha256().toUpperCase().replaceAll("(..)(?!$)", "$1:");
    assertThat(grant(Attribute.FINGERPRINT, Match.EXACT, colons).matches(id)).isTrue();
    assertThat(grant(Attribute.SERIAL, Match.EXACT, id.serialHex()).matches(id)).isTrue();
    assertThat(grant(Attribute.AREA, Match.GLOB, "pay*").matches(id)).isTrue();
  }

  @Test
  void aRuleWithAnAreaAppliesOnlyToCallersOfThatArea() throws PortcullisException {
    WorkloadIdentity payments = identity("CN=a", "spiffe://corp/shared/api");
    WorkloadIdentity orders =
        IdentityReader.read(AREA.issue("CN=a").uriSan("spiffe://corp/shared/api").build())
            .inArea("orders");
    RoleRule admin =
        grant(Attribute.URI_SAN, Match.EXACT, "spiffe://corp/shared/api").inArea("payments");
    RoleRule quarantine =
        RoleRule.deny("q", Attribute.URI_SAN, Match.GLOB, "spiffe://corp/shared/*")
            .inArea("orders");

    assertThat(admin.matches(payments)).isTrue();
    assertThat(admin.matches(orders)).as("the same SPIFFE ID from another area").isFalse();
    assertThat(new RoleRules(List.of(admin, quarantine)).evaluate(payments).groups())
        .containsExactly("g");
    RoleRules.Evaluation other = new RoleRules(List.of(admin, quarantine)).evaluate(orders);
    assertThat(other.deniedBy()).contains(quarantine);
    assertThat(other.groups()).isEmpty();
    assertThat(admin.toString()).contains("area 'payments' and");
    assertThatThrownBy(() -> admin.inArea(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void denyOverridesGrantWhateverTheOrder() throws PortcullisException {
    WorkloadIdentity id = identity("CN=x", "spiffe://corp/payments/legacy");
    RoleRule grant = grant(Attribute.URI_SAN, Match.GLOB, "spiffe://corp/payments/*");
    RoleRule deny =
        RoleRule.deny("no-legacy", Attribute.URI_SAN, Match.EXACT, "spiffe://corp/payments/legacy");
    for (List<RoleRule> order : List.of(List.of(grant, deny), List.of(deny, grant))) {
      RoleRules.Evaluation evaluation = new RoleRules(order).evaluate(id);
      assertThat(evaluation.deniedBy()).contains(deny);
      assertThat(evaluation.groups()).isEmpty();
      assertThat(evaluation.granted()).isFalse();
    }
  }

  @Test
  void groupsAreTheSortedUnionOfMatchingGrants() throws PortcullisException {
    WorkloadIdentity id = identity("CN=x, OU=ops", "spiffe://corp/payments/api");
    RoleRules rules =
        new RoleRules(
            List.of(
                RoleRule.grant(
                    "b",
                    Attribute.URI_SAN,
                    Match.GLOB,
                    "spiffe://corp/payments/*",
                    List.of("writer", "reader")),
                RoleRule.grant(
                    "a", Attribute.DN_OU, Match.EXACT, "ops", List.of("admin", "reader")),
                RoleRule.grant("c", Attribute.DN_OU, Match.EXACT, "dev", List.of("dev"))));
    RoleRules.Evaluation evaluation = rules.evaluate(id);
    assertThat(evaluation.groups()).containsExactly("admin", "reader", "writer");
    assertThat(evaluation.matched()).extracting(RoleRule::name).containsExactly("b", "a");
  }

  @Test
  void grantWithoutGroupsStillCountsAsMatched() throws PortcullisException {
    RoleRules rules =
        new RoleRules(
            List.of(
                new RoleRule(
                    "in", Attribute.AREA, Match.EXACT, "payments", Effect.GRANT, List.of())));
    assertThat(rules.evaluate(identity("CN=x", "spiffe://corp/x")).granted()).isTrue();
  }

  @Test
  void attributeSpellings() {
    assertThat(Attribute.parse("dn.CN")).isEqualTo(Attribute.DN_CN);
    assertThat(Attribute.parse("OU")).isEqualTo(Attribute.DN_OU);
    assertThat(Attribute.parse("subject.O")).isEqualTo(Attribute.DN_O);
    assertThat(Attribute.parse("dns")).isEqualTo(Attribute.DNS_SAN);
    assertThat(Attribute.parse("sha256")).isEqualTo(Attribute.FINGERPRINT);
    assertThat(Attribute.parse("spiffe-id")).isEqualTo(Attribute.SPIFFE_ID);
    assertThat(Match.parse("Glob")).isEqualTo(Match.GLOB);
    assertThat(Effect.parse("DENY")).isEqualTo(Effect.DENY);
  }
}
