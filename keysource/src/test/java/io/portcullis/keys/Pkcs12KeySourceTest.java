package io.portcullis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.testing.TlsHandshake;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12KeySourceTest {
  @TempDir Path dir;

  @Test
  void loadsAFileKeyAndServesAHandshake() throws Exception {
    TestPki.Ca ca = TestPki.root("CN=File Root");
    TestPki.Leaf server = ca.issue("CN=server").serverAuth().issueLeaf();
    TestPki.Leaf client = ca.issue("CN=client").clientAuth().issueLeaf();
    server.writePkcs12(dir.resolve("server.p12"), "server", "changeit".toCharArray());
    client.writePkcs12(dir.resolve("client.p12"), "client", "changeit".toCharArray());

    KeyMaterial serverKeys = load("server.p12", "changeit");
    assertThat(serverKeys.alias()).isEqualTo("server");
    KeyMaterial clientKeys = load("client.p12", "changeit");
    assertThat(
            TlsHandshake.run(
                    SwappableKeyManager.of(serverKeys),
                    SwappableKeyManager.of(clientKeys),
                    ca.certificate())
                .serverAsSeenByClient())
        .isEqualTo(server.certificate());
  }

  @Test
  void wrongPasswordAndMissingFileAreReported() throws Exception {
    TestPki.root("CN=File Root")
        .issue("CN=server")
        .issueLeaf()
        .writePkcs12(dir.resolve("server.p12"), "server", "changeit".toCharArray());
    assertThatThrownBy(() -> load("server.p12", "nope-9931"))
        .isInstanceOfSatisfying(
            PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0512E");
              assertThat(e.getMessage()).doesNotContain("nope-9931");
            });
    assertThatThrownBy(() -> load("absent.p12", "changeit"))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0511E"));
  }

  @Test
  void aSwapToACertificateForAnotherKeyKeepsTheLastGoodMaterial() throws Exception {
    TestPki.Ca ca = TestPki.root("CN=File Root");
    TestPki.Leaf good = ca.issue("CN=server").serverAuth().issueLeaf();
    TestPki.Leaf other = ca.issue("CN=server").serverAuth().issueLeaf();
    good.writePkcs12(dir.resolve("good.p12"), "server", "changeit".toCharArray());
    SwappableKeyManager keys = SwappableKeyManager.of(load("good.p12", "changeit"));

    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    assertThatThrownBy(
            () -> KeyMaterial.of("server", good.keys().getPrivate(), other.chain(), empty))
        .isInstanceOfSatisfying(
            PortcullisException.class, e -> assertThat(e.messageId()).isEqualTo("PRTC0508E"));
    assertThat(keys.current().certificate()).isEqualTo(good.certificate());
  }

  private KeyMaterial load(String file, String password) throws PortcullisException {
    return KeySource.of(
            KeySourceConfig.fromMap(
                Map.of(
                    "type", "pkcs12", "file", dir.resolve(file).toString(), "password", password),
                Map.of()))
        .load();
  }
}
