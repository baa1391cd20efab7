package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.testing.LogCapture;
import io.portcullis.keys.testing.ModuleTokens;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.keys.testing.TlsHandshake;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKCS#11 key source against a real SoftHSM2 token started for this run. */
class Pkcs11KeySourceTest {
  static final String LABEL = ModuleTokens.KEYS;
  static final String PIN = ModuleTokens.PIN;

  /** A token no test logs in to, so a wrong PIN reaches the token's own C_Login. */
  static final String NEVER_LOGGED_IN = ModuleTokens.NEVER_LOGGED_IN;

  static SoftHsm hsm;
  static TestPki.Ca ca;
  static KeyMaterial server;
  static KeyMaterial client;

  @BeforeAll
  static void tokenWithTwoKeys() throws Exception {
    hsm = ModuleTokens.ready();
    ca = TestPki.root("CN=Token Test Root");
    server = issueInToken("server", KeyType.P256, "CN=orders", false);
    client = issueInToken("client", KeyType.RSA2048, "CN=billing", true);
  }

  /** Generate in the token, CSR from the token key, CA signs it, chain stored back. */
  static KeyMaterial issueInToken(
      String alias, KeyType algorithm, String subject, boolean clientAuth) throws Exception {
    TokenKeys keys = TokenKeys.open(config(alias));
    keys.generate(alias, algorithm);
    Csr csr =
        keys.csr(
            alias,
            subject,
            List.of("orders.example.test"),
            List.of("spiffe://example.test/" + alias));
    JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(csr.request());
    assertThat(
            request.isSignatureValid(
                new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                    .build(request.getPublicKey())))
        .isTrue();
    TestPki.CertBuilder builder =
        ca.issue(subject, new KeyPair(request.getPublicKey(), null))
            .uriSan("spiffe://example.test/" + alias)
            .dnsSan("localhost");
    if (clientAuth) {
      builder.clientAuth();
    } else {
      builder.serverAuth();
    }
    TestPki.Leaf leaf = builder.issueLeaf();
    keys.storeCertificate(alias, leaf.chain());
    return KeySource.of(config(alias)).load();
  }

  static KeySourceConfig config(String alias) throws PortcullisException {
    return KeySourceConfig.fromMap(hsm.keySource(LABEL, PIN, alias));
  }

  @BeforeEach
  void reload() throws Exception {
    // A logout (one test makes one) invalidates key handles; a running server reloads the same way.
    server = KeySource.of(config("server")).load();
    client = KeySource.of(config("client")).load();
  }

