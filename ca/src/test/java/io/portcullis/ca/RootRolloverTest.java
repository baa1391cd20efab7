package io.portcullis.ca;

import static io.portcullis.ca.IssuanceTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import io.portcullis.trust.CrlSource;
import io.portcullis.trust.CrlStore;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.Revocation;
import io.portcullis.trust.RevocationMode;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.TrustDecision;
import io.portcullis.trust.TrustPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root rollover ceremony as servers see it: only through the bundle files (anchors.pem,
 * cas.pem, roots.pem), validated by the trust core with chain-wide, hard-fail revocation, so a
 * missing or wrong root CRL shows as a refusal.
 */
class RootRolloverTest {
  static AreaSpec orders() throws PortcullisException {
    return AreaSpec.of(
        "orders",
        "spiffe://corp.example/orders/",
        List.of(),
        Duration.ofDays(1),
        KeyType.P256,
        Duration.ofDays(365));
  }

  @TempDir Path temp;
  CaFixture f;
  RootKeySpec nextKeySpec;
  KeyPair webKeys;
  IssuedCertificate web;

  @BeforeEach
  void setUp() throws Exception {
    f = new CaFixture(temp);
    nextKeySpec = new RootKeySpec.Pkcs12(temp.resolve("offline/root-g2.p12"), CaFixture.PASSPHRASE);
    webKeys = CaFixture.p256();
    web =
        f.ca.issue(
            f.register("web", "web.payments.corp.example").token(),
            webKeys,
            Duration.ofDays(1),
            "alice");
  }

  @Test
  void theBundlesExistFromTheStartWithOneRoot() throws Exception {
    assertThat(certificates(f.ca.anchorsFile())).containsExactly(f.ca.rootCertificate());
    assertThat(certificates(f.ca.areaCertificatesFile("payments")))
        .containsExactly(f.ca.area("payments").certificate());
    assertThat(CrlSource.file(f.ca.rootCrlsFile()).load()).hasSize(1);
    assertThat(validate(web.chain()).accepted()).as(validate(web.chain()).explain()).isTrue();
  }

