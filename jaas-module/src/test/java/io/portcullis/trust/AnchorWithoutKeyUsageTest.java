package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Decisions;
import io.portcullis.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 5280 6.1.1 (d): the trust anchor is an input to path validation; a key usage extension it
 * does not carry restricts nothing, so it may sign the CRL that covers its intermediate. The
 * standards accept the path and still find a revocation; the deployment policy holds the CA to its
 * duty (4.2.1.3) and refuses the anchor.
 */
class AnchorWithoutKeyUsageTest {
  private static final TestPki.Ca ROOT =
      TestPki.root("CN=Root without key usage", TestPki.ecKeyPair(), b -> b.keyUsage(0));
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Area under it");

  private static TrustDecision validate(TrustPolicy policy, X509Certificate... revokedByRoot) {
    java.math.BigInteger[] serials =
        java.util.Arrays.stream(revokedByRoot)
            .map(X509Certificate::getSerialNumber)
            .toArray(java.math.BigInteger[]::new);
    TrustArea area =
        new TrustArea(
            "area",
            List.of(ROOT.certificate()),
            List.of(),
            policy,
            new Revocation(
                RevocationMode.HARD_FAIL,
                false,
                CrlStore.of(List.of(ROOT.crl(serials), AREA.crl()))));
    X509Certificate leaf =
        AREA.issue("CN=leaf").uriSan("spiffe://conformance.example/leaf").clientAuth().build();
    return new PkixTrustValidator(List.of(area), Clock.systemUTC())
        .validate(List.of(leaf, AREA.certificate()), Purpose.CLIENT);
  }

  @Test
  void theStandardsTakeItsCrlAndTheDeploymentPolicyRefusesTheAnchor() {
    assertThat(ROOT.certificate().getKeyUsage()).isNull();
    TrustDecision accepted = validate(TrustPolicy.standards());
    assertThat(accepted.accepted()).as(accepted.explain()).isTrue();

    TrustDecision revoked = validate(TrustPolicy.standards(), AREA.certificate());
    assertThat(revoked.accepted()).as("the anchor's CRL is read").isFalse();
    assertThat(revoked.explain()).contains("revoked");

    TrustDecision deployment = validate(TrustPolicy.defaults().withMaxLeafLifetime(null));
    assertThat(Decisions.id(deployment)).as(deployment.explain()).isEqualTo("PRTC0146E");
  }
}