  @Test
  void serverAndClientKeysInTheTokenCompleteAnMtlsHandshake() throws Exception {
    assertThat(server.provider().getName()).startsWith("SunPKCS11-Portcullis-");
    assertThat(server.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=orders");

    TlsHandshake.Result result =
        TlsHandshake.run(
            SwappableKeyManager.of(server), SwappableKeyManager.of(client), ca.certificate());

    assertThat(result.serverAsSeenByClient()).isEqualTo(server.certificate());
    assertThat(result.clientAsSeenByServer()).isEqualTo(client.certificate());
  }

  @Test
  void thePrivateKeyCannotBeExported(@TempDir Path dir) throws Exception {
    PrivateKey key = server.privateKey();
    assertThat(key.getEncoded()).isNull();
    assertThat(key.getFormat()).isNull();

    // The token's own key factory refuses to reveal the key material.
    KeyFactory tokenFactory = KeyFactory.getInstance("EC", server.provider());
    assertThatThrownBy(() -> tokenFactory.getKeySpec(key, ECPrivateKeySpec.class))
        .isInstanceOf(java.security.spec.InvalidKeySpecException.class);
    assertThatThrownBy(() -> tokenFactory.getKeySpec(key, PKCS8EncodedKeySpec.class))
        .isInstanceOf(java.security.spec.InvalidKeySpecException.class);
    // Translating into a software provider needs the encoding, which the token withholds.
    KeyFactory software = KeyFactory.getInstance("EC", "SunEC");
    assertThatThrownBy(() -> software.translateKey(key))
        .isInstanceOf(java.security.InvalidKeyException.class);
    // Copying the token entry into a PKCS#12 file fails: there is nothing to copy.
    KeyStore p12 = KeyStore.getInstance("PKCS12");
    p12.load(null, null);
    assertThatThrownBy(
            () -> {
              p12.setKeyEntry(
                  "copy", key, "pw".toCharArray(), server.chain().toArray(new X509Certificate[0]));
              try (var out = java.nio.file.Files.newOutputStream(dir.resolve("copy.p12"))) {
                p12.store(out, "pw".toCharArray());
              }
            })
        .isInstanceOf(Exception.class);
  }

  @Test
  void wrongPinRefusedByTheTokenIsReportedWithoutThePin() {
    assertThat(stackText(assertWrongPin(NEVER_LOGGED_IN))).contains("CKR_PIN_INCORRECT");
  }

  @Test
  void wrongPinForATokenAlreadyLoggedInIsReportedToo() {
    // The token stays logged in for the process, so SunPKCS11 alone would not check the PIN.
    assertWrongPin(LABEL);
  }

  PortcullisException assertWrongPin(String label) {
    String wrong = "wrong-pin-31337";
    Map<String, String> values = hsm.keySource(label, wrong, "server");
    try (LogCapture log = new LogCapture()) {
      PortcullisException failure =
          org.junit.jupiter.api.Assertions.assertThrows(
              PortcullisException.class,
              () -> KeySource.of(KeySourceConfig.fromMap(values)).load());
      assertThat(failure)
          .isInstanceOfSatisfying(
              PortcullisException.class,
              e -> {
                assertThat(e.messageId()).isEqualTo("PRTC0505E");
                assertThat(e.getMessage()).contains("wrong PIN").doesNotContain(wrong);
                assertThat(stackText(e)).doesNotContain(wrong).doesNotContain(PIN);
              });
      assertThat(log.text()).doesNotContain(wrong).doesNotContain(PIN);
      return failure;
    }
  }

  @Test
  void missingLibraryIsReported() {
    Map<String, String> values = hsm.keySource(LABEL, PIN, "server");
    values.put("library", "/nonexistent/libpkcs11.so");
    assertThatThrownBy(() -> KeySource.of(KeySourceConfig.fromMap(values)).load())
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0503E");
              assertThat(e.getMessage()).contains("/nonexistent/libpkcs11.so");
            });
  }

  @Test
  void absentTokenLabelIsReportedWithTheLabelsPresent() {
    Map<String, String> values = hsm.keySource("no-such-token", PIN, "server");
    assertThatThrownBy(() -> KeySource.of(KeySourceConfig.fromMap(values)).load())
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0504E");
              assertThat(e.getMessage()).contains("no-such-token").contains(LABEL);
            });
  }

  @Test
  void absentSlotIsReported() {
    Map<String, String> values = hsm.keySource(LABEL, PIN, "server");
    values.remove("tokenLabel");
    values.put("slotListIndex", "7");
    assertThatThrownBy(() -> KeySource.of(KeySourceConfig.fromMap(values)).load())
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0519E"));
  }

  @Test
  void missingAliasIsReportedWithTheAliasesPresent() {
    assertThatThrownBy(() -> KeySource.of(config("nobody")).load())
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0507E");
              assertThat(e.getMessage()).contains("nobody").contains("server").contains("client");
            });
  }

  @Test
  void aCertificateForAnotherKeyIsNotStored() throws Exception {
    TokenKeys keys = TokenKeys.open(config("server"));
    TestPki.Leaf other = ca.issue("CN=orders").serverAuth().issueLeaf();
    assertThatThrownBy(() -> keys.storeCertificate("server", other.chain()))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0508E"));
    assertThat(KeySource.of(config("server")).load().certificate()).isEqualTo(server.certificate());
  }

  @Test
  void generationNeverOverwritesAKey() throws Exception {
    TokenKeys keys = TokenKeys.open(config("server"));
    assertThatThrownBy(() -> keys.generate("server", KeyType.P256))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0520E"));
  }

  @Test
  void rotationInTheTokenSwapsAndABadSwapKeepsTheLastGoodMaterial() throws Exception {
    SwappableKeyManager serverKeys = SwappableKeyManager.of(server);
    SwappableKeyManager clientKeys = SwappableKeyManager.of(client);

    KeyMaterial rotated = issueInToken("server-2", KeyType.P256, "CN=orders", false);
    serverKeys.swap(rotated);
    assertThat(TlsHandshake.run(serverKeys, clientKeys, ca.certificate()).serverAsSeenByClient())
        .isEqualTo(rotated.certificate());

    // Material whose key has since been destroyed in the token is refused; the last good stays.
    KeyMaterial doomed = issueInToken("server-3", KeyType.P256, "CN=orders", false);
    TokenKeys.open(config("server-3")).delete("server-3");
    try (LogCapture log = new LogCapture()) {
      assertThatThrownBy(() -> serverKeys.swap(doomed)).isInstanceOf(PortcullisException.class);
      assertThat(log.text()).contains("PRTC0514W");
    }
    assertThat(serverKeys.current()).isSameAs(rotated);
    assertThat(TlsHandshake.run(serverKeys, clientKeys, ca.certificate()).serverAsSeenByClient())
        .isEqualTo(rotated.certificate());
  }

  @Test
  void aLoggedOutTokenIsLoggedInAgainAndItsKeysReloaded() throws Exception {
    SwappableKeyManager serverKeys = SwappableKeyManager.from(KeySource.of(config("server")));
    SwappableKeyManager clientKeys = SwappableKeyManager.from(KeySource.of(config("client")));
    ((AuthProvider) client.provider()).logout();
    try (LogCapture log = new LogCapture()) {
      // The token now refuses the old key handles; a swap of them is refused.
      assertThatThrownBy(() -> serverKeys.swap(serverKeys.current()))
          .isInstanceOf(PortcullisException.class);
      serverKeys.reload();
      clientKeys.reload();
      assertThat(log.text()).contains("PRTC0515W");
    }
    assertThat(TlsHandshake.run(serverKeys, clientKeys, ca.certificate()).clientAsSeenByServer())
        .isEqualTo(client.certificate());
  }

  @Test
  void aCsrCarriesTheTokenKeyAndTheNames() throws Exception {
    TokenKeys keys = TokenKeys.open(config("server"));
    Csr csr = keys.csr("server", "CN=orders,O=example", List.of("a.example"), List.of());
    PublicKey inCsr = new JcaPKCS10CertificationRequest(csr.request()).getPublicKey();
    assertThat(inCsr).isEqualTo(keys.material("server").certificate().getPublicKey());
    assertThat(csr.pem()).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
  }

  static String stackText(Throwable e) {
    java.io.StringWriter text = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }
}
