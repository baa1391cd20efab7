package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.TestPki;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A trust area's readiness as its check reports it. */
class AreaHealthTest {
  private static final Instant NOW =
      Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  private static final TestPki.Ca ROOT = TestPki.root("CN=health root");
  private static final TestPki.Ca CA = ROOT.intermediate("CN=payments CA");

  private static TrustArea area(RevocationMode mode, java.security.cert.X509CRL... crls) {
    return new TrustArea(
        "payments",
        List.of(ROOT.certificate()),
        List.of(CA.certificate()),
        TrustPolicy.defaults(),
        new Revocation(mode, false, CrlStore.of(List.of(crls))));
  }

  @Test
  void anAreaWithValidCertificatesAndCurrentCrlsIsUpAndListsThem() {
    AreaHealth health =
        AreaHealth.of(
            area(RevocationMode.HARD_FAIL, CA.crl(NOW.minusSeconds(60), NOW.plusSeconds(3600))),
            NOW);
    assertThat(health.up()).isTrue();
    assertThat(health.data())
        .containsEntry("area", "payments")
        .containsEntry("revocation", "hard_fail")
        .containsEntry("anchors", "1")
        .doesNotContainKey("rollover")
        .containsEntry(
            "anchor CN=health root", ROOT.certificate().getNotAfter().toInstant().toString())
        .containsEntry("ca CN=payments CA", CA.certificate().getNotAfter().toInstant().toString())
        .containsEntry(
            "crl CN=payments CA",
            "thisUpdate " + NOW.minusSeconds(60) + ", nextUpdate " + NOW.plusSeconds(3600));
  }

  @Test
  void aHardFailAreaWithACrlPastItsNextUpdateIsDownSoftFailIsNot() {
    var stale = CA.crl(NOW.minusSeconds(7200), NOW.minusSeconds(60));
    AreaHealth hard = AreaHealth.of(area(RevocationMode.HARD_FAIL, stale), NOW);
    assertThat(hard.up()).isFalse();
    assertThat(hard.downId()).contains("PRTC0158E");
    assertThat(hard.reason()).contains("the CRL of CN=payments CA is past its nextUpdate");
    assertThat(AreaHealth.of(area(RevocationMode.SOFT_FAIL, stale), NOW).up()).isTrue();
  }

  @Test
  void anExpiredAnchorOrIntermediateIsDown() {
    Instant later = ROOT.certificate().getNotAfter().toInstant().plus(Duration.ofDays(1));
    AreaHealth expired = AreaHealth.of(area(RevocationMode.OFF), later);
    assertThat(expired.downId()).contains("PRTC0156E");
    TestPki.Ca lapsed =
        ROOT.intermediate(
            "CN=lapsed CA",
            TestPki.ecKeyPair(),
            ca -> ca.validity(NOW.minus(Duration.ofDays(30)), NOW.minusSeconds(1)));
    TrustArea withLapsedCa =
        new TrustArea(
            "payments",
            List.of(ROOT.certificate()),
            List.of(CA.certificate(), lapsed.certificate()),
            TrustPolicy.defaults(),
            Revocation.off());
    AreaHealth health = AreaHealth.of(withLapsedCa, NOW);
    assertThat(health.downId()).contains("PRTC0157E");
    assertThat(health.reason()).contains("CN=lapsed CA");
  }

  @Test
  void anAreaTrustingTwoRootsSaysSoAsDuringARootRollover() {
    TestPki.Ca next = TestPki.root("CN=next root");
    TrustArea rolling =
        new TrustArea(
            "payments",
            List.of(ROOT.certificate(), next.certificate()),
            List.of(CA.certificate()),
            TrustPolicy.defaults(),
            new Revocation(RevocationMode.OFF, false, CrlStore.of(List.of())));
    AreaHealth health = AreaHealth.of(rolling, NOW);
    assertThat(health.up()).isTrue();
    assertThat(health.data())
        .containsEntry("anchors", "2")
        .containsEntry("rollover", "several roots in force")
        .containsKey("anchor CN=next root");
  }
}
