package io.portcullis.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.acme.testing.Pebble;
import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.RenewalAgent;
import io.portcullis.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewal agent against a real ACME server (Debian's pebble, EAB required, 60 s certificates,
 * http-01 validated for real, 5% of nonces rejected): fresh keys each time, the account made with
 * its EAB, and every refusal leaving the key store as it was.
 */
class AcmeIssuerTest {
  private static final char[] PASSWORD = "acme-p12".toCharArray();

  @TempDir static Path shared;
  static Pebble pebble;

  @TempDir Path temp;
  Path p12;
  Path root;
  final List<KeyMaterial> swapped = new CopyOnWriteArrayList<>();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  static void startPebble() throws Exception {
    pebble = Pebble.start(shared.resolve("pebble"), 60);
  }

  @AfterAll
  static void stopPebble() throws Exception {
    if (pebble != null) {
      pebble.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    // The first certificate may come from anywhere: ACME renews the names it carries. RSA: pebble
    // marks every leaf for key encipherment, which RFC 5280 allows for RSA keys only (below).
    p12 = temp.resolve("keys/server.p12");
    Files.createDirectories(p12.getParent());
    TestPki.root("CN=bootstrap")
        .issue("CN=localhost", TestPki.rsaKeyPair(2048))
        .dnsSan("localhost")
        .serverAuth()
        .clientAuth()
        .issueLeaf()
        .writePkcs12(p12, "server", PASSWORD);
    root = pebble.writeRoot(temp.resolve("pebble-root.pem"));
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  @Test
  void threeRenewalsFromAnAcmeServerWithEabEachMakeAFreshKey() throws Exception {
    RenewalAgent agent = agent(Map.of());
    Set<PublicKey> keys =
        new HashSet<>(Set.of(KeySource.of(config(Map.of())).load().certificate().getPublicKey()));
    X509Certificate last = null;
    for (int i = 0; i < 3; i++) {
      last = agent.renewNow().certificate();
      assertThat(keys.add(last.getPublicKey())).as("renewal %d reuses a key", i + 1).isTrue();
      assertThat(
              last.getSubjectAlternativeNames().stream()
                  .map(san -> String.valueOf(san.get(1)))
                  .toList())
          .containsExactly("localhost");
      assertThat(Duration.between(last.getNotBefore().toInstant(), last.getNotAfter().toInstant()))
          .as("pebble's configured validity")
          .isLessThanOrEqualTo(Duration.ofSeconds(61));
    }
    KeyMaterial served = KeySource.of(config(Map.of())).load();
    assertThat(served.certificate()).isEqualTo(last);
    assertValidatesTo(served.chain(), pebble.writeRoot(temp.resolve("check.pem")));
    assertThat(swapped).hasSize(3);
    Path accountKey = temp.resolve("acme/account.pem");
    assertThat(Files.getPosixFilePermissions(accountKey))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(accountKey)).doesNotContain(pebble.eabKey());
  }

  @Test
  void aWrongEabKeyIsRefusedAndTheKeyStoreStaysAsItWas() throws Exception {
    String wrong = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    RenewalAgent agent = agent(Map.of("acmeEabKey", wrong));
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(agent::renewNow)
        .hasMessageStartingWith("PRTC0601E")
        .hasMessageContaining(
            "at account registration with EAB: problem urn:ietf:params:acme:error:");

    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(swapped).isEmpty();
  }

  @Test
  void withoutAPortToAnswerOnAPendingNameIsRefusedWithWhatToDo() throws Exception {
    Map<String, String> noPort = new HashMap<>();
    noPort.put("acmeHttpPort", "");
    noPort.put("acmeAccountKey", temp.resolve("fresh-account.pem").toString());
    RenewalAgent agent = agent(noPort);
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(agent::renewNow)
        .hasMessageStartingWith("PRTC0604E")
        .hasMessageContaining("localhost");

    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
  }

  @Test
  void aSpiffeIdentityIsNotRenewedIntoADnsOne() throws Exception {
    TestPki.root("CN=spiffe bootstrap")
        .issue("CN=api", TestPki.rsaKeyPair(2048))
        .uriSan("spiffe://corp.example/api")
        .dnsSan("localhost")
        .serverAuth()
        .issueLeaf()
        .writePkcs12(p12, "server", PASSWORD);
    RenewalAgent agent = agent(Map.of());

    assertThatThrownBy(agent::renewNow)
        .hasMessageStartingWith("PRTC0603E")
        .hasMessageContaining("spiffe://corp.example/api");
    assertThat(swapped).isEmpty();
  }

  @Test
  void aLeafWhoseKeyUsageDoesNotFitItsKeyIsNotSwapped() throws Exception {
    // pebble 2.4 marks an EC leaf for key encipherment; peers that follow RFC 5280 (Portcullis
    // among them) would refuse it, so the agent does not serve it.
    TestPki.root("CN=ec bootstrap")
        .issue("CN=localhost")
        .dnsSan("localhost")
        .serverAuth()
        .issueLeaf()
        .writePkcs12(p12, "server", PASSWORD);
    RenewalAgent agent = agent(Map.of());
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(agent::renewNow)
        .hasMessageStartingWith("PRTC0543E")
        .hasMessageContaining("PRTC0123E");

    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(swapped).isEmpty();
  }

  @Test
  void aChainFromAnotherRootIsNotSwapped() throws Exception {
    Files.writeString(root, TestPki.pem(TestPki.root("CN=not pebble").certificate()));
    RenewalAgent agent = agent(Map.of());
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(agent::renewNow).hasMessageStartingWith("PRTC0543E");

    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
  }

  @Test
  void whileTheAcmeServerIsDownTheOldCredentialStaysAndItRenewsWhenItIsBack() throws Exception {
    RenewalAgent agent = agent(Map.of());
    byte[] before = Files.readAllBytes(p12);
    pebble.stop();
    try {
      assertThatThrownBy(agent::renewNow)
          .hasMessageStartingWith("PRTC0601E")
          .hasMessageContaining(pebble.directory().toString())
          .hasMessageContaining("at the directory: ");
      assertThat(Files.readAllBytes(p12)).isEqualTo(before);
      try (var siblings = Files.list(p12.getParent())) {
        assertThat(siblings).containsOnly(p12);
      }
    } finally {
      pebble.start();
    }
    pebble.writeRoot(root); // pebble makes a new root at each start; caRoot is read per renewal
    assertThat(agent.renewNow().certificate().getSubjectAlternativeNames()).isNotEmpty();
  }

  @Test
  void settingsTheIssuerCannotUseAreRefusedWhenRead() throws Exception {
    assertThatThrownBy(() -> AcmeIssuer.of(config(Map.of("caRoot", "/nonexistent.pem")).renewal()))
        .hasMessageStartingWith("PRTC0501E")
        .hasMessageContaining("caRoot /nonexistent.pem");
    Files.writeString(
        temp.resolve("leaf.pem"), TestPki.pem(KeySource.of(config(Map.of())).load().certificate()));
    assertThatThrownBy(
            () ->
                AcmeIssuer.of(
                    config(Map.of("acmeTrust", temp.resolve("leaf.pem").toString())).renewal()))
        .hasMessageStartingWith("PRTC0501E")
        .hasMessageContaining("no CA certificate");
    Files.writeString(temp.resolve("garbage.pem"), "not a key");
    Files.setPosixFilePermissions(
        temp.resolve("garbage.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    RenewalAgent agent = agent(Map.of("acmeAccountKey", temp.resolve("garbage.pem").toString()));
    assertThatThrownBy(agent::renewNow).hasMessageStartingWith("PRTC0607E");
  }

  private KeySourceConfig config(Map<String, String> extra) throws PortcullisException {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("type", "pkcs12");
    attributes.put("file", p12.toString());
    attributes.put("password", new String(PASSWORD));
    attributes.put("renew", "acme");
    attributes.put("acmeDirectory", pebble.directory().toString());
    attributes.put("acmeAccountKey", temp.resolve("acme/account.pem").toString());
    attributes.put("acmeEabKid", Pebble.EAB_KID);
    attributes.put("acmeEabKeyEnv", "TEST_EAB_KEY");
    attributes.put("acmeTrust", pebble.listenerTrust().toString());
    attributes.put("acmeHttpPort", String.valueOf(pebble.httpPort()));
    attributes.put("caRoot", root.toString());
    attributes.put("renewJitter", "0");
    attributes.putAll(extra);
    if (attributes.containsKey("acmeEabKey")) {
      attributes.remove("acmeEabKeyEnv");
    }
    return KeySourceConfig.fromMap(attributes, Map.of("TEST_EAB_KEY", pebble.eabKey()));
  }

  private RenewalAgent agent(Map<String, String> extra) throws PortcullisException {
    KeySourceConfig config = config(extra);
    return RenewalAgent.create(
        "server",
        config,
        KeySource.of(config),
        AcmeIssuer.of(config.renewal()),
        swapped::add,
        scheduler,
        Clock.systemUTC());
  }

  private static void assertValidatesTo(List<X509Certificate> chain, Path rootFile)
      throws Exception {
    X509Certificate anchor =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(rootFile));
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
  }
}
