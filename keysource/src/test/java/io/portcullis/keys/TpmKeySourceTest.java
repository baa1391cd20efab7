package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.testing.ModuleTokens;
import io.portcullis.keys.testing.SwTpm;
import io.portcullis.keys.testing.TlsHandshake;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.ECPrivateKeySpec;
import java.util.List;
import java.util.Map;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TPM key source against swtpm behind tpm2-abrmd on a private D-Bus, started for this run. */
class TpmKeySourceTest {
  static final String LABEL = ModuleTokens.TPM;
  static final String PIN = ModuleTokens.TPM_PIN;

  static SwTpm tpm;
  static TestPki.Ca ca;

  @BeforeAll
  static void tpmWithAToken() {
    tpm = ModuleTokens.tpmReady();
    ca = TestPki.root("CN=TPM Test Root");
  }

  static KeySourceConfig config(String alias) throws PortcullisException {
    return KeySourceConfig.fromMap(tpm.keySource(LABEL, PIN, alias));
  }

  @Test
  void aKeyGeneratedInTheTpmServesAnMtlsHandshake() throws Exception {
    TokenKeys keys = TokenKeys.open(config("tpm-server"));
    keys.generate("tpm-server", KeyType.P256);
    Csr csr = keys.csr("tpm-server", "CN=tpm-server", List.of("localhost"), List.of());
    JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(csr.request());
    TestPki.Leaf leaf =
        ca.issue("CN=tpm-server", new KeyPair(request.getPublicKey(), null))
            .serverAuth()
            .dnsSan("localhost")
            .issueLeaf();
    keys.storeCertificate("tpm-server", leaf.chain());

    KeyMaterial server = KeySource.of(config("tpm-server")).load();
    assertThat(server.certificate()).isEqualTo(leaf.certificate());
    assertThat(server.privateKey().getEncoded()).isNull();
    assertThatThrownBy(
            () ->
                KeyFactory.getInstance("EC", server.provider())
                    .getKeySpec(server.privateKey(), ECPrivateKeySpec.class))
        .isInstanceOf(java.security.spec.InvalidKeySpecException.class);

    TestPki.Leaf client = ca.issue("CN=client").clientAuth().issueLeaf();
    java.security.KeyStore clientStore = java.security.KeyStore.getInstance("PKCS12");
    clientStore.load(null, null);
    KeyMaterial clientKeys =
        KeyMaterial.of("client", client.keys().getPrivate(), client.chain(), clientStore);

    TlsHandshake.Result result =
        TlsHandshake.run(
            SwappableKeyManager.of(server), SwappableKeyManager.of(clientKeys), ca.certificate());
    assertThat(result.serverAsSeenByClient()).isEqualTo(leaf.certificate());
    assertThat(result.clientAsSeenByServer()).isEqualTo(client.certificate());
  }

  @Test
  void wrongPinIsReported() {
    Map<String, String> values = tpm.keySource(LABEL, "not-the-pin-77", "tpm-server");
    assertThatThrownBy(() -> KeySource.of(KeySourceConfig.fromMap(values)).load())
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0505E");
              assertThat(e.getMessage()).doesNotContain("not-the-pin-77");
            });
  }
}
