package io.portcullis.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.testing.LogCapture;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import io.portcullis.trust.TrustArea;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files an outside manager writes (renew="files"), on real files with the real checks and the real
 * self-test handshake: only a pair that stayed unchanged for the quiet period and passed every
 * check is ever served.
 */
class FileWatchAgentTest {
  private static final long QUIET_MILLIS = 400;

  @TempDir Path temp;
  Path chain;
  Path key;
  TestPki.Ca ca;
  TestPki.Leaf first;
  final List<KeyMaterial> swapped = new CopyOnWriteArrayList<>();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  FileWatchAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    ca = TestPki.root("CN=outside manager's CA");
    Files.writeString(temp.resolve("root.pem"), TestPki.pem(ca.certificate()));
    chain = temp.resolve("tls.crt");
    key = temp.resolve("tls.key");
    first = leaf(ca);
    first.writePem(chain, key);
    agent =
        FileWatchAgent.create(
            "server", config(Map.of()), swapped::add, scheduler, Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    agent.close();
    scheduler.shutdownNow();
  }

  @Test
  void aPairWrittenInTwoStepsIsServedOnlyOnceItIsCompleteAndQuiet() throws Exception {
    KeySource source = agent.source();
    assertThat(source.load().certificate()).isEqualTo(first.certificate());
    agent.start();
    TestPki.Leaf next = leaf(ca);

    try (LogCapture log = new LogCapture()) {
      // the manager writes the key, then (well inside the quiet period) the chain
      Files.writeString(key, TestPki.pem(next.keys().getPrivate()), StandardCharsets.US_ASCII);
      Thread.sleep(QUIET_MILLIS / 4);
      assertThat(source.load().certificate()).as("half-written").isEqualTo(first.certificate());
      Files.writeString(chain, TestPki.pem(next.chain().toArray()), StandardCharsets.US_ASCII);
      assertThat(source.load().certificate()).as("not quiet yet").isEqualTo(first.certificate());

      await(() -> !swapped.isEmpty(), "the new pair served");
      assertThat(swapped).extracting(KeyMaterial::certificate).containsExactly(next.certificate());
      assertThat(source.load().certificate()).isEqualTo(next.certificate());
      assertThat(log.text())
          .contains("PRTC0550I")
          .contains(first.certificate().getSerialNumber().toString(16))
          .doesNotContain("PRTC0551W");
    }
  }

  @Test
  void aPairLeftHalfWrittenIsRefusedOnceAndNeverServed() throws Exception {
    KeySource source = agent.source();
    source.load();
    agent.start();
    TestPki.Leaf next = leaf(ca);

    try (LogCapture log = new LogCapture()) {
      Files.writeString(key, TestPki.pem(next.keys().getPrivate()), StandardCharsets.US_ASCII);
      await(() -> log.text().contains("PRTC0551W"), "the half-written pair refused");
      Thread.sleep(QUIET_MILLIS * 2);
      assertThat(log.text().split("PRTC0551W", -1))
          .as("refused once, not at every look")
          .hasSize(2);
      assertThat(log.text()).contains("PRTC0508E").contains("Still serving serial");
      assertThat(source.load().certificate()).isEqualTo(first.certificate());
      assertThat(swapped).isEmpty();

      // the manager finishes: the pair is served
      Files.writeString(chain, TestPki.pem(next.chain().toArray()), StandardCharsets.US_ASCII);
      await(() -> !swapped.isEmpty(), "the completed pair served");
      assertThat(source.load().certificate()).isEqualTo(next.certificate());
    }
  }

