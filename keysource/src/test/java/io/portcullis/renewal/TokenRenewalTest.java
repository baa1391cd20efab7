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
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.Revocation;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.TrustPolicy;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Renewal of a key in a real SoftHSM2 token: each renewal generates a new key inside the token
 * under the next generation's alias, the key source serves it once its certificate is stored, and
 * the replaced key is deleted after the grace period. The issuer is a test CA (the in-process
 * Portcullis CA is exercised in the ca module and on the real server).
 */
class TokenRenewalTest {
  private static final String LABEL = ModuleTokens.RENEWAL;
  private static final String PIN = ModuleTokens.PIN;

  static SoftHsm hsm;
  static TestPki.Ca ca;

  final List<KeyMaterial> swapped = new CopyOnWriteArrayList<>();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  String base;

  @BeforeAll
  static void token() {
    hsm = ModuleTokens.ready();
    ca = TestPki.root("CN=Token Renewal Root");
  }

  @BeforeEach
  void firstKey(org.junit.jupiter.api.TestInfo info) throws Exception {
    base = "w" + Integer.toHexString(info.getDisplayName().hashCode());
    TokenKeys keys = TokenKeys.open(config(Map.of()));
    PublicKey key = keys.generate(base, KeyType.P256);
    keys.storeCertificate(base, issue(key, Duration.ofMinutes(10)));
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void eachRenewalMakesANewKeyInTheTokenAndTheReplacedOneIsDeletedAfterTheGrace() throws Exception {
    KeySourceConfig config = config(Map.of("retireAfter", "PT0.3S"));
    KeySource source = KeySource.of(config);
    RenewalAgent agent = agent(config, source, new TestIssuer());
    Set<PublicKey> keys = new HashSet<>();
    keys.add(source.load().certificate().getPublicKey());
    int publicKeys = hsm.publicKeyObjects(LABEL, PIN);

    List<String> served = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      KeyMaterial renewed = agent.renewNow();
      assertThat(Generations.number(base, renewed.alias())).isGreaterThan(0);
      assertThat(keys.add(renewed.certificate().getPublicKey())).isTrue();
      assertThat(renewed.privateKey().getEncoded()).as("the new key leaves the token").isNull();
      assertThat(source.load().alias()).isEqualTo(renewed.alias());
      served.add(renewed.alias());
    }
    assertThat(Generations.of(base, served))
        .as("newer generations")
        .containsExactlyElementsOf(served);
    assertThat(swapped).hasSize(3);
    awaitGenerations(List.of(served.get(2)));
    // Nothing else of the replaced keys stays in the token either: a renewal every hour would
    // otherwise leave 8,760 objects a year, until the token is full.
    assertThat(hsm.publicKeyObjects(LABEL, PIN))
        .as("public key objects after three renewals")
        .isLessThanOrEqualTo(publicKeys);
    // a key source opened afresh (a restart) serves the newest generation
    assertThat(KeySource.of(config).load().alias()).isEqualTo(served.get(2));
    agent.close();
  }

  @Test
  void aKeyMadeAgainByHandUnderTheAliasIsServedRatherThanAnOlderRenewal() throws Exception {
    KeySourceConfig config = config(Map.of("retireAfter", "PT0.1S"));
    RenewalAgent agent = agent(config, KeySource.of(config), new TestIssuer());
    String renewed = agent.renewNow().alias();
    awaitGenerations(List.of(renewed));
    agent.close();
    Thread.sleep(1_100); // certificates count time in whole seconds

    // the operator makes the key source's key again, by hand, under its alias
    TokenKeys keys = TokenKeys.open(config);
    keys.storeCertificate(base, issue(keys.generate(base, KeyType.P256), Duration.ofMinutes(10)));

    assertThat(KeySource.of(config).load().alias()).isEqualTo(base);
  }

  @Test
  void aRefusedRenewalLeavesNoNewKeyInTheTokenAndTheOldOneServing() throws Exception {
    KeySourceConfig config = config(Map.of());
    KeySource source = KeySource.of(config);
    RenewalAgent agent =
        agent(
            config,
            source,
            new TestIssuer() {
              @Override
              public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
                  throws PortcullisException {
                return super.renew(current, TestPki.ecKeyPair()); // another key
              }
            });

    assertThatThrownBy(agent::renewNow).hasMessageStartingWith("PRTC0542E");

    assertThat(generations()).containsExactly(base);
    assertThat(source.load().alias()).isEqualTo(base);
    assertThat(swapped).isEmpty();
  }

  @Test
  void aKeyACrashLeftWithoutACertificateIsNeverServedAndIsDeletedWhenTheIssuerNeverCertifiedIt()
      throws Exception {
    KeySourceConfig config = config(Map.of());
    // a renewal cut short after generating its key: generation 1 holds only its placeholder
    PublicKey left = TokenKeys.open(config).generate(Generations.alias(base, 1), KeyType.P256);
    KeySource source = KeySource.of(config);
    assertThat(source.load().alias()).isEqualTo(base);

    RenewalAgent agent = agent(config, source, new TestIssuer());
    agent.start(); // the issuer knows no successor: the key is deleted, then a renewal runs

    awaitSwaps(1);
    assertThat(Generations.number(base, swapped.get(0).alias())).isGreaterThan(1);
    assertThat(swapped.get(0).certificate().getPublicKey()).isNotEqualTo(left);
    assertThat(generations()).doesNotContain(Generations.alias(base, 1));
    agent.close();
  }

