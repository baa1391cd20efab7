package io.portcullis.ca;

import static io.portcullis.ca.IssuanceTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeyType;
import io.portcullis.testing.Decisions;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.TrustDecision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateAndValidationTest {
  static final String API = IssuanceTest.API;

  @TempDir Path temp;
  CaFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new CaFixture(temp);
  }

  @AfterEach
  void noCrash() {
    AtomicFiles.beforeRename = () -> {};
  }

  @Test
  void aCorruptedStateFileIsRefusedAuditedAndLeftAlone() throws Exception {
    JoinToken token = f.register("api");
    Path registration = f.dir.resolve("workloads").resolve(CaStore.workloadKey(API) + ".json");
    Files.writeString(registration, Files.readString(registration).replace("\"area\"", "\"aera\""));
    Map<String, String> before = f.snapshot();
    assertRefused(
        () -> f.ca.issue(token.token(), CaFixture.csr(CaFixture.p256(), API), null, "bob"),
        "PRTC0403E");
    assertThat(f.snapshot()).isEqualTo(before);
    assertThat(f.audit().get(f.audit().size() - 1)).contains("PRTC0403E", "\"event\":\"refuse\"");

    Files.writeString(f.dir.resolve("areas/payments/area.json"), "{\"layoutVersion\": 2}");
    assertRefused(() -> f.register("web"), "PRTC0403E");
    Files.writeString(f.dir.resolve("portcullis-ca.json"), "{ truncated");
    assertRefused(() -> CertificateAuthority.open(f.dir, f.clock, CaFixture.RANDOM), "PRTC0403E");
    assertRefused(
        () -> CertificateAuthority.open(temp.resolve("nothing"), f.clock, CaFixture.RANDOM),
        "PRTC0401E");
  }

  @Test
  void aCrashBeforeTheRenameLeavesThePreviousStateIntact() throws Exception {
    JoinToken token = f.register("api");
    Map<String, String> before = f.snapshot();
    int[] writes = {0};
    AtomicFiles.beforeRename =
        () -> {
          // The certificate file is written, then the registration: die before the latter lands.
          if (++writes[0] == 2) {
            throw new UncheckedIOException(new IOException("simulated power cut"));
          }
        };
    assertRefused(
        () -> f.ca.issue(token.token(), CaFixture.csr(CaFixture.p256(), API), null, "bob"),
        "PRTC0445E");
    AtomicFiles.beforeRename = () -> {};
    Map<String, String> after = f.snapshot();
    // Only an orphan certificate file may remain; no temp file, the registration is unchanged.
    after.keySet().removeIf(name -> name.startsWith("certs/"));
    assertThat(after).isEqualTo(before);
    try (Stream<Path> walk = Files.walk(f.dir)) {
      assertThat(walk.map(Path::toString).filter(p -> p.endsWith(".tmp"))).isEmpty();
    }
    // The CA reopens and the token still works.
    CertificateAuthority reopened = CertificateAuthority.open(f.dir, f.clock, CaFixture.RANDOM);
    assertThat(reopened.issue(token.token(), CaFixture.csr(CaFixture.p256(), API), null, "bob"))
        .isNotNull();
  }

  @Test
  void aCertificateForgedOutsideTheAreaConstraintsIsRefusedAtValidation() throws Exception {
    // Someone with the area key (or a CA bug) signs names the area does not permit.
    PrivateKey areaKey =
        Pem.privateKey(Files.readString(f.dir.resolve("areas/payments/ca-key.pem")));
    X509Certificate intermediate = f.ca.area("payments").certificate();
    PkixTrustValidator validator = new PkixTrustValidator(f.ca.trustAreas(), f.clock);

    X509Certificate good = forge(areaKey, intermediate, "spiffe://corp.example/payments/x", null);
    TrustDecision control = validator.validate(List.of(good, intermediate), Purpose.CLIENT);
    assertThat(control.accepted()).as(control.explain()).isTrue();

    X509Certificate otherDomain =
        forge(areaKey, intermediate, "spiffe://evil.example/payments/x", null);
    assertThat(validator.validate(List.of(otherDomain, intermediate), Purpose.CLIENT).accepted())
        .isFalse();
    X509Certificate otherDns =
        forge(areaKey, intermediate, "spiffe://corp.example/payments/x", "www.evil.example");
    assertThat(validator.validate(List.of(otherDns, intermediate), Purpose.CLIENT).accepted())
        .isFalse();
    // The trust domain is the area's, so the intermediate's URI name constraint (a host) lets it
    // through; the area's scope (its SPIFFE prefix) does not.
    X509Certificate otherArea =
        forge(areaKey, intermediate, "spiffe://corp.example/orders/admin", null);
    TrustDecision escaped = validator.validate(List.of(otherArea, intermediate), Purpose.CLIENT);
    assertThat(escaped.accepted()).isFalse();
    assertThat(Decisions.id(escaped)).isEqualTo("PRTC0145E");
    // The same names are refused at issuance.
    assertRefused(() -> f.register("x", "www.evil.example"), "PRTC0430E");
  }

  private X509Certificate forge(
      PrivateKey areaKey, X509Certificate intermediate, String uri, String dns) throws Exception {
    return forge(areaKey, intermediate, "O=Corp,OU=payments", uri, dns);
  }

  private X509Certificate forge(
      PrivateKey areaKey, X509Certificate intermediate, String subject, String uri, String dns)
      throws Exception {
    KeyPair keys = CaFixture.p256();
    Instant now = f.clock.instant();
    var builder =
        new JcaX509v3CertificateBuilder(
            intermediate,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plus(Duration.ofHours(1))),
            new X500Name(subject),
            keys.getPublic());
    GeneralNames names =
        dns == null
            ? new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri))
            : new GeneralNames(
                new GeneralName[] {
                  new GeneralName(GeneralName.uniformResourceIdentifier, uri),
                  new GeneralName(GeneralName.dNSName, dns)
                });
    builder.addExtension(Extension.subjectAlternativeName, false, names);
    builder.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    // A well-formed forgery, so that only the names can be what refuses it.
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(intermediate));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(areaKey)));
  }

  @Test
  void anAreaKeyCannotSignAnotherOrganisationOrAreaIntoTheSubject() throws Exception {
    // dn.O / dn.OU rules read the subject: the intermediate permits only O=Corp, OU=payments.
    // (No host-like CN here: the JDK checks such a CN against the DNS constraints too.)
    PrivateKey areaKey =
        Pem.privateKey(Files.readString(f.dir.resolve("areas/payments/ca-key.pem")));
    X509Certificate intermediate = f.ca.area("payments").certificate();
    PkixTrustValidator validator = new PkixTrustValidator(f.ca.trustAreas(), f.clock);
    String id = "spiffe://corp.example/payments/x";

    for (String subject : List.of("O=Corp,OU=orders", "O=Evil,OU=payments", "O=Corp")) {
      X509Certificate spoofed = forge(areaKey, intermediate, subject, id, null);
      TrustDecision decision = validator.validate(List.of(spoofed, intermediate), Purpose.CLIENT);
      assertThat(decision.accepted()).as(subject).isFalse();
    }
    X509Certificate own = forge(areaKey, intermediate, "O=Corp,OU=payments", id, null);
    assertThat(validator.validate(List.of(own, intermediate), Purpose.CLIENT).accepted()).isTrue();
  }

  @Test
  void anAreaWithoutDnsNamesCanSignNone() throws Exception {
    f.ca.createArea(
        AreaSpec.of(
            "orders",
            "spiffe://corp.example/orders/",
            List.of(),
            Duration.ofDays(7),
            KeyType.P256,
            Duration.ofDays(1825)),
        RootKey.open(f.rootKeySpec),
        "root-ceremony");
    PrivateKey areaKey = Pem.privateKey(Files.readString(f.dir.resolve("areas/orders/ca-key.pem")));
    X509Certificate intermediate = f.ca.area("orders").certificate();
    // Only the root's validation: no area scope, so the intermediate's constraint alone decides.
    PkixTrustValidator validator =
        new PkixTrustValidator(
            List.of(
                new io.portcullis.trust.TrustArea(
                    "orders", List.of(f.ca.rootCertificate()), List.of(intermediate))),
            f.clock);
    String subject = "O=Corp,OU=orders";
    String id = "spiffe://corp.example/orders/x";

    X509Certificate plain = forge(areaKey, intermediate, subject, id, null);
    X509Certificate withDns = forge(areaKey, intermediate, subject, id, "www.corp.example");
    assertThat(validator.validate(List.of(plain, intermediate), Purpose.CLIENT).accepted())
        .isTrue();
    assertThat(validator.validate(List.of(withDns, intermediate), Purpose.CLIENT).accepted())
        .isFalse();
  }

  @Test
  void everyStepIsInTheAuditLog() throws Exception {
    JoinToken token = f.register("api");
    IssuedCertificate issued =
        f.ca.issue(token.token(), CaFixture.csr(CaFixture.p256(), API), null, "bob");
    f.ca.revoke(issued.sha256(), "superseded", "carol");
    List<String> audit = f.audit();
    assertThat(audit)
        .anySatisfy(l -> assertThat(l).contains("\"event\":\"init\""))
        .anySatisfy(l -> assertThat(l).contains("\"event\":\"area-create\""))
        .anySatisfy(l -> assertThat(l).contains("\"event\":\"register\"", "approvedBy=alice"))
        .anySatisfy(
            l -> assertThat(l).contains("\"event\":\"issue\"", issued.sha256(), "\"serial\""))
        .anySatisfy(l -> assertThat(l).contains("\"event\":\"revoke\"", "\"operator\":\"carol\""));
    assertThat(String.join("", audit)).doesNotContain(token.token());
  }
}