  @Test
  void aPairFromAnotherCaAnExpiredPairAndGarbageAreNeverServed() throws Exception {
    KeySource source = agent.source();
    source.load();
    agent.start();
    TestPki.Leaf foreign = leaf(TestPki.root("CN=someone else's CA"));
    TestPki.Leaf expired =
        ca.issue("CN=old")
            .dnsSan("localhost")
            .serverAuth()
            .validity(Instant.now().minusSeconds(7200), Instant.now().minusSeconds(60))
            .issueLeaf();

    try (LogCapture log = new LogCapture()) {
      foreign.writePem(chain, key);
      await(() -> log.text().contains("PRTC0543E"), "the foreign chain refused");
      expired.writePem(chain, key);
      await(() -> log.text().split("PRTC0551W", -1).length == 3, "the expired pair refused");
      Files.writeString(chain, "-----BEGIN CERTIFICATE-----\nnot base64\n");
      await(() -> log.text().split("PRTC0551W", -1).length == 4, "garbage refused");
      Files.delete(chain);
      Thread.sleep(QUIET_MILLIS * 2);
      assertThat(source.load().certificate()).isEqualTo(first.certificate());
      assertThat(swapped).isEmpty();
    }
  }

  @Test
  void filesThatAreBadAtStartFailTheFirstLoadWithTheReason() throws Exception {
    Files.writeString(key, TestPki.pem(TestPki.ecKeyPair().getPrivate()));
    assertThatThrownBy(() -> agent.source().load()).hasMessageStartingWith("PRTC0508E");
    Files.delete(chain);
    FileWatchAgent fresh =
        FileWatchAgent.create(
            "server", config(Map.of()), swapped::add, scheduler, Clock.systemUTC());
    assertThatThrownBy(() -> fresh.source().load())
        .hasMessageStartingWith("PRTC0534E")
        .hasMessageContaining("tls.crt");
  }

  @Test
  void watchingIsForPemKeySourcesWithARoot() {
    assertThatThrownBy(
            () ->
                KeySourceConfig.fromMap(
                    Map.of("type", "pkcs12", "file", "/k.p12", "renew", "files", "caRoot", "/r")))
        .hasMessageContaining("renew=files watches the files of a type=pem key source");
    assertThatThrownBy(() -> config(Map.of("caRoot", "")))
        .hasMessageContaining("renew=files needs caRoot");
    assertThatThrownBy(() -> config(Map.of("keyFile", "")))
        .hasMessageContaining("type=pem needs file (the certificate chain) and keyFile");
    assertThatThrownBy(() -> config(Map.of("renew", "ca", "caDirectory", "/srv/ca")))
        .hasMessageContaining("type=pem is renewed by whoever writes its files");
  }

  @Test
  void aPairForAnotherIdentityIsNotServedUnlessTheOperatorPinsIt() throws Exception {
    KeySource source = agent.source();
    source.load();
    agent.start();
    TestPki.Leaf admin = ca.issue("CN=admin").dnsSan("admin.corp.example").serverAuth().issueLeaf();

    try (LogCapture log = new LogCapture()) {
      admin.writePem(chain, key);
      await(() -> log.text().contains("PRTC0551W"), "the other identity refused");
      assertThat(log.text())
          .contains("PRTC0555E")
          .contains("names admin.corp.example, where the certificate in force names localhost");
      assertThat(source.load().certificate()).isEqualTo(first.certificate());
      assertThat(swapped).isEmpty();
      // What health and metrics read: one pair looked at, refused for its identity.
      assertThat(agent.status().attempts()).isEqualTo(1);
      assertThat(agent.status().successes()).isZero();
      assertThat(agent.status().lastErrorId()).contains("PRTC0555E");
      assertThat(agent.status().failuresById()).containsExactly(Map.entry("PRTC0555E", 1L));
      assertThat(agent.status().consecutiveFailures()).isEqualTo(1);
    }
    agent.close();

    // The operator means it: the pinned identity is served, from the server's own next start.
    FileWatchAgent pinned =
        FileWatchAgent.create(
            "server",
            config(Map.of("expectedIdentity", "Admin.corp.example")),
            swapped::add,
            scheduler,
            Clock.systemUTC());
    first.writePem(chain, key);
    assertThat(pinned.source().load().certificate())
        .as("a pin does not keep a restarted server from what it has")
        .isEqualTo(first.certificate());
    pinned.start();
    Thread.sleep(QUIET_MILLIS);
    admin.writePem(chain, key);
    await(() -> !swapped.isEmpty(), "the pinned identity served");
    assertThat(pinned.source().load().certificate()).isEqualTo(admin.certificate());
    assertThat(pinned.status().successes()).isEqualTo(1);
    assertThat(pinned.status().lastSucceeded()).isTrue();
    pinned.close();
  }