  @Test
  void aRootRolloverKeepsEveryCertificateValidOnEveryServerThatReadsTheBundles() throws Exception {
    X509Certificate firstRoot = f.ca.rootCertificate();
    X509Certificate firstIntermediate = f.ca.area("payments").certificate();

    // Step 1: the next root, authorised by the current root key.
    X509Certificate nextRoot =
        f.ca.publishNextRoot(
            RootKey.open(f.rootKeySpec), nextKeySpec, KeyType.P256, Duration.ofDays(3650), "cer");
    assertThat(nextRoot.getSubjectX500Principal().getName()).contains("CN=Corp Root CA G2");
    assertThat(certificates(f.ca.anchorsFile())).containsExactly(firstRoot, nextRoot);
    List<X509Certificate> intermediates = certificates(f.ca.areaCertificatesFile("payments"));
    assertThat(intermediates).hasSize(2).first().isEqualTo(firstIntermediate);
    X509Certificate nextIntermediate = intermediates.get(1);
    // Same name, same key: whatever the area signed chains to either root.
    assertThat(nextIntermediate.getSubjectX500Principal())
        .isEqualTo(firstIntermediate.getSubjectX500Principal());
    assertThat(nextIntermediate.getPublicKey()).isEqualTo(firstIntermediate.getPublicKey());
    nextIntermediate.verify(nextRoot.getPublicKey());
    assertThat(CrlSource.file(f.ca.rootCrlsFile()).load()).hasSize(2);
    assertThat(f.audit().get(f.audit().size() - 1)).contains("\"event\":\"root-next\"");

    // A chain sent with the first intermediate, and the bare leaf, validate as before.
    assertAccepted(web.chain());
    assertAccepted(List.of(web.certificate()));
    // The leaf with the re-certified intermediate ends at the next root, and its CRL is found.
    assertAccepted(List.of(web.certificate(), nextIntermediate));

    // One rollover at a time, and no area changes under two roots.
    Map<String, String> before = f.snapshot();
    assertRefused(
        () ->
            f.ca.publishNextRoot(
                RootKey.open(f.rootKeySpec),
                new RootKeySpec.Pkcs12(temp.resolve("offline/g3.p12"), CaFixture.PASSPHRASE),
                KeyType.P256,
                Duration.ofDays(3650),
                "cer"),
        "PRTC0463E");
    assertRefused(
        () -> f.ca.retireArea("payments", RootKey.open(f.rootKeySpec), "cer"), "PRTC0463E");
    assertRefused(() -> f.ca.retirePreviousRoot(true, "cer"), "PRTC0464E");
    // The next root is activated with its own key only.
    assertRefused(() -> f.ca.activateNextRoot(RootKey.open(f.rootKeySpec), "cer"), "PRTC0406E");
    assertThat(f.snapshot()).isEqualTo(before);

    // Step 2: activation. New certificates chain to the next root.
    Instant retireAfter = f.ca.activateNextRoot(RootKey.open(nextKeySpec), "cer");
    // The last certificate issued through the first root is the workload's: until it expires.
    assertThat(retireAfter).isEqualTo(web.certificate().getNotAfter().toInstant());
    CertificateAuthority ca = CertificateAuthority.open(f.dir, f.clock, CaFixture.RANDOM);
    assertThat(ca.rootCertificate()).isEqualTo(nextRoot);
    assertThat(ca.area("payments").certificate()).isEqualTo(nextIntermediate);
    assertThat(certificates(ca.anchorsFile())).containsExactly(firstRoot, nextRoot);
    KeyPair renewedKeys = CaFixture.p256();
    f.clock.advance(Duration.ofHours(1));
    IssuedCertificate renewed =
        ca.renew(web.certificate(), webKeys.getPrivate(), renewedKeys, null, "agent");
    assertThat(renewed.chain()).containsExactly(renewed.certificate(), nextIntermediate);
    assertThat(ca.lineage(renewed.certificate()).certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(web.sha256(), renewed.sha256());
    assertAccepted(renewed.chain());
    assertAccepted(web.chain());
    // The next root's CRL is signed with its key from now on; the first root's key signs its own.
    X509CRL nextCrl = ca.publishRootCrl(RootKey.open(nextKeySpec), Duration.ofDays(30), "cer");
    nextCrl.verify(nextRoot.getPublicKey());
    assertThat(Files.exists(f.dir.resolve("crl/root-g2.crl"))).isTrue();
    ca.publishRootCrl(RootKey.open(f.rootKeySpec), Duration.ofDays(30), "cer")
        .verify(firstRoot.getPublicKey());
    assertAccepted(renewed.chain());

    // Step 3: not before the longest leaf lifetime has passed since the activation.
    Map<String, String> activated = f.snapshot();
    assertRefused(() -> ca.retirePreviousRoot(false, "cer"), "PRTC0465E");
    assertThat(f.snapshot()).isEqualTo(activated);
    // The workload renews as it should meanwhile (its leaves live a day).
    while (f.clock.instant().isBefore(retireAfter)) {
      f.clock.advance(Duration.ofHours(20));
      KeyPair nextKeys = CaFixture.p256();
      renewed = ca.renew(renewed.certificate(), renewedKeys.getPrivate(), nextKeys, null, "agent");
      renewedKeys = nextKeys;
    }
    ca.publishCrl("payments", CertificateAuthority.DEFAULT_CRL_VALIDITY, "crl-timer");
    assertThat(ca.retirePreviousRoot(false, "cer")).isEqualTo(firstRoot);
    assertThat(certificates(ca.anchorsFile())).containsExactly(nextRoot);
    assertThat(certificates(ca.areaCertificatesFile("payments"))).containsExactly(nextIntermediate);
    assertThat(CrlSource.file(ca.rootCrlsFile()).load()).hasSize(1);
    assertAccepted(renewed.chain());
    assertAccepted(List.of(renewed.certificate()));
    // A chain still sent with the first intermediate no longer reaches a trusted root...
    assertThat(validate(web.chain()).accepted()).isFalse();
    // ... and the first root's key no longer counts for anything.
    assertRefused(
        () -> ca.publishRootCrl(RootKey.open(f.rootKeySpec), Duration.ofDays(30), "cer"),
        "PRTC0406E");

    // After the rollover, areas can be created and retired again, under the new root.
    CertificateAuthority after = CertificateAuthority.open(f.dir, f.clock, CaFixture.RANDOM);
    X509CRL retired = after.retireArea("payments", RootKey.open(nextKeySpec), "cer");
    retired.verify(nextRoot.getPublicKey());
    assertThat(retired.isRevoked(nextIntermediate)).isTrue();
    assertThat(CrlSource.file(after.rootCrlsFile()).load()).containsExactly(retired);
  }

  @Test
  void anAreaCreatedAfterActivationChainsOnlyToTheNewRoot() throws Exception {
    f.ca.publishNextRoot(
        RootKey.open(f.rootKeySpec), nextKeySpec, KeyType.P256, Duration.ofDays(3650), "cer");
    assertRefused(() -> f.ca.createArea(orders(), RootKey.open(f.rootKeySpec), "cer"), "PRTC0463E");
    f.ca.activateNextRoot(RootKey.open(nextKeySpec), "cer");
    CertificateAuthority ca = CertificateAuthority.open(f.dir, f.clock, CaFixture.RANDOM);
    Area orders = ca.createArea(orders(), RootKey.open(nextKeySpec), "cer");
    orders.certificate().verify(ca.rootCertificate().getPublicKey());
    assertThat(new String(orders.certificate().getExtensionValue("2.5.29.31"), "ISO-8859-1"))
        .contains("root-g2.crl");
    assertThat(certificates(ca.areaCertificatesFile("orders")))
        .containsExactly(orders.certificate());
  }

  @Test
  void aCaOpenedBeforeTheActivationIssuesThroughTheNewRootAtOnce() throws Exception {
    // ca serve's CA: opened, and issuing, before the ceremony runs from the CLI (f.ca).
    CertificateAuthority serving = CertificateAuthority.open(f.dir, f.clock, CaFixture.RANDOM);
    f.clock.advance(Duration.ofHours(2));
    KeyPair secondKeys = CaFixture.p256();
    IssuedCertificate beforeActivation =
        serving.renew(web.certificate(), webKeys.getPrivate(), secondKeys, null, "agent");
    X509Certificate nextRoot =
        f.ca.publishNextRoot(
            RootKey.open(f.rootKeySpec), nextKeySpec, KeyType.P256, Duration.ofDays(3650), "cer");
    f.clock.advance(Duration.ofMinutes(10));
    Instant retireAfter = f.ca.activateNextRoot(RootKey.open(nextKeySpec), "cer");
    assertThat(retireAfter)
        .as("recorded: the last chain through the first root")
        .isEqualTo(beforeActivation.certificate().getNotAfter().toInstant());

    f.clock.advance(Duration.ofMinutes(50));
    KeyPair thirdKeys = CaFixture.p256();
    IssuedCertificate afterActivation =
        serving.renew(
            beforeActivation.certificate(), secondKeys.getPrivate(), thirdKeys, null, "agent");
    X509Certificate nextIntermediate = certificates(f.ca.areaCertificatesFile("payments")).get(1);
    assertThat(afterActivation.chain())
        .as("new chains end at the active root at once, without reopening the CA")
        .containsExactly(afterActivation.certificate(), nextIntermediate);
    assertThat(serving.rootCertificate()).isEqualTo(nextRoot);
    assertThat(serving.trustAreas())
        .allSatisfy(a -> assertThat(a.anchors()).containsExactly(nextRoot));
    assertThat(serving.successor(beforeActivation.certificate()).orElseThrow().chain())
        .containsExactly(afterActivation.certificate(), nextIntermediate);

    // Retiring the first root waits for the last chain issued through it, and no longer.
    f.clock.set(retireAfter.minusSeconds(60));
    Map<String, String> before = f.snapshot();
    assertRefused(() -> serving.retirePreviousRoot(false, "cer"), "PRTC0465E");
    assertThat(f.snapshot()).isEqualTo(before);
    f.clock.set(retireAfter.plusSeconds(1));
    serving.publishCrl("payments", CertificateAuthority.DEFAULT_CRL_VALIDITY, "crl-timer");
    serving.retirePreviousRoot(false, "cer");
    assertThat(certificates(f.ca.anchorsFile())).containsExactly(nextRoot);
    assertAccepted(afterActivation.chain());
  }

  private void assertAccepted(List<X509Certificate> chain) throws Exception {
    TrustDecision decision = validate(chain);
    assertThat(decision.accepted()).as(decision.explain()).isTrue();
  }

  /** What a server configured with the bundle files decides: chain scope, hard-fail. */
  private TrustDecision validate(List<X509Certificate> chain) throws Exception {
    List<X509CRL> crls = new ArrayList<>(CrlSource.file(f.ca.rootCrlsFile()).load());
    crls.addAll(CrlSource.file(f.ca.crlFile("payments")).load());
    TrustArea area =
        new TrustArea(
            "payments",
            certificates(f.ca.anchorsFile()),
            certificates(f.ca.areaCertificatesFile("payments")),
            TrustPolicy.defaults(),
            new Revocation(RevocationMode.HARD_FAIL, false, CrlStore.of(crls)));
    return new PkixTrustValidator(List.of(area), f.clock).validate(chain, Purpose.SERVER);
  }

  private static List<X509Certificate> certificates(Path file) throws Exception {
    return Pem.certificates(Files.readString(file));
  }
}
