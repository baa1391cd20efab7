package io.portcullis.liberty.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenKeys;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe against a real SoftHSM2 token whose session is logged out under a served key. */
class KeyProbeTest {
  private static final TestPki.Ca AREA = TestPki.root("CN=Root").intermediate("CN=Area");

  @TempDir Path dir;

  @BeforeEach
  @AfterEach
  void nothingPublished() {
    KeySourceRegistry.reset();
    KeySourceKeyStore.forgetLastGood();
  }

  @Test
  void aKeyTheTokenNoLongerSignsWithMakesTheKeySourcesLoadAgain() throws Exception {
    SoftHsm hsm = SoftHsm.shared();
    hsm.initToken("probe", "probe-pin-1234");
    Map<String, String> attributes = hsm.keySource("probe", "probe-pin-1234", "server");
    TokenKeys token = TokenKeys.open(KeySourceConfig.fromMap(attributes));
    PublicKey key = token.generate("server", KeyType.P256);
    token.storeCertificate(
        "server",
        List.of(
            AREA.issue("CN=server", new KeyPair(key, null)).serverAuth().build(),
            AREA.certificate()));
    long first =
        KeySourceRegistry.publish(
            new KeySourceRegistry.Published(
                Map.of("server", KeySource.of(KeySourceConfig.fromMap(attributes))), null));
    load(first);
    KeyMaterial served = KeySourceKeyStore.lastGood().get("server");
    assertThat(KeyProbe.probe(KeySourceKeyStore.lastGood(), KeyProbe::signs)).isZero();

    // The token logs the session out (as after a token restart): the served handle is dead.
    ((AuthProvider) served.provider()).logout();
    assertThat(KeyProbe.signs(served)).isFalse();
    long next = KeyProbe.probe(KeySourceKeyStore.lastGood(), KeyProbe::signs);
    assertThat(next).isGreaterThan(first);

    // Liberty loads the generation the state file now names: logged in again, the key signs.
    load(next);
    KeyMaterial reloaded = KeySourceKeyStore.lastGood().get("server");
    assertThat(reloaded).isNotSameAs(served);
    assertThat(KeyProbe.signs(reloaded)).isTrue();
    assertThat(reloaded.certificate()).isEqualTo(served.certificate());
  }

  @Test
  void nothingPublishedMeansNothingToProbe() {
    assertThat(KeyProbe.probe(Map.of(), m -> false)).isZero();
    assertThat(KeySourceRegistry.republish()).isZero();
  }

  private void load(long generation) throws Exception {
    Path state = dir.resolve("key-sources");
    KeySourceState.write(state, KeySourceRegistry.RUN, generation);
    KeyStore store =
        KeyStore.getInstance(PortcullisProvider.KEY_STORE_TYPE, new PortcullisProvider());
    try (var in = Files.newInputStream(state)) {
      store.load(in, null);
    }
  }
}
