package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.Decisions;
import io.portcullis.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An area vouches only for its own names, whatever its CA signs: a caller whose SPIFFE ID or DNS
 * name lies outside the area's declared scope is refused with {@code PRTC0145E}, even when the
 * area's own intermediate signed it (finding 3: a zeta-signed {@code spiffe://corp/alpha/admin} was
 * accepted as zeta).
 */
class AreaScopeTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Corp Root");
  private static final TestPki.Ca ALPHA = ROOT.intermediate("CN=alpha area");
  private static final TestPki.Ca ZETA = ROOT.intermediate("CN=zeta area");

  private static TrustArea area(String name, TestPki.Ca ca, List<String> ids, List<String> dns)
      throws PortcullisException {
    return new TrustArea(name, List.of(ROOT.certificate()), List.of(ca.certificate()))
        .withScope(NameScope.of(ids, dns));
  }

  private static List<TrustArea> scopedAreas() throws PortcullisException {
    return List.of(
        area("alpha", ALPHA, List.of("spiffe://corp/alpha"), List.of("alpha.corp.example")),
        area("zeta", ZETA, List.of("spiffe://corp/zeta/"), List.of()));
  }

  private static TrustDecision validate(List<TrustArea> areas, List<X509Certificate> chain) {
    return new PkixTrustValidator(areas, Clock.systemUTC()).validate(chain, Purpose.CLIENT);
  }

  private static List<X509Certificate> leaf(TestPki.Ca ca, String uri, String... dns) {
    TestPki.CertBuilder builder = ca.issue("CN=w").uriSan(uri).clientAuth();
    for (String name : dns) {
      builder.dnsSan(name);
    }
    return builder.issueLeaf().chain();
  }

  @Test
  void anotherAreasSpiffeIdSignedByThisAreasCaIsRefused() throws PortcullisException {
    TrustDecision decision = validate(scopedAreas(), leaf(ZETA, "spiffe://corp/alpha/admin"));

    assertThat(decision.accepted()).as(decision.explain()).isFalse();
    assertThat(Decisions.id(decision)).isEqualTo("PRTC0145E");
    assertThat(decision.explain())
        .contains("names the URI spiffe://corp/alpha/admin")
        .contains("trust area zeta (spiffe://corp/zeta)");
  }

  @Test
  void namesInsideTheScopeAreAccepted() throws PortcullisException {
    TrustDecision alpha =
        validate(scopedAreas(), leaf(ALPHA, "spiffe://corp/alpha/api", "api.alpha.corp.example"));
    TrustDecision zeta = validate(scopedAreas(), leaf(ZETA, "spiffe://corp/zeta/batch/1"));
    TrustDecision prefixItself = validate(scopedAreas(), leaf(ZETA, "spiffe://corp/zeta"));

    assertThat(alpha.accepted()).as(alpha.explain()).isTrue();
    assertThat(Decisions.area(alpha)).isEqualTo("alpha");
    assertThat(zeta.accepted()).as(zeta.explain()).isTrue();
    assertThat(prefixItself.accepted()).as(prefixItself.explain()).isTrue();
  }

  @Test
  void aPrefixMatchesWholePathSegmentsOnly() throws PortcullisException {
    for (String id :
        List.of("spiffe://corp/zetax/api", "spiffe://corp/zet", "spiffe://other/zeta/api")) {
      TrustDecision decision = validate(scopedAreas(), leaf(ZETA, id));
      assertThat(Decisions.id(decision)).as(id).isEqualTo("PRTC0145E");
    }
  }

  @Test
  void dnsNamesMustLieInTheAreasSubtreesAndAnAreaWithoutSubtreesTakesNone()
      throws PortcullisException {
    TrustDecision outside =
        validate(scopedAreas(), leaf(ALPHA, "spiffe://corp/alpha/api", "api.zeta.corp.example"));
    TrustDecision suffixTrick =
        validate(scopedAreas(), leaf(ALPHA, "spiffe://corp/alpha/api", "evilalpha.corp.example"));
    TrustDecision noSubtrees =
        validate(scopedAreas(), leaf(ZETA, "spiffe://corp/zeta/api", "zeta.corp.example"));

    assertThat(Decisions.id(outside)).isEqualTo("PRTC0145E");
    assertThat(outside.explain()).contains("the DNS name api.zeta.corp.example");
    assertThat(Decisions.id(suffixTrick)).isEqualTo("PRTC0145E");
    assertThat(Decisions.id(noSubtrees)).isEqualTo("PRTC0145E");
  }

  @Test
  void aUriThatIsNoValidSpiffeIdIsOutsideEveryScope() throws PortcullisException {
    for (String uri :
        List.of(
            "https://corp/alpha/api",
            "spiffe://corp/alpha/../zeta/admin",
            "spiffe://corp/alpha//api",
            "SPIFFE://corp/alpha/api")) {
      TrustDecision decision = validate(scopedAreas(), leaf(ALPHA, uri));
      assertThat(decision.accepted()).as(uri).isFalse();
    }
  }

  @Test
  void aScopedAreaDoesNotVouchForALeafWithoutNamesWhatEverItsSubject() throws PortcullisException {
    // The payments service's DNS-only certificate, and a forgery by zeta's CA with the same
    // subject and no SAN: without a SAN the leaf was inside every scope, and its principal (the
    // subject DN) the payments service's.
    String subject = "CN=api.alpha.corp.example,O=Corp";
    TrustDecision real =
        validate(
            scopedAreas(),
            ALPHA.issue(subject).dnsSan("api.alpha.corp.example").clientAuth().issueLeaf().chain());
    TrustDecision forged =
        validate(scopedAreas(), ZETA.issue(subject).clientAuth().issueLeaf().chain());
    TrustDecision unnamedOwn =
        validate(scopedAreas(), ALPHA.issue(subject).clientAuth().issueLeaf().chain());

    assertThat(real.accepted()).as(real.explain()).isTrue();
    for (TrustDecision refused : List.of(forged, unnamedOwn)) {
      assertThat(refused.accepted()).isFalse();
      assertThat(Decisions.id(refused)).as(refused.explain()).isEqualTo("PRTC0145E");
      assertThat(refused.explain()).contains("no SPIFFE ID or DNS name");
    }
  }

  @Test
  void anOpenAreaIsBoundOnlyByItsCa() {
    TrustArea open =
        new TrustArea("zeta", List.of(ROOT.certificate()), List.of(ZETA.certificate()));

    TrustDecision decision = validate(List.of(open), leaf(ZETA, "spiffe://corp/alpha/admin"));

    assertThat(open.scope().isOpen()).isTrue();
    assertThat(decision.accepted()).as(decision.explain()).isTrue();
  }

  @Test
  void aPrefixThatIsNoSpiffeIdIsRefusedWhenTheScopeIsMade() {
    assertThatThrownBy(() -> NameScope.of(List.of("https://corp/alpha"), List.of()))
        .isInstanceOf(PortcullisException.class)
        .hasMessageStartingWith("PRTC0201E");
    assertThatThrownBy(() -> NameScope.of(List.of("spiffe://corp/a/../b"), List.of()))
        .isInstanceOf(PortcullisException.class);
  }
}
