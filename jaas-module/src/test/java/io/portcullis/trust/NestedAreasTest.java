package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Decisions;
import io.portcullis.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Areas whose CAs are nested (root, then a CA of area corp, then a CA of area payments below it):
 * the CA that issued the leaf decides the area, never a CA higher up, the order of the areas or the
 * chain the caller chooses to send.
 */
class NestedAreasTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Nested Root");
  private static final TestPki.Ca CORP =
      ROOT.intermediate("CN=corp area", TestPki.ecKeyPair(), b -> b.ca(1));
  private static final TestPki.Ca PAYMENTS = CORP.intermediate("CN=payments area");

  /** The payments CA's key certified a second time, by the root directly. */
  private static final X509Certificate PAYMENTS_BY_ROOT =
      ROOT.issue("CN=payments area", PAYMENTS.keys()).ca(0).build();

  private static final TrustArea CORP_AREA =
      new TrustArea("corp", List.of(ROOT.certificate()), List.of(CORP.certificate()));
  private static final TrustArea PAYMENTS_AREA =
      new TrustArea("payments", List.of(ROOT.certificate()), List.of(PAYMENTS.certificate()));

  private static TrustDecision validate(List<TrustArea> areas, List<X509Certificate> chain) {
    return new PkixTrustValidator(areas, Clock.systemUTC()).validate(chain, Purpose.CLIENT);
  }

  @Test
  void theIssuingCaDecidesTheAreaNotACaHigherUpInEitherOrder() {
    TestPki.Leaf api =
        PAYMENTS.clientLeaf("CN=api", "spiffe://corp.example/payments/api"); // sent with both CAs
    TestPki.Leaf portal = CORP.clientLeaf("CN=portal", "spiffe://corp.example/portal");
    for (List<TrustArea> areas :
        List.of(List.of(CORP_AREA, PAYMENTS_AREA), List.of(PAYMENTS_AREA, CORP_AREA))) {
      TrustDecision payments = validate(areas, api.chain());
      assertThat(payments.accepted()).as(payments.explain()).isTrue();
      assertThat(Decisions.area(payments)).isEqualTo("payments");
      TrustDecision corp = validate(areas, portal.chain());
      assertThat(corp.accepted()).as(corp.explain()).isTrue();
      assertThat(Decisions.area(corp)).isEqualTo("corp");
    }
  }

  @Test
  void theChainACallerPresentsCannotChooseItsArea() {
    TestPki.Leaf api = PAYMENTS.clientLeaf("CN=api", "spiffe://corp.example/payments/api");
    List<X509Certificate> throughCorp = api.chain();
    List<X509Certificate> byRoot = List.of(api.certificate(), PAYMENTS_BY_ROOT);
    for (List<TrustArea> areas :
        List.of(List.of(CORP_AREA, PAYMENTS_AREA), List.of(PAYMENTS_AREA, CORP_AREA))) {
      for (List<X509Certificate> chain : List.of(throughCorp, byRoot)) {
        TrustDecision decision = validate(areas, chain);
        assertThat(decision.accepted()).as(decision.explain()).isTrue();
        assertThat(Decisions.area(decision)).as("chain of %d", chain.size()).isEqualTo("payments");
      }
    }
  }

  @Test
  void withoutTheLowerAreaItsLeavesBelongToNoArea() {
    // corp's CA is above the payments CA, but corp never issued the payments leaf.
    TestPki.Leaf api = PAYMENTS.clientLeaf("CN=api", "spiffe://corp.example/payments/api");
    TrustDecision decision = validate(List.of(CORP_AREA), api.chain());
    assertThat(decision.accepted()).as(decision.explain()).isFalse();
    assertThat(Decisions.id(decision)).isEqualTo("PRTC0105E");
  }

  @Test
  void aLowerAreasRefusalIsItsOwnWhateverTheOrder() {
    // Each area checks the whole chain against its own CRLs and fails hard. The upper area has
    // no CRL of the payments CA: had it judged the payments leaf, it would have reported the
    // status as unknown (PRTC0119E) instead of payments' own answer, revoked, depending on order.
    TestPki.Leaf revoked = PAYMENTS.clientLeaf("CN=gone", "spiffe://corp.example/payments/gone");
    TrustArea corp =
        CORP_AREA.withRevocation(
            new Revocation(
                RevocationMode.HARD_FAIL, false, CrlStore.of(List.of(CORP.crl(), ROOT.crl()))));
    TrustArea payments =
        PAYMENTS_AREA.withRevocation(
            new Revocation(
                RevocationMode.HARD_FAIL,
                false,
                CrlStore.of(
                    List.of(
                        PAYMENTS.crl(revoked.certificate().getSerialNumber()),
                        CORP.crl(),
                        ROOT.crl()))));
    for (List<TrustArea> areas : List.of(List.of(corp, payments), List.of(payments, corp))) {
      TrustDecision decision = validate(areas, revoked.chain());
      assertThat(decision.accepted()).isFalse();
      assertThat(Decisions.id(decision)).as(decision.explain()).isEqualTo("PRTC0118E");
    }
  }
}
