package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewal the workload never received (killed between the CA's answer and storing it; a token
 * that lost the new key with the kill): seen in RenewalCrashIT, where every later renewal from the
 * certificate the workload still held was refused as not the latest (PRTC0425E), for good. The
 * holder of that certificate may renew from it again shortly after; the lost one is revoked.
 */
class UndeliveredRenewalTest {
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
    f.clock.advance(Duration.ofHours(1));
  }

  private IssuedCertificate renew(IssuedCertificate current, KeyPair provenBy, KeyPair newKeys)
      throws Exception {
    PKCS10CertificationRequest csr = CaFixture.csr(newKeys, API);
    byte[] proof = RenewalProof.sign(provenBy.getPrivate(), KeyType.P256, csr.getEncoded());
    return f.ca.renew(current.certificate(), csr, proof, null, "agent");
  }

  @Test
  void aRenewalNeverDeliveredIsMadeAgainFromItsPredecessorAndTheLostOneRevoked() throws Exception {
    IssuedCertificate lost = renew(first, firstKeys, CaFixture.p256());
    f.clock.advance(Duration.ofSeconds(30));
    KeyPair againKeys = CaFixture.p256();
    IssuedCertificate again = renew(first, firstKeys, againKeys);

    assertThat(again.previousSha256()).contains(first.sha256());
    assertThat(f.ca.isRevoked("payments", lost.sha256())).isTrue();
    assertThat(f.ca.isRevoked("payments", first.sha256())).isFalse();
    assertThat(f.audit())
        .anySatisfy(l -> assertThat(l).contains("\"revoke\"", lost.sha256(), "never delivered"));
    assertThat(f.ca.lineage(again.certificate()).certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(first.sha256(), again.sha256());
    // And the lineage goes on from the new one; the old one is no longer the latest.
    f.clock.advance(Duration.ofMinutes(1));
    assertThat(renew(again, againKeys, CaFixture.p256()).previousSha256()).contains(again.sha256());
    assertRefused(() -> renew(first, firstKeys, CaFixture.p256()), "PRTC0425E");
    assertThat(f.ca.checkAudit().intact()).isTrue();
  }

  @Test
  void pastTheGraceOrWithoutTheKeyTheOldCertificateStaysRefused() throws Exception {
    IssuedCertificate delivered = renew(first, firstKeys, CaFixture.p256());
    // A proof by another key: refused, and nothing revoked.
    assertRefused(() -> renew(first, CaFixture.p256(), CaFixture.p256()), "PRTC0424E");
    assertThat(f.ca.isRevoked("payments", delivered.sha256())).isFalse();
    // Past the grace the renewal counts as delivered: lineages never fork.
    f.clock.advance(Issuance.UNDELIVERED_GRACE.plusSeconds(1));
    assertRefused(() -> renew(first, firstKeys, CaFixture.p256()), "PRTC0425E");
    assertThat(f.ca.isRevoked("payments", delivered.sha256())).isFalse();
  }

  interface Call {
    void run() throws Exception;
  }

  private static void assertRefused(Call call, String id) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo(id));
  }
}
