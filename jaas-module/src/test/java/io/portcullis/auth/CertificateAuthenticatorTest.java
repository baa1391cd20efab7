package io.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRules;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.TrustArea;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthenticatorTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Payments Area");
  private static final TestPki.Ca FOREIGN =
      TestPki.root("CN=Foreign").intermediate("CN=Foreign Area");
  private static final RoleRules RULES =
      new RoleRules(
          List.of(new RoleRule(Attribute.URI_SAN, "spiffe://corp/reader", List.of("reader"))));

  private static CertificateAuthenticator authenticator(boolean refuseUnmatched) {
    TrustArea area = new TrustArea("payments", List.of(ROOT.certificate()), List.of());
    return new CertificateAuthenticator(
        new PkixTrustValidator(List.of(area), Clock.systemUTC()), RULES, refuseUnmatched);
  }

  @Test
  void trustedCallerGetsIdentityAreaAndGroups() {
    Authentication result =
        authenticator(false)
            .authenticate(AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray());
    assertThat(result).isInstanceOf(Authentication.Authenticated.class);
    Authentication.Authenticated ok = (Authentication.Authenticated) result;
    assertThat(ok.identity().principalName()).isEqualTo("spiffe://corp/reader");
    assertThat(ok.identity().area()).isEqualTo("payments");
    assertThat(ok.groups()).containsExactly("reader");
  }

  @Test
  void unmatchedCallerIsAuthenticatedWithoutGroupsOrRefused() {
    X509Certificate[] chain = AREA.clientLeaf("CN=n", "spiffe://corp/nobody").chainArray();
    assertThat(authenticator(false).authenticate(chain))
        .isEqualTo(
            new Authentication.Authenticated(
                ((Authentication.Authenticated) authenticator(false).authenticate(chain))
                    .identity(),
                java.util.Set.of()));
    assertRefused(authenticator(true).authenticate(chain), "PRTC0204E");
    assertThat(((Authentication.Refused) authenticator(true).authenticate(chain)).kind())
        .isEqualTo(Authentication.Kind.FORBIDDEN);
  }

  @Test
  void outcomesAreRememberedUpToTheBoundOnly() {
    TrustArea area = new TrustArea("payments", List.of(ROOT.certificate()), List.of());
    PkixTrustValidator validator = new PkixTrustValidator(List.of(area), Clock.systemUTC());
    X509Certificate[] first = AREA.clientLeaf("CN=a", "spiffe://corp/reader").chainArray();
    X509Certificate[] second = AREA.clientLeaf("CN=b", "spiffe://corp/reader").chainArray();

    CertificateAuthenticator remembering =
        new CertificateAuthenticator(validator, RULES, false, null, 1);
    Authentication once = remembering.authenticate(first);
    assertThat(remembering.authenticate(first)).isSameAs(once);
    // A second certificate fills the table of one: the first is decided again, to the same.
    remembering.authenticate(second);
    Authentication again = remembering.authenticate(first);
    assertThat(again).isNotSameAs(once).isEqualTo(once);

    CertificateAuthenticator forgetting =
        new CertificateAuthenticator(validator, RULES, false, null, 0);
    Authentication decided = forgetting.authenticate(first);
    assertThat(forgetting.authenticate(first)).isNotSameAs(decided).isEqualTo(decided);
  }

  @Test
  void noCertificateIsRefused() {
    assertRefused(authenticator(false).authenticate(null), "PRTC0301E");
    assertRefused(authenticator(false).authenticate(new X509Certificate[0]), "PRTC0301E");
    assertRefused(authenticator(false).authenticate(new X509Certificate[] {null}), "PRTC0101E");
    assertThat(((Authentication.Refused) authenticator(false).authenticate(null)).kind())
        .isEqualTo(Authentication.Kind.UNAUTHENTICATED);
  }

  @Test
  void foreignCaIsRefused() {
    assertRefused(
        authenticator(false)
            .authenticate(FOREIGN.clientLeaf("CN=f", "spiffe://corp/reader").chainArray()),
        "PRTC0105E");
  }

  @Test
  void expiredCertificateIsRefused() {
    Instant now = Instant.now();
    TestPki.Leaf expired =
        AREA.issue("CN=old")
            .uriSan("spiffe://corp/reader")
            .clientAuth()
            .validity(now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)))
            .issueLeaf();
    assertRefused(authenticator(false).authenticate(expired.chainArray()), "PRTC0103E");
  }

  @Test
  void serverOnlyCertificateIsRefusedAsCaller() {
    TestPki.Leaf server =
        AREA.issue("CN=srv").uriSan("spiffe://corp/reader").serverAuth().issueLeaf();
    assertRefused(authenticator(false).authenticate(server.chainArray()), "PRTC0106E");
  }

  @Test
  void leafWithoutIntermediateIsRefusedUnlessTheAreaKnowsIt() {
    TestPki.Leaf leaf = AREA.clientLeaf("CN=r", "spiffe://corp/reader");
    X509Certificate[] leafOnly = {leaf.certificate()};
    assertRefused(authenticator(false).authenticate(leafOnly), "PRTC0105E");
    TrustArea withIntermediate =
        new TrustArea("payments", List.of(ROOT.certificate()), List.of(AREA.certificate()));
    CertificateAuthenticator knowing =
        new CertificateAuthenticator(
            new PkixTrustValidator(List.of(withIntermediate), Clock.systemUTC()), RULES, false);
    assertThat(knowing.authenticate(leafOnly)).isInstanceOf(Authentication.Authenticated.class);
  }

  @Test
  void firstAreaThatTrustsTheChainNamesIt() {
    TestPki.Ca other = TestPki.root("CN=Other Root");
    CertificateAuthenticator twoAreas =
        new CertificateAuthenticator(
            new PkixTrustValidator(
                List.of(
                    new TrustArea("other", List.of(other.certificate()), List.of()),
                    new TrustArea("payments", List.of(ROOT.certificate()), List.of())),
                Clock.systemUTC()),
            RULES,
            false);
    Authentication result =
        twoAreas.authenticate(AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray());
    assertThat(((Authentication.Authenticated) result).identity().area()).isEqualTo("payments");
  }

  private static void assertRefused(Authentication result, String messageId) {
    assertThat(result).isInstanceOf(Authentication.Refused.class);
    Authentication.Refused refused = (Authentication.Refused) result;
    assertThat(refused.messageId()).isEqualTo(messageId);
    assertThat(refused.reason()).startsWith(messageId + ": ");
  }

  @Test
  void aDenyRuleThatCannotDecideRefusesWithItsOwnId() {
    RoleRules rules =
        new RoleRules(
            List.of(
                RoleRule.deny(
                    "nested", Attribute.URI_SAN, RoleRule.Match.REGEX, "spiffe://corp/(.*a){8}x")));
    TrustArea area = new TrustArea("payments", List.of(ROOT.certificate()), List.of());
    CertificateAuthenticator authenticator =
        new CertificateAuthenticator(
            new PkixTrustValidator(List.of(area), Clock.systemUTC()), rules, false);
    Authentication result =
        authenticator.authenticate(
            AREA.clientLeaf("CN=e", "spiffe://corp/" + "a".repeat(40)).chainArray());
    assertThat(result).isInstanceOf(Authentication.Refused.class);
    Authentication.Refused refused = (Authentication.Refused) result;
    assertThat(refused.kind()).isEqualTo(Authentication.Kind.FORBIDDEN);
    assertThat(refused.messageId()).isEqualTo("PRTC0207E");
    assertThat(refused.reason()).contains("nested", "steps");
  }

  @Test
  void nothingThrownInsideReachesTheCaller() {
    for (RuntimeException failure : List.of(new IllegalStateException("boom"))) {
      CertificateAuthenticator authenticator =
          new CertificateAuthenticator(
              (chain, purpose) -> {
                throw failure;
              },
              RULES,
              false);
      Authentication result =
          authenticator.authenticate(AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray());
      assertThat(result).isInstanceOf(Authentication.Refused.class);
      assertThat(((Authentication.Refused) result).messageId()).isEqualTo("PRTC0208E");
    }
    CertificateAuthenticator overflowing =
        new CertificateAuthenticator(
            (chain, purpose) -> {
              throw new StackOverflowError();
            },
            RULES,
            false);
    assertThat(
            overflowing.authenticate(AREA.clientLeaf("CN=r", "spiffe://corp/reader").chainArray()))
        .isInstanceOfSatisfying(
            Authentication.Refused.class, r -> assertThat(r.messageId()).isEqualTo("PRTC0208E"));
  }
}
