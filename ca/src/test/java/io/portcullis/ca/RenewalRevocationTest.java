package io.portcullis.ca;

import static io.portcullis.ca.IssuanceTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeyType;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenewalRevocationTest {
  static final String API = IssuanceTest.API;

  @TempDir Path temp;
  CaFixture f;
  KeyPair firstKeys;
  IssuedCertificate first;

  @BeforeEach
  void setUp() throws Exception {
    f = new CaFixture(temp);
    JoinToken token = f.register("api", "api.payments.corp.example");
    firstKeys = CaFixture.p256();
    first = f.ca.issue(token.token(), CaFixture.csr(firstKeys, API), null, "bob");
  }

  IssuedCertificate renew(IssuedCertificate current, KeyPair currentKeys, KeyPair newKeys)
      throws Exception {
    PKCS10CertificationRequest csr = CaFixture.csr(newKeys, API);
    byte[] proof = RenewalProof.sign(currentKeys.getPrivate(), KeyType.P256, csr.getEncoded());
    return f.ca.renew(current.certificate(), csr, proof, null, "agent");
  }

  @Test
  void renewalsCarryThePreviousFingerprintAndLineageChainsBackToTheRegistration() throws Exception {
    KeyPair secondKeys = CaFixture.p256();
    f.clock.advance(Duration.ofHours(12));
    IssuedCertificate second = renew(first, firstKeys, secondKeys);
    KeyPair thirdKeys = CaFixture.p256();
    f.clock.advance(Duration.ofHours(12));
    IssuedCertificate third = renew(second, secondKeys, thirdKeys);

    assertThat(Lineage.previousSha256(second.certificate())).contains(first.sha256());
    assertThat(Lineage.previousSha256(third.certificate())).contains(second.sha256());
    assertThat(third.certificate().getNonCriticalExtensionOIDs()).contains(Lineage.OID_TEXT);

    LineageReport lineage = f.ca.lineage(third.certificate());
    assertThat(lineage.spiffeId()).isEqualTo(API);
    assertThat(lineage.approvedBy()).isEqualTo("alice");
    assertThat(lineage.certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(first.sha256(), second.sha256(), third.sha256());
    assertThat(lineage.certificates().get(0).previousSha256()).isEmpty();
    assertThat(f.ca.lineage(second.certificate()).certificates()).hasSize(2);

    PkixTrustValidator validator = new PkixTrustValidator(f.ca.trustAreas(), f.clock);
    var decision = validator.validate(third.chain(), Purpose.CLIENT);
    assertThat(decision.accepted()).as(decision.explain()).isTrue();
    assertThat(f.audit().get(f.audit().size() - 1))
        .contains("\"event\":\"renew\"", "\"previous\":\"" + second.sha256() + "\"");
  }

  @Test
  void renewalWithoutProofOfTheCurrentKeyIsRefused() throws Exception {
    KeyPair newKeys = CaFixture.p256();
    PKCS10CertificationRequest csr = CaFixture.csr(newKeys, API);
    Map<String, String> before = f.snapshot();
    byte[] byNewKey = RenewalProof.sign(newKeys.getPrivate(), KeyType.P256, csr.getEncoded());
    assertRefused(() -> f.ca.renew(first.certificate(), csr, byNewKey, null, "agent"), "PRTC0424E");
    assertRefused(() -> f.ca.renew(first.certificate(), csr, null, null, "agent"), "PRTC0424E");
    byte[] overOther =
        RenewalProof.sign(
            firstKeys.getPrivate(),
            KeyType.P256,
            CaFixture.csr(CaFixture.p256(), API).getEncoded());
    assertRefused(
        () -> f.ca.renew(first.certificate(), csr, overOther, null, "agent"), "PRTC0424E");
    // The same key again is not a renewal.
    PKCS10CertificationRequest sameKey = CaFixture.csr(firstKeys, API);
    byte[] proof = RenewalProof.sign(firstKeys.getPrivate(), KeyType.P256, sameKey.getEncoded());
    assertRefused(
        () -> f.ca.renew(first.certificate(), sameKey, proof, null, "agent"), "PRTC0429E");
    assertThat(f.snapshot()).isEqualTo(before);
  }

  @Test
  void onlyTheCurrentValidUnrevokedCertificateRenews() throws Exception {
    KeyPair secondKeys = CaFixture.p256();
    renew(first, firstKeys, secondKeys);
    // The replaced certificate cannot renew again once its renewal may have been delivered: the
    // lineage never forks (within Issuance.UNDELIVERED_GRACE see UndeliveredRenewalTest).
    f.clock.advance(Issuance.UNDELIVERED_GRACE);
    assertRefused(() -> renew(first, firstKeys, CaFixture.p256()), "PRTC0425E");

    // A certificate from elsewhere (another CA with the same names) is unknown here.
    CaFixture other = new CaFixture(temp.resolve("other"));
    IssuedCertificate foreign =
        other.ca.issue(other.register("api").token(), CaFixture.csr(firstKeys, API), null, "bob");
    assertRefused(() -> renew(foreign, firstKeys, CaFixture.p256()), "PRTC0421E");
  }

  @Test
  void anExpiredCurrentCertificateDoesNotRenew() throws Exception {
    f.clock.advance(Duration.ofDays(1).plusMinutes(1));
    Map<String, String> before = f.snapshot();
    assertRefused(() -> renew(first, firstKeys, CaFixture.p256()), "PRTC0422E");
    assertThat(f.snapshot()).isEqualTo(before);
  }

  @Test
  void revocationBySerialOrFingerprintPublishesTheAreaCrlAndStopsRenewal() throws Exception {
    X509CRL crl =
        f.ca.revoke(first.certificate().getSerialNumber().toString(16), "keyCompromise", "carol");
    crl.verify(f.ca.area("payments").certificate().getPublicKey());
    assertThat(crl.isRevoked(first.certificate())).isTrue();
    assertThat(crl.getNextUpdate()).isAfter(Date.from(f.clock.instant()));
    assertThat(f.ca.currentCrl("payments").isRevoked(first.certificate())).isTrue();
    assertRefused(() -> renew(first, firstKeys, CaFixture.p256()), "PRTC0423E");
    assertRefused(() -> f.ca.revoke(first.sha256(), null, "carol"), "PRTC0428E");
    assertRefused(() -> f.ca.revoke("00", null, "carol"), "PRTC0427E");
    assertThat(f.ca.lineage(first.certificate()).certificates().get(0).revoked()).isTrue();
    assertThat(String.join("\n", f.audit()))
        .contains("\"event\":\"revoke\"", "\"operator\":\"carol\"", first.sha256());

    JoinToken token = f.register("web");
    IssuedCertificate web =
        f.ca.issue(
            token.token(), CaFixture.csr(CaFixture.p256(), CaFixture.PREFIX + "web"), null, "bob");
    X509CRL second = f.ca.revoke(web.sha256().toUpperCase(java.util.Locale.ROOT), null, "carol");
    assertThat(second.getRevokedCertificates()).hasSize(2);
    assertThat(crlNumber(second)).isGreaterThan(crlNumber(crl));
  }

  private static BigInteger crlNumber(X509CRL crl) {
    byte[] value = crl.getExtensionValue("2.5.29.20");
    return org.bouncycastle.asn1.ASN1Integer.getInstance(
            org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets())
        .getValue();
  }

  @Test
  void aRetiredAreaIssuesNothingAndValidatorsReadingTheRootCrlRefuseItsLeaves() throws Exception {
    Map<String, String> before = f.snapshot();
    assertRefused(() -> f.ca.retireArea("payments", null, "root-ceremony"), "PRTC0405E");
    assertThat(f.snapshot()).isEqualTo(before);

    X509CRL rootCrl = f.ca.retireArea("payments", RootKey.open(f.rootKeySpec), "root-ceremony");
    rootCrl.verify(f.ca.rootCertificate().getPublicKey());
    assertThat(rootCrl.isRevoked(f.ca.area("payments").certificate())).isTrue();
    assertThat(f.ca.area("payments").retired()).isTrue();
    assertRefused(() -> renew(first, firstKeys, CaFixture.p256()), "PRTC0409E");
    assertRefused(() -> f.register("new"), "PRTC0409E");
    assertThat(f.ca.trustAreas()).isEmpty();

    // A relying party with the root CRL and the area CRL refuses the leaf (JDK PKIX, no network).
    X509CRL areaCrl = f.ca.currentCrl("payments");
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    PKIXParameters params =
        new PKIXParameters(Set.of(new TrustAnchor(f.ca.rootCertificate(), null)));
    // JDK PKIX counts a revocation only if it happened before the validation date.
    params.setDate(Date.from(f.clock.instant().plusSeconds(60)));
    params.addCertStore(
        CertStore.getInstance(
            "Collection", new CollectionCertStoreParameters(List.of(rootCrl, areaCrl))));
    params.setRevocationEnabled(true);
    java.security.Security.setProperty("ocsp.enable", "false");
    var path = factory.generateCertPath(new ArrayList<>(first.chain()));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> CertPathValidator.getInstance("PKIX").validate(path, params))
        .isInstanceOf(CertPathValidatorException.class)
        .hasMessageContaining("revoked");
    assertThat(Files.exists(f.dir.resolve("crl/root.crl"))).isTrue();
    assertThat(
            factory.generateCRL(
                new ByteArrayInputStream(Files.readAllBytes(f.dir.resolve("crl/root.crl")))))
        .isEqualTo(rootCrl);
  }

  @Test
  void inProcessCallersIssueAndRenewFromKeyPairs() throws Exception {
    JoinToken token = f.register("web", "web.payments.corp.example");
    KeyPair keys = CaFixture.p256();
    IssuedCertificate issued = f.ca.issue(token.token(), keys, Duration.ofHours(6), "demo");
    assertThat(issued.certificate().getSubjectAlternativeNames()).hasSize(2);
    KeyPair next = CaFixture.p256();
    IssuedCertificate renewed =
        f.ca.renew(issued.certificate(), keys.getPrivate(), next, null, "renewal-agent");
    assertThat(renewed.previousSha256()).contains(issued.sha256());
    assertThat(renewed.certificate().getPublicKey()).isEqualTo(next.getPublic());
    assertThat(f.ca.lineage(renewed.certificate()).certificates()).hasSize(2);
  }

  @Test
  void lineageRefusesCertificatesTheCaDidNotIssue() throws Exception {
    CaFixture other = new CaFixture(temp.resolve("other"));
    X509Certificate foreign =
        other
            .ca
            .issue(other.register("api").token(), CaFixture.csr(firstKeys, API), null, "bob")
            .certificate();
    assertRefused(() -> f.ca.lineage(foreign), "PRTC0438E");
  }
}
