package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Decisions;
import io.portcullis.testing.TestPki;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the first path fails a check another path would pass, the alternatives are tried before
 * refusing (RFC 5280 6.1 asks whether a valid path exists, not whether the first one is): here the
 * caller presents an intermediate whose extended key usage leaves out clientAuth, a check the JDK's
 * path validator does not make, while the area knows a second certificate for the same CA key
 * without that limit. The search is bounded.
 */
class AlternatePathTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Alternate Root");
  private static final KeyPair CA_KEYS = TestPki.ecKeyPair();
  private static final TestPki.Ca SERVER_ONLY =
      ROOT.intermediate("CN=Alternate CA", CA_KEYS, b -> b.serverAuth());
  private static final TestPki.Ca UNLIMITED =
      ROOT.intermediate("CN=Alternate CA", CA_KEYS, b -> {});
  private static final X509Certificate LEAF =
      UNLIMITED.issue("CN=leaf").uriSan("spiffe://alt.example/leaf").clientAuth().build();

  private static TrustDecision validate(
      List<X509Certificate> areaIntermediates, List<X509Certificate> presented) {
    TrustArea area =
        new TrustArea(
            "alt",
            List.of(ROOT.certificate()),
            areaIntermediates,
            TrustPolicy.standards(),
            Revocation.off());
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(LEAF);
    chain.addAll(presented);
    return new PkixTrustValidator(List.of(area), Clock.systemUTC()).validate(chain, Purpose.CLIENT);
  }

  @Test
  void aPresentedIntermediateThatFailsAPortcullisCheckDoesNotHideTheAreasOwn() {
    TrustDecision decision =
        validate(List.of(UNLIMITED.certificate()), List.of(SERVER_ONLY.certificate()));
    assertThat(decision.accepted()).as(decision.explain()).isTrue();
  }

  @Test
  void withoutAnAlternativeTheFirstPathsReasonStands() {
    TrustDecision decision = validate(List.of(), List.of(SERVER_ONLY.certificate()));
    assertThat(decision.accepted()).isFalse();
    assertThat(Decisions.id(decision)).as(decision.explain()).isEqualTo("PRTC0151E");
  }

  @Test
  void manyFailingTwinsEndTheSearchAtItsBoundWithItsOwnId() {
    List<X509Certificate> twins = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      twins.add(ROOT.intermediate("CN=Alternate CA", CA_KEYS, b -> b.serverAuth()).certificate());
    }
    TrustDecision decision = validate(twins, List.of(SERVER_ONLY.certificate()));
    assertThat(decision.accepted()).isFalse();
    assertThat(Decisions.id(decision)).as(decision.explain()).isEqualTo("PRTC0160E");
  }

  @Test
  void aSecondAnchorForTheCaKeyIsTriedWhenThePresentedPathFails() {
    // The presented path validates for the JDK and fails the CA EKU check; the same key is also
    // a trust anchor without that limit.
    TrustArea area =
        new TrustArea(
            "alt",
            List.of(ROOT.certificate(), UNLIMITED.certificate()),
            List.of(),
            TrustPolicy.standards(),
            Revocation.off());
    TrustDecision decision =
        new PkixTrustValidator(List.of(area), Clock.systemUTC())
            .validate(List.of(LEAF, SERVER_ONLY.certificate()), Purpose.CLIENT);
    assertThat(decision.accepted()).as(decision.explain()).isTrue();
  }
}
