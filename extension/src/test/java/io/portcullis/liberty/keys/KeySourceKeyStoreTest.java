package io.portcullis.liberty.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourceKeyStoreTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Area");
  private static final PortcullisProvider PROVIDER = new PortcullisProvider();

  @TempDir Path dir;

  @BeforeEach
  @AfterEach
  void nothingPublished() {
    KeySourceRegistry.reset();
    KeySourceKeyStore.forgetLastGood();
  }

  private KeySource pkcs12(String file, String alias) throws Exception {
    return KeySource.of(
        KeySourceConfig.fromMap(
            Map.of(
                "type",
                "pkcs12",
                "file",
                dir.resolve(file).toString(),
                "password",
                "changeit",
                "alias",
                alias)));
  }

  private static KeyStore store() throws Exception {
    return KeyStore.getInstance(PortcullisProvider.KEY_STORE_TYPE, PROVIDER);
  }

  @Test
  void everyKeySourceIsAKeyEntryUnderItsName() throws Exception {
    TestPki.Leaf server = AREA.issue("CN=server").serverAuth().issueLeaf();
    TestPki.Leaf client = AREA.clientLeaf("CN=client", "spiffe://corp/client");
    server.writePkcs12(dir.resolve("server.p12"), "s", "changeit".toCharArray());
    client.writePkcs12(dir.resolve("client.p12"), "c", "changeit".toCharArray());
    Map<String, KeySource> sources = new LinkedHashMap<>();
    sources.put("server", pkcs12("server.p12", "s"));
    sources.put("outbound", pkcs12("client.p12", "c"));
    KeySourceRegistry.publish(new KeySourceRegistry.Published(sources, null));

    KeyStore store = store();
    store.load(null, "ignored".toCharArray());
    assertThat(Collections.list(store.aliases())).containsExactly("server", "outbound");
    assertThat(store.isKeyEntry("server")).isTrue();
    assertThat(store.getCertificate("outbound")).isEqualTo(client.certificate());
    assertThat(store.getCertificateChain("server")).hasSize(2);
    assertThat(store.getCertificateAlias(server.certificate())).isEqualTo("server");

    // What Liberty does with it: a key manager that serves each alias.
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, "ignored".toCharArray());
    X509KeyManager manager = (X509KeyManager) factory.getKeyManagers()[0];
    X509Certificate[] chain = manager.getCertificateChain("server");
    assertThat(chain[0]).isEqualTo(server.certificate());
    assertThat(manager.getPrivateKey("outbound")).isNotNull();

    assertThatThrownBy(() -> store.deleteEntry("server"))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageStartingWith("PRTC0529E");
  }

  @Test
  void aCertificateWithAnEmptySubjectIsNamedByItsAlternativeNames() {
    TestPki.Leaf acme =
        AREA.issue("").dnsSan("api.corp.example").sanCritical(true).serverAuth().issueLeaf();
    assertThat(acme.certificate().getSubjectX500Principal().getName()).isEmpty();
    assertThat(KeySourceKeyStore.named(acme.certificate()))
        .startsWith("DNS:api.corp.example (empty subject, serial ");
    TestPki.Leaf named = AREA.issue("CN=server").serverAuth().issueLeaf();
    assertThat(KeySourceKeyStore.named(named.certificate())).isEqualTo("CN=server");
  }

  @Test
  void oneFailingKeySourceFailsTheWholeLoad() throws Exception {
    AREA.issue("CN=server")
        .serverAuth()
        .issueLeaf()
        .writePkcs12(dir.resolve("server.p12"), "s", "changeit".toCharArray());
    Map<String, KeySource> sources = new LinkedHashMap<>();
    sources.put("server", pkcs12("server.p12", "s"));
    sources.put("missing", pkcs12("absent.p12", "x"));
    KeySourceRegistry.publish(new KeySourceRegistry.Published(sources, null));
    assertThatThrownBy(() -> store().load(null, null))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("PRTC0525E")
        .hasMessageContaining("missing");
  }

  @Test
  void aFailingReloadServesTheLastGoodEntriesWhileTheyAreValid() throws Exception {
    Instant now = Instant.now();
    TestPki.Leaf shortLived =
        AREA.issue("CN=server")
            .serverAuth()
            .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofSeconds(2)))
            .issueLeaf();
    shortLived.writePkcs12(dir.resolve("server.p12"), "s", "changeit".toCharArray());
    KeySourceRegistry.publish(
        new KeySourceRegistry.Published(Map.of("server", pkcs12("server.p12", "s")), null));
    store().load(null, null);

    // The token (here the file) goes away and Liberty reloads: the identity it had stays.
    KeySourceRegistry.publish(
        new KeySourceRegistry.Published(Map.of("server", pkcs12("absent.p12", "s")), null));
    KeyStore reloaded = store();
    reloaded.load(null, null);
    assertThat(reloaded.getCertificate("server")).isEqualTo(shortLived.certificate());
    KeySourceRegistry.publish(new KeySourceRegistry.Published(Map.of(), "PRTC0526E: broken"));
    KeyStore again = store();
    again.load(null, null);
    assertThat(again.getCertificate("server")).isEqualTo(shortLived.certificate());

    // Once that certificate has expired there is nothing good to fall back on.
    Thread.sleep(Duration.between(Instant.now(), now.plusSeconds(3)).toMillis());
    assertThatThrownBy(() -> store().load(null, null)).hasMessageStartingWith("PRTC0526E");
  }

  @Test
  void aConfigurationProblemIsTheLoadsReason() throws Exception {
    KeySourceRegistry.publish(
        new KeySourceRegistry.Published(Map.of(), "PRTC0526E: two keySource elements"));
    assertThatThrownBy(() -> store().load(null, null))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("PRTC0526E");
  }

  @Test
  void withoutAnyKeySourceTheLoadIsRefused() throws Exception {
    assertThatThrownBy(() -> new KeySourceKeyStore(Duration.ofMillis(50)).engineLoad(null, null))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("PRTC0527E");
    KeySourceRegistry.publish(new KeySourceRegistry.Published(Map.of(), null));
    assertThatThrownBy(() -> store().load(null, null)).hasMessageStartingWith("PRTC0527E");
  }

  @Test
  void aLoadForALaterGenerationWaitsForItsPublication() throws Exception {
    TestPki.Leaf first = AREA.issue("CN=first").serverAuth().issueLeaf();
    TestPki.Leaf second = AREA.issue("CN=second").serverAuth().issueLeaf();
    first.writePkcs12(dir.resolve("first.p12"), "k", "changeit".toCharArray());
    second.writePkcs12(dir.resolve("second.p12"), "k", "changeit".toCharArray());
    long generation =
        KeySourceRegistry.publish(
            new KeySourceRegistry.Published(Map.of("server", pkcs12("first.p12", "k")), null));

    // Liberty polled the state file of the next generation before this thread published it.
    Path state = dir.resolve("state/key-sources");
    KeySourceState.write(state, KeySourceRegistry.RUN, generation + 1);
    Thread publisher =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
                KeySourceRegistry.publish(
                    new KeySourceRegistry.Published(
                        Map.of("server", pkcs12("second.p12", "k")), null));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    publisher.start();
    KeyStore store = store();
    try (var in = java.nio.file.Files.newInputStream(state)) {
      store.load(in, null);
    }
    publisher.join();
    assertThat(store.getCertificate("server")).isEqualTo(second.certificate());
  }

  @Test
  void stateFilesOfAnotherRunOrGarbageMeanGenerationZero() throws Exception {
    Path state = dir.resolve("key-sources");
    KeySourceState.write(state, "another-run", 7);
    try (var in = java.nio.file.Files.newInputStream(state)) {
      assertThat(KeySourceState.generationIn(in, KeySourceRegistry.RUN)).isZero();
    }
    KeySourceState.write(state, KeySourceRegistry.RUN, 7);
    try (var in = java.nio.file.Files.newInputStream(state)) {
      assertThat(KeySourceState.generationIn(in, KeySourceRegistry.RUN)).isEqualTo(7);
    }
    assertThat(
            KeySourceState.generationIn(
                new java.io.ByteArrayInputStream(new byte[] {0, 1, 2}), KeySourceRegistry.RUN))
        .isZero();
    assertThat(KeySourceState.generationIn(null, KeySourceRegistry.RUN)).isZero();
    assertThat(java.nio.file.Files.readString(state)).doesNotContain("pin").contains("run=");
  }
}
