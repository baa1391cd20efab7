package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CeremonyTest {
  @TempDir Path temp;

  @Test
  void initWritesTheVersionedLayoutAndAnEncryptedRootKeyReadableOnlyByItsOwner() throws Exception {
    CaFixture f = new CaFixture(temp);
    assertThat(f.dir.resolve("portcullis-ca.json")).content().contains("\"layoutVersion\" : 1");
    assertThat(Files.getPosixFilePermissions(f.rootKeyFile))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(f.dir.resolve("areas/payments/ca-key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    // The root key is not in the state directory, and the PKCS#12 needs the passphrase.
    assertThat(f.rootKeyFile.startsWith(f.dir)).isFalse();
    assertThatThrownBy(
            () -> RootKey.open(new RootKeySpec.Pkcs12(f.rootKeyFile, "wrong".toCharArray())))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0406E"));
    X509Certificate root = f.ca.rootCertificate();
    assertThat(root.getBasicConstraints()).isEqualTo(1);
    assertThat(f.audit().get(0)).contains("\"event\":\"init\"");
  }

  @Test
  void initRefusesAnExistingDirectory() throws Exception {
    CaFixture f = new CaFixture(temp);
    assertThatThrownBy(
            () ->
                CertificateAuthority.init(
                    f.dir,
                    CaSpec.of("Corp", "corp.example", null, KeyType.P384, Duration.ofDays(400)),
                    new RootKeySpec.Pkcs12(temp.resolve("other.p12"), "x".toCharArray()),
                    "op",
                    f.clock,
                    CaFixture.RANDOM))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0402E"));
  }

  @Test
  void rootKeyTypesOfTheCeremony() throws Exception {
    for (KeyType type : List.of(KeyType.P384, KeyType.RSA3072)) {
      Path dir = temp.resolve(type.name());
      CertificateAuthority ca =
          CertificateAuthority.init(
              dir.resolve("ca"),
              CaSpec.of("Corp", "corp.example", null, type, Duration.ofDays(400)),
              new RootKeySpec.Pkcs12(dir.resolve("root.p12"), "pw".toCharArray()),
              "op",
              new MutableClock(java.time.Instant.parse("2030-01-01T00:00:00Z")),
              CaFixture.RANDOM);
      assertThat(KeyType.of(ca.rootCertificate().getPublicKey())).isEqualTo(type);
    }
    assertThatThrownBy(
            () -> CaSpec.of("Corp", "corp.example", null, KeyType.RSA2048, Duration.ofDays(400)))
        .isInstanceOf(PortcullisException.class);
  }

  @Test
  void areaCreationNeedsTheRootKeyAndSaysSoWhenItIsAbsent() throws Exception {
    CaFixture f = new CaFixture(temp);
    AreaSpec spec =
        AreaSpec.of(
            "orders",
            "spiffe://corp.example/orders/",
            List.of(),
            Duration.ofDays(1),
            KeyType.P256,
            Duration.ofDays(365));
    var before = f.snapshot();
    assertThatThrownBy(() -> f.ca.createArea(spec, null, "op"))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0405E");
              assertThat(e.getMessage()).contains("offline root key");
            });
    Path moved = temp.resolve("elsewhere.p12");
    Files.move(f.rootKeyFile, moved);
    assertThatThrownBy(() -> RootKey.open(f.rootKeySpec))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0405E"));
    assertThat(f.snapshot()).isEqualTo(before);
    assertThat(f.audit().get(f.audit().size() - 1)).contains("PRTC0405E");
    // Another CA's root key is refused too.
    CertificateAuthority.init(
        temp.resolve("other"),
        CaSpec.of("Other", "corp.example", null, KeyType.P256, Duration.ofDays(400)),
        new RootKeySpec.Pkcs12(temp.resolve("other.p12"), "pw".toCharArray()),
        "op",
        f.clock,
        CaFixture.RANDOM);
    RootKey foreign =
        RootKey.open(new RootKeySpec.Pkcs12(temp.resolve("other.p12"), "pw".toCharArray()));
    assertThatThrownBy(() -> f.ca.createArea(spec, foreign, "op"))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0406E"));
  }

  @Test
  void theAreaIntermediateIsNameConstrainedWithPathLenZero() throws Exception {
    CaFixture f = new CaFixture(temp);
    Area area = f.ca.area("payments");
    X509Certificate intermediate = area.certificate();
    assertThat(intermediate.getBasicConstraints()).isZero();
    intermediate.verify(f.ca.rootCertificate().getPublicKey());
    var holder = new JcaX509CertificateHolder(intermediate);
    var ext = holder.getExtension(org.bouncycastle.asn1.x509.Extension.nameConstraints);
    assertThat(ext.isCritical()).isTrue();
    NameConstraints constraints = NameConstraints.getInstance(ext.getParsedValue());
    assertThat(constraints.getPermittedSubtrees())
        .extracting(GeneralSubtree::getBase)
        .containsExactly(
            new GeneralName(GeneralName.uniformResourceIdentifier, "corp.example"),
            new GeneralName(GeneralName.dNSName, "payments.corp.example"),
            new GeneralName(new org.bouncycastle.asn1.x500.X500Name("O=Corp,OU=payments")));
    assertThat(area.maxLeafLifetime()).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(
            () ->
                f.ca.createArea(
                    AreaSpec.of(
                        "payments",
                        CaFixture.PREFIX,
                        List.of(),
                        Duration.ofDays(1),
                        KeyType.P256,
                        Duration.ofDays(30)),
                    RootKey.open(f.rootKeySpec),
                    "op"))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0408E"));
    assertThatThrownBy(
            () ->
                f.ca.createArea(
                    AreaSpec.of(
                        "foreign",
                        "spiffe://evil.example/x/",
                        List.of(),
                        Duration.ofDays(1),
                        KeyType.P256,
                        Duration.ofDays(30)),
                    RootKey.open(f.rootKeySpec),
                    "op"))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0410E"));
  }
}