  @Test
  void aRenewalCutShortAfterTheIssuerCertifiedItsKeyIsFinishedAtTheNextStart() throws Exception {
    KeySourceConfig config = config(Map.of());
    Map<X509Certificate, List<X509Certificate>> issued =
        new java.util.concurrent.ConcurrentHashMap<>();
    TestIssuer remembering =
        new TestIssuer() {
          @Override
          public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
              throws PortcullisException {
            List<X509Certificate> chain = super.renew(current, newKeys);
            issued.put(current.certificate(), chain);
            return chain;
          }

          @Override
          public Optional<List<X509Certificate>> successor(KeyMaterial replaced) {
            return Optional.ofNullable(issued.get(replaced.certificate()));
          }
        };
    RenewalAgent crashing =
        agent(
            config,
            KeySource.of(config),
            new TestIssuer() {
              @Override
              public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
                  throws PortcullisException {
                remembering.renew(current, newKeys);
                throw new Crash(); // the process dies before the chain is stored
              }
            });
    X509Certificate first = KeySource.of(config).load().certificate();
    assertThatThrownBy(crashing::renewNow).isInstanceOf(Crash.class);
    assertThat(generations()).hasSize(2).startsWith(base);

    RenewalAgent restarted = agent(config, KeySource.of(config), remembering);
    restarted.start();

    awaitSwaps(1);
    assertThat(swapped.get(0).alias()).isEqualTo(generations().get(1));
    assertThat(swapped.get(0).certificate()).isEqualTo(issued.get(first).get(0));
    assertThat(KeySource.of(config).load().certificate()).isEqualTo(issued.get(first).get(0));
    restarted.close();
  }

  @Test
  void aKeyACrashLeftBeforeItsCertificateNeverSharesItsIdWithANewKey() throws Exception {
    // Killed between the private key and its certificate: a key with the next generation's
    // alias as CKA_ID that the KeyStore API does not list. A new key under that alias too would
    // make SunPKCS11 refuse the whole token ("found 2 private keys sharing CKA_ID").
    for (int n = 1; n <= 3; n++) {
      hsm.orphanKey(LABEL, PIN, Generations.alias(base, n));
    }
    KeySourceConfig config = config(Map.of());
    RenewalAgent agent = agent(config, KeySource.of(config), new TestIssuer());

    KeyMaterial renewed = agent.renewNow();
    KeyMaterial again = agent.renewNow();

    assertThat(KeySource.of(config).load().certificate()).isEqualTo(again.certificate());
    assertThat(Generations.number(base, renewed.alias())).isGreaterThan(3);
    agent.close();
  }

  /** What kill -9 is to a process: nothing after it runs, no handler cleans up. */
  private static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  private void awaitSwaps(int count) throws Exception {
    Instant deadline = Instant.now().plusSeconds(10);
    while (swapped.size() < count && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
    assertThat(swapped).hasSize(count);
  }

  private void awaitGenerations(List<String> expected) throws Exception {
    Instant deadline = Instant.now().plusSeconds(10);
    while (!generations().equals(expected) && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    assertThat(generations()).isEqualTo(expected);
  }

  private List<String> generations() throws PortcullisException {
    return Generations.of(base, TokenKeys.open(config(Map.of())).aliases());
  }

  private RenewalAgent agent(KeySourceConfig config, KeySource source, Issuer issuer)
      throws PortcullisException {
    return RenewalAgent.create(
        "token", config, source, issuer, swapped::add, scheduler, Clock.systemUTC());
  }

  private KeySourceConfig config(Map<String, String> extra) throws PortcullisException {
    Map<String, String> values = new java.util.HashMap<>(hsm.keySource(LABEL, PIN, base));
    values.put("renew", "ca");
    values.put("caDirectory", "/unused/the-test-issuer-stands-in");
    values.putAll(extra);
    return KeySourceConfig.fromMap(values);
  }

  private static List<X509Certificate> issue(PublicKey key, Duration lifetime) {
    Instant now = Instant.now();
    return ca.issue("CN=token-workload", new KeyPair(key, null))
        .validity(now.minusSeconds(5), now.plus(lifetime))
        .uriSan("spiffe://renewal.test/token")
        .serverAuth()
        .issueLeaf()
        .chain();
  }

  /** Signs whatever key it is given with the test CA; trusts only that CA. */
  private static class TestIssuer implements Issuer {
    @Override
    public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
        throws PortcullisException {
      return issue(newKeys.getPublic(), Duration.ofMinutes(10));
    }

    @Override
    public List<TrustArea> trust() {
      return List.of(
          new TrustArea(
              "test",
              List.of(ca.certificate()),
              List.of(),
              TrustPolicy.defaults(),
              Revocation.off()));
    }

    @Override
    public String describe() {
      return "the test CA";
    }
  }
}
