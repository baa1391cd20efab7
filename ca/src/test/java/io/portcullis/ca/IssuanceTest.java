package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.Csr;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.Decisions;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.TrustDecision;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssuanceTest {
  static final String API = CaFixture.PREFIX + "api";

  @TempDir Path temp;
  CaFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new CaFixture(temp);
  }

  @Test
  void aLeafTheCaIssuedValidatesWithTheTrustCore() throws Exception {
    JoinToken token = f.register("api", "api.payments.corp.example");
    KeyPair keys = CaFixture.p256();
    IssuedCertificate issued =
        f.ca.issue(
            token.token(), CaFixture.csr(keys, API, "api.payments.corp.example"), null, "bob");
    X509Certificate leaf = issued.certificate();

    PkixTrustValidator validator = new PkixTrustValidator(f.ca.trustAreas(), f.clock);
    TrustDecision asClient = validator.validate(issued.chain(), Purpose.CLIENT);
    assertThat(asClient.accepted()).as(asClient.explain()).isTrue();
    assertThat(Decisions.area(asClient)).isEqualTo("payments");
    assertThat(validator.validate(issued.chain(), Purpose.SERVER).accepted()).isTrue();

    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(6, API), List.of(2, "api.payments.corp.example"));
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getKeyUsage()[0]).isTrue();
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    assertThat(leaf.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
    assertThat(leaf.getExtensionValue(Extension.cRLDistributionPoints.getId())).isNotNull();
    assertThat(Lineage.previousSha256(leaf)).isEmpty();
    // A real expiry: exactly the registration's maximum (1 day), within the area's 7 days.
    assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(1));
    assertThat(f.audit().get(f.audit().size() - 1))
        .contains("\"event\":\"issue\"", "\"operator\":\"bob\"", issued.sha256(), API);
  }

  @Test
  void aCsrWithoutNamesGetsTheRegisteredOnesAndAShorterLifetimeOnRequest() throws Exception {
    JoinToken token = f.register("api", "api.payments.corp.example");
    IssuedCertificate issued =
        f.ca.issue(
            token.token(),
            Csr.create(CaFixture.p256(), null, List.of()).request(),
            Duration.ofHours(2),
            "bob");
    assertThat(issued.certificate().getSubjectAlternativeNames()).hasSize(2);
    assertThat(
            Duration.between(
                issued.certificate().getNotBefore().toInstant(),
                issued.certificate().getNotAfter().toInstant()))
        .isEqualTo(Duration.ofHours(2));
  }

  @Test
  void issuanceWithoutAValidTokenIsRefusedAndChangesNothing() throws Exception {
    JoinToken token = f.register("api");
    PKCS10CertificationRequest csr = CaFixture.csr(CaFixture.p256(), API);
    Map<String, String> before = f.snapshot();
    for (String bad :
        new String[] {
          null, "", "nonsense", token.token() + "x", token.token().replace("ptj1.", "ptj1.0")
        }) {
      assertRefused(() -> f.ca.issue(bad, csr, null, "bob"), "PRTC0418E");
    }
    assertThat(f.snapshot()).isEqualTo(before);
    assertThat(f.audit().get(f.audit().size() - 1))
        .contains("\"event\":\"refuse\"", "PRTC0418E", "\"operator\":\"bob\"");
  }

  @Test
  void aJoinTokenWorksOnceAndNotAfterItExpires() throws Exception {
    JoinToken token = f.register("api");
    f.ca.issue(token.token(), CaFixture.csr(CaFixture.p256(), API), null, "bob");
    Map<String, String> before = f.snapshot();
    assertRefused(
        () -> f.ca.issue(token.token(), CaFixture.csr(CaFixture.p256(), API), null, "bob"),
        "PRTC0419E");
    assertThat(f.snapshot()).isEqualTo(before);

    JoinToken late = f.register("late");
    f.clock.advance(Duration.ofHours(1));
    assertRefused(
        () ->
            f.ca.issue(
                late.token(),
                CaFixture.csr(CaFixture.p256(), CaFixture.PREFIX + "late"),
                null,
                "bob"),
        "PRTC0420E");
    // A new token replaces the old one and works.
    JoinToken again = f.ca.newJoinToken(CaFixture.PREFIX + "late", Duration.ofMinutes(10), "alice");
    assertRefused(
        () ->
            f.ca.issue(
                late.token(),
                CaFixture.csr(CaFixture.p256(), CaFixture.PREFIX + "late"),
                null,
                "bob"),
        "PRTC0418E");
    assertThat(
            f.ca.issue(
                again.token(),
                CaFixture.csr(CaFixture.p256(), CaFixture.PREFIX + "late"),
                null,
                "bob"))
        .isNotNull();
  }

  @Test
  void aTamperedCsrSignatureIsRefused() throws Exception {
    JoinToken token = f.register("api");
    byte[] der = CaFixture.csr(CaFixture.p256(), API).getEncoded();
    der[der.length - 5] ^= 0x01; // inside the signature
    PKCS10CertificationRequest tampered = new PKCS10CertificationRequest(der);
    Map<String, String> before = f.snapshot();
    assertRefused(() -> f.ca.issue(token.token(), tampered, null, "bob"), "PRTC0415E");
    // A CSR whose key was swapped after signing fails the same way.
    PKCS10CertificationRequest signedByOther =
        new JcaPKCS10CertificationRequestBuilder(new X500Name(""), CaFixture.p256().getPublic())
            .build(
                new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(CaFixture.p256().getPrivate()));
    assertRefused(() -> f.ca.issue(token.token(), signedByOther, null, "bob"), "PRTC0415E");
    assertThat(f.snapshot()).isEqualTo(before);
    // The token is still unused: the refusal did not consume it.
    assertThat(f.ca.issue(token.token(), CaFixture.csr(CaFixture.p256(), API), null, "bob"))
        .isNotNull();
  }

  @Test
  void aKeyWeakerThanPolicyOrOfAnotherTypeIsRefused() throws Exception {
    JoinToken token = f.register("api");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPair weak = rsa.generateKeyPair();
    PKCS10CertificationRequest weakCsr =
        new JcaPKCS10CertificationRequestBuilder(new X500Name(""), weak.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(weak.getPrivate()));
    assertRefused(() -> f.ca.issue(token.token(), weakCsr, null, "bob"), "PRTC0416E");
    KeyPair p384 = KeyType.P384.generate(CaFixture.RANDOM);
    assertRefused(
        () -> f.ca.issue(token.token(), Csr.create(p384, API, List.of()).request(), null, "bob"),
        "PRTC0416E");
  }

  @Test
  void namesOutsideTheRegistrationAreRefusedNotDropped() throws Exception {
    JoinToken token = f.register("api", "api.payments.corp.example");
    Map<String, String> before = f.snapshot();
    assertRefused(
        () ->
            f.ca.issue(
                token.token(),
                CaFixture.csr(
                    CaFixture.p256(), API, "api.payments.corp.example", "db.payments.corp.example"),
                null,
                "bob"),
        "PRTC0417E");
    assertRefused(
        () ->
            f.ca.issue(
                token.token(),
                CaFixture.csr(CaFixture.p256(), CaFixture.PREFIX + "admin"),
                null,
                "bob"),
        "PRTC0417E");
    KeyPair keys = CaFixture.p256();
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    extensions.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "10.0.0.1")));
    PKCS10CertificationRequest ip =
        new JcaPKCS10CertificationRequestBuilder(
                new X500Name("CN=api.payments.corp.example"), keys.getPublic())
            .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    assertRefused(() -> f.ca.issue(token.token(), ip, null, "bob"), "PRTC0417E");
    PKCS10CertificationRequest cn =
        new JcaPKCS10CertificationRequestBuilder(
                new X500Name("CN=www.evil.example"), keys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    assertRefused(() -> f.ca.issue(token.token(), cn, null, "bob"), "PRTC0417E");
    assertThat(f.snapshot()).isEqualTo(before);
  }

  @Test
  void noCertificateOutlivesTheMaximum() throws Exception {
    JoinToken token = f.register("api");
    assertRefused(
        () ->
            f.ca.issue(
                token.token(), CaFixture.csr(CaFixture.p256(), API), Duration.ofDays(2), "bob"),
        "PRTC0426E");
  }

  @Test
  void registrationsMustFitTheirArea() throws Exception {
    assertRefused(() -> f.register("../x"), "PRTC0201E");
    assertRefused(
        () ->
            f.ca.register(
                new WorkloadRegistration(
                    "payments",
                    "spiffe://corp.example/orders/api",
                    List.of(),
                    KeyType.P256,
                    Duration.ofDays(1),
                    Set.of(Usage.CLIENT),
                    "alice",
                    Duration.ofHours(1)),
                "alice"),
        "PRTC0411E");
    assertRefused(() -> f.register("api", "api.orders.corp.example"), "PRTC0430E");
    assertRefused(
        () ->
            f.ca.register(
                new WorkloadRegistration(
                    "payments",
                    API,
                    List.of(),
                    KeyType.P256,
                    Duration.ofDays(8),
                    Set.of(Usage.CLIENT),
                    "alice",
                    Duration.ofHours(1)),
                "alice"),
        "PRTC0431E");
    // Each way a registration can fail to fit has its own ID, and the message names the value.
    assertThatThrownBy(
            () ->
                f.ca.register(
                    new WorkloadRegistration(
                        "payments",
                        API,
                        List.of(),
                        KeyType.P256,
                        Duration.ofDays(1),
                        Set.of(),
                        "alice",
                        Duration.ofHours(1)),
                    "alice"))
        .hasMessageStartingWith("PRTC0432E")
        .hasMessageContaining(API);
    assertThatThrownBy(
            () ->
                f.ca.register(
                    new WorkloadRegistration(
                        "payments",
                        API,
                        List.of(),
                        KeyType.P256,
                        Duration.ofDays(1),
                        Set.of(Usage.SERVER),
                        " ",
                        Duration.ofHours(1)),
                    "alice"))
        .hasMessageStartingWith("PRTC0433E");
    assertRefused(
        () ->
            f.ca.register(
                new WorkloadRegistration(
                    "nowhere",
                    API,
                    List.of(),
                    KeyType.P256,
                    Duration.ofDays(1),
                    Set.of(Usage.CLIENT),
                    "alice",
                    Duration.ofHours(1)),
                "alice"),
        "PRTC0407E");
    f.register("api");
    assertRefused(() -> f.register("api"), "PRTC0412E");
  }

  @Test
  void aClientOnlyRegistrationGetsOnlyClientAuth() throws Exception {
    JoinToken token =
        f.ca.register(
            new WorkloadRegistration(
                "payments",
                API,
                List.of(),
                KeyType.P256,
                Duration.ofHours(1),
                Set.of(Usage.CLIENT),
                "alice",
                Duration.ofHours(1)),
            "alice");
    IssuedCertificate issued =
        f.ca.issue(token.token(), CaFixture.csr(CaFixture.p256(), API), null, "bob");
    assertThat(issued.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    PkixTrustValidator validator = new PkixTrustValidator(f.ca.trustAreas(), f.clock);
    assertThat(Decisions.id(validator.validate(issued.chain(), Purpose.SERVER)))
        .isEqualTo("PRTC0106E");
  }

  static void assertRefused(ThrowingCall call, String messageId) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> assertThat(e.messageId()).as(e.getMessage()).isEqualTo(messageId));
  }

  @FunctionalInterface
  interface ThrowingCall {
    Object run() throws Exception;
  }
}