  @Test
  void aFileWatcherIsNeverBehindAnotherKeySourcesStuckIssuer() throws Exception {
    // A second key source renewed by an issuer that does not answer (a CA lock another process
    // holds, a hung endpoint): its certificate is in its window, so its agent asks at once.
    TestPki.Leaf https =
        ca.issue("CN=https")
            .dnsSan("https.corp.example")
            .serverAuth()
            .validity(Instant.now().minusSeconds(3000), Instant.now().plusSeconds(600))
            .issueLeaf();
    Path store = temp.resolve("https.p12");
    https.writePkcs12(store, "https", "changeit".toCharArray());
    KeySourceConfig renewed =
        KeySourceConfig.fromMap(
            Map.of(
                "type", "pkcs12",
                "file", store.toString(),
                "password", "changeit",
                "renew", "ca",
                "caDirectory", "/unused/the-test-issuer-stands-in"),
            Map.of());
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    Issuer stuck =
        new Issuer() {
          @Override
          public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
              throws PortcullisException {
            asked.countDown();
            try {
              answer.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the test issuer gave up");
          }

          @Override
          public List<TrustArea> trust() {
            return List.of();
          }

          @Override
          public String describe() {
            return "an issuer that does not answer";
          }
        };

    try (AgentThreads threads = new AgentThreads("test-renewal")) {
      RenewalAgent renewing =
          RenewalAgent.create(
              "https",
              renewed,
              KeySource.of(renewed),
              stuck,
              material -> {},
              threads.of("https"),
              Clock.systemUTC());
      FileWatchAgent watching =
          FileWatchAgent.create(
              "server", config(Map.of()), swapped::add, threads.of("server"), Clock.systemUTC());
      watching.source().load();
      renewing.start();
      watching.start();
      assertThat(asked.await(20, TimeUnit.SECONDS)).as("the stuck issuer asked").isTrue();

      TestPki.Leaf next = leaf(ca);
      next.writePem(chain, key);
      await(() -> !swapped.isEmpty(), "the new pair served while the other issuer hangs");
      assertThat(watching.source().load().certificate()).isEqualTo(next.certificate());

      // A new configuration does not wait for the attempt in flight to give up either.
      Instant closing = Instant.now();
      renewing.close();
      watching.close();
      assertThat(Duration.between(closing, Instant.now())).isLessThan(Duration.ofSeconds(1));
      ScheduledExecutorService old = threads.of("https");
      threads.keepOnly(Set.of("server"));
      assertThat(old.isShutdown()).isTrue();
      assertThat(threads.of("server").isShutdown()).isFalse();
      assertThat(threads.of("https")).as("a fresh thread when it comes back").isNotSameAs(old);
      answer.countDown();
      assertThat(old.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private KeySourceConfig config(Map<String, String> extra) throws Exception {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("type", "pem");
    attributes.put("file", chain.toString());
    attributes.put("keyFile", key.toString());
    attributes.put("renew", "files");
    attributes.put("caRoot", temp.resolve("root.pem").toString());
    attributes.put("quietPeriod", "PT" + QUIET_MILLIS / 1000.0 + "S");
    attributes.putAll(extra);
    return KeySourceConfig.fromMap(attributes);
  }

  private static TestPki.Leaf leaf(TestPki.Ca ca) {
    return ca.issue("CN=localhost").dnsSan("localhost").serverAuth().issueLeaf();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no " + what + " within 20 s");
      }
      Thread.sleep(20);
    }
  }
}
