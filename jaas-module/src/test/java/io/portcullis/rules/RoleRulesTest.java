package io.portcullis.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.identity.IdentityReader;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoleRulesTest {
  private static final TestPki.Ca AREA = TestPki.root("CN=Root").intermediate("CN=Area");

  private static WorkloadIdentity identity(String dn, String uri) throws PortcullisException {
    return IdentityReader.read(AREA.issue(dn).uriSan(uri).dnsSan("a.pool.svc").build())
        .inArea("payments");
  }

  @Test
  void exactUriSanGrantsGroups() throws PortcullisException {
    RoleRules rules =
        new RoleRules(
            List.of(
                new RoleRule(Attribute.URI_SAN, "spiffe://corp/reader", List.of("reader")),
                new RoleRule(
                    Attribute.URI_SAN, "spiffe://corp/writer", List.of("reader", "writer"))));
    assertThat(rules.groupsFor(identity("CN=r", "spiffe://corp/reader"))).containsExactly("reader");
    assertThat(rules.groupsFor(identity("CN=w", "spiffe://corp/writer")))
        .containsExactly("reader", "writer");
    assertThat(rules.groupsFor(identity("CN=x", "spiffe://corp/reader/extra"))).isEmpty();
  }

  @Test
  void subjectDnMatchIgnoresSpacingAndCase() throws PortcullisException {
    RoleRules rules =
        new RoleRules(
            List.of(new RoleRule(Attribute.SUBJECT_DN, "cn=Ops,  o=Corp", List.of("ops"))));
    assertThat(rules.groupsFor(identity("CN=Ops,O=Corp", "spiffe://corp/ops")))
        .containsExactly("ops");
    assertThat(rules.groupsFor(identity("CN=Ops2,O=Corp", "spiffe://corp/ops"))).isEmpty();
  }

  @Test
  void dnsSanAndAreaRulesCombine() throws PortcullisException {
    RoleRules rules =
        new RoleRules(
            List.of(
                new RoleRule(Attribute.DNS_SAN, "a.pool.svc", List.of("pool")),
                new RoleRule(Attribute.AREA, "payments", List.of("payments-area")),
                new RoleRule(Attribute.AREA, "other", List.of("never"))));
    assertThat(rules.groupsFor(identity("CN=p", "spiffe://corp/p")))
        .containsExactly("payments-area", "pool");
  }

  @Test
  void attributeSpellings() {
    assertThat(Attribute.parse("uriSan")).isEqualTo(Attribute.URI_SAN);
    assertThat(Attribute.parse("DNS_SAN")).isEqualTo(Attribute.DNS_SAN);
    assertThat(Attribute.parse("subject-dn")).isEqualTo(Attribute.SUBJECT_DN);
    assertThatThrownBy(() -> Attribute.parse("email")).isInstanceOf(IllegalArgumentException.class);
  }
}
