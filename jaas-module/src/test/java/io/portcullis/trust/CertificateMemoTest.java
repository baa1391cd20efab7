package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.messages.CoreMessage;
import io.portcullis.testing.Decisions;
import io.portcullis.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class CertificateMemoTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Payments Area");
  private static final TrustDecision REFUSED =
      TrustDecision.reject(CoreMessage.UNKNOWN_CRITICAL_EXTENSION, "x", "1.2.3");

  private final AtomicInteger runs = new AtomicInteger();

  private Supplier<Optional<TrustDecision>> counting(Optional<TrustDecision> answer) {
    return () -> {
      runs.incrementAndGet();
      return answer;
    };
  }

  /** A copy equal by DER but a different object from another provider (no JDK parse cache). */
  private static X509Certificate copyOf(X509Certificate cert) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509", new BouncyCastleProvider())
            .generateCertificate(new ByteArrayInputStream(cert.getEncoded()));
  }

  @Test
  void answersACertificateSeenBeforeWithoutCheckingAgain() throws Exception {
    CertificateMemo<Optional<TrustDecision>> memo = new CertificateMemo<>(16);
    X509Certificate cert = AREA.clientLeaf("CN=a", "spiffe://corp/a").certificate();
    X509Certificate anchor = ROOT.certificate();
    assertThat(memo.answer(cert, true, Purpose.CLIENT, anchor, counting(Optional.empty())))
        .isEmpty();
    assertThat(memo.answer(copyOf(cert), true, Purpose.CLIENT, anchor, counting(Optional.empty())))
        .isEmpty();
    assertThat(runs).hasValue(1);
  }

  @Test
  void remembersRejectionsToo() {
    CertificateMemo<Optional<TrustDecision>> memo = new CertificateMemo<>(16);
    X509Certificate cert = AREA.clientLeaf("CN=b", "spiffe://corp/b").certificate();
    assertThat(memo.answer(cert, true, Purpose.CLIENT, null, counting(Optional.of(REFUSED))))
        .contains(REFUSED);
    assertThat(memo.answer(cert, true, Purpose.CLIENT, null, counting(Optional.empty())))
        .contains(REFUSED);
    assertThat(runs).hasValue(1);
  }

  @Test
  void positionPurposeAndAnchorAreAskedSeparately() {
    CertificateMemo<Optional<TrustDecision>> memo = new CertificateMemo<>(16);
    X509Certificate cert = AREA.certificate();
    memo.answer(cert, true, Purpose.CLIENT, ROOT.certificate(), counting(Optional.empty()));
    memo.answer(cert, false, Purpose.CLIENT, ROOT.certificate(), counting(Optional.empty()));
    memo.answer(cert, false, Purpose.SERVER, ROOT.certificate(), counting(Optional.empty()));
    memo.answer(cert, false, Purpose.SERVER, AREA.certificate(), counting(Optional.empty()));
    assertThat(runs).hasValue(4);
    assertThat(memo.size()).isEqualTo(4);
  }

  @Test
  void staysWithinItsBoundAndZeroTurnsItOff() {
    CertificateMemo<Optional<TrustDecision>> memo = new CertificateMemo<>(3);
    for (int i = 0; i < 10; i++) {
      X509Certificate cert = AREA.clientLeaf("CN=c" + i, "spiffe://corp/c").certificate();
      memo.answer(cert, true, Purpose.CLIENT, null, counting(Optional.empty()));
      assertThat(memo.size()).isLessThanOrEqualTo(3);
    }
    CertificateMemo<Optional<TrustDecision>> off = new CertificateMemo<>(0);
    X509Certificate cert = AREA.certificate();
    off.answer(cert, false, Purpose.CLIENT, null, counting(Optional.empty()));
    off.answer(cert, false, Purpose.CLIENT, null, counting(Optional.empty()));
    assertThat(off.size()).isZero();
    assertThat(runs).hasValue(12);
  }

  @Test
  void validatorGivesTheSameDecisionsWithAndWithoutTheMemo() {
    TrustArea area = new TrustArea("payments", List.of(ROOT.certificate()), List.of());
    PkixTrustValidator memoised =
        new PkixTrustValidator(List.of(area), Clock.systemUTC(), DenyList.empty(), 0, 64);
    PkixTrustValidator plain =
        new PkixTrustValidator(List.of(area), Clock.systemUTC(), DenyList.empty(), 0, 0);
    List<List<X509Certificate>> chains =
        List.of(
            AREA.clientLeaf("CN=ok", "spiffe://corp/ok").chain(),
            AREA.issue("CN=server").serverAuth().issueLeaf().chain(),
            AREA.issue("CN=crit")
                .clientAuth()
                .extension("1.2.3.4", true, DERNull.INSTANCE)
                .issueLeaf()
                .chain());
    for (int round = 0; round < 3; round++) {
      for (List<X509Certificate> chain : chains) {
        for (Purpose purpose : Purpose.values()) {
          assertThat(memoised.validate(chain, purpose)).isEqualTo(plain.validate(chain, purpose));
        }
      }
    }
  }

  @Test
  void anAnchorAcceptedForOnePurposeIsCheckedAgainForAnother() {
    // A root whose EKU allows serverAuth only vouches for servers, never for callers. One
    // validator asked for a server first must still refuse the same root for a client.
    TestPki.Ca serverRoot =
        TestPki.root("CN=Server Root", TestPki.ecKeyPair(), b -> b.serverAuth());
    TestPki.Ca area = serverRoot.intermediate("CN=Server Area");
    TrustArea servers =
        new TrustArea("servers", List.of(serverRoot.certificate()), List.of(area.certificate()));
    PkixTrustValidator shared = new PkixTrustValidator(List.of(servers), Clock.systemUTC());
    List<X509Certificate> both =
        area.issue("CN=both")
            .serverAuth()
            .clientAuth()
            .uriSan("spiffe://corp/both")
            .issueLeaf()
            .chain();

    TrustDecision asServer = shared.validate(both, Purpose.SERVER);
    TrustDecision asClient = shared.validate(both, Purpose.CLIENT);

    assertThat(asServer.accepted()).as(asServer.explain()).isTrue();
    assertThat(asClient.accepted()).isFalse();
    assertThat(Decisions.id(asClient)).as(asClient.explain()).isEqualTo("PRTC0151E");
  }
}
