package io.portcullis.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.Generations;
import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenKeys;
import io.portcullis.keys.testing.ModuleTokens;
import io.portcullis.keys.testing.SwTpm;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.TrustArea;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Renewal of a key in a TPM 2.0 (swtpm behind tpm2-abrmd, through tpm2-pkcs11, started for this
 * run): each renewal generates its key inside the TPM, which never lets it out; the replaced key is
 * deleted after the grace period; a refused renewal leaves no key behind.
 */
class TpmRenewalTest {
  static SwTpm tpm;
  static TestPki.Ca ca;

  final List<KeyMaterial> swapped = new CopyOnWriteArrayList<>();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  String base;

  @BeforeAll
  static void tpm() {
    tpm = ModuleTokens.tpmReady();
    ca = TestPki.root("CN=TPM Renewal Root");
  }

  @BeforeEach
  void firstKey(org.junit.jupiter.api.TestInfo info) throws Exception {
    base = "t" + Integer.toHexString(info.getDisplayName().hashCode());
    TokenKeys keys = TokenKeys.open(config());
    PublicKey key = keys.generate(base, KeyType.P256);
    keys.storeCertificate(base, issue(key));
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void eachRenewalMakesItsKeyInTheTpmAndTheReplacedOneIsDeletedAfterTheGrace() throws Exception {
    KeySourceConfig config = config();
    KeySource source = KeySource.of(config);
    RenewalAgent agent = agent(config, source, issuer(false));
    Set<PublicKey> keys = new HashSet<>(Set.of(source.load().certificate().getPublicKey()));
    List<String> served = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      KeyMaterial renewed = agent.renewNow();
      assertThat(keys.add(renewed.certificate().getPublicKey())).as("a fresh key").isTrue();
      assertThat(renewed.privateKey().getEncoded()).as("the key leaves the TPM").isNull();
      assertThat(renewed.provider().getName()).contains("SunPKCS11");
      served.add(renewed.alias());
    }
    assertThat(swapped).hasSize(2);
    awaitGenerations(TokenKeys.of(source), List.of(served.get(1)));
    assertThat(KeySource.of(config).load().alias()).as("after a restart").isEqualTo(served.get(1));
    agent.close();
  }

  @Test
  void aRefusedRenewalLeavesNoKeyInTheTpm() throws Exception {
    KeySourceConfig config = config();
    RenewalAgent agent = agent(config, KeySource.of(config), issuer(true));

    assertThatThrownBy(agent::renewNow).hasMessageStartingWith("PRTC0542E");

    assertThat(generations()).containsExactly(base);
    assertThat(swapped).isEmpty();
  }

  /** Asks the token the agent uses: pkcs11-tool in a second process aborted while a key went. */
  private void awaitGenerations(TokenKeys token, List<String> expected) throws Exception {
    Instant deadline = Instant.now().plusSeconds(15);
    while (!generations(token).equals(expected) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(generations(token)).isEqualTo(expected);
  }

  private List<String> generations(TokenKeys token) throws Exception {
    return Generations.of(base, token.aliases());
  }

  private List<String> generations() throws Exception {
    return generations(TokenKeys.open(config()));
  }

  private RenewalAgent agent(KeySourceConfig config, KeySource source, Issuer issuer)
      throws Exception {
    return RenewalAgent.create(
        "tpm", config, source, issuer, swapped::add, scheduler, Clock.systemUTC());
  }

  private KeySourceConfig config() throws Exception {
    Map<String, String> values =
        new HashMap<>(tpm.keySource(ModuleTokens.TPM, ModuleTokens.TPM_PIN, base));
    values.put("renew", "ca");
    values.put("caDirectory", "/unused/the-test-issuer-stands-in");
    values.put("retireAfter", "PT0.3S");
    return KeySourceConfig.fromMap(values);
  }

  private static List<X509Certificate> issue(PublicKey key) {
    Instant now = Instant.now();
    return ca.issue("CN=tpm-workload", new KeyPair(key, null))
        .validity(now.minusSeconds(5), now.plus(Duration.ofMinutes(10)))
        .dnsSan("localhost")
        .serverAuth()
        .issueLeaf()
        .chain();
  }

  /** The test CA as issuer; {@code wrongKey}: it certifies another key than the new one. */
  private static Issuer issuer(boolean wrongKey) {
    return new Issuer() {
      @Override
      public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys) {
        return issue(wrongKey ? TestPki.ecKeyPair().getPublic() : newKeys.getPublic());
      }

      @Override
      public List<TrustArea> trust() {
        return List.of(new TrustArea("tpm", List.of(ca.certificate()), List.of()));
      }

      @Override
      public String describe() {
        return "the test CA";
      }
    };
  }
}
