package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.Issuer;
import io.portcullis.renewal.RenewalAgent;
import io.portcullis.renewal.RenewalWindow;
import io.portcullis.testing.MutableClock;
import io.portcullis.trust.TrustArea;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewal agent with the real in-process CA, a real PKCS#12 file and the real self-test
 * handshake: fresh keys, lineage, and that nothing is swapped when the issuer or the new credential
 * is wrong.
 */
class RenewalAgentTest {
  private static final char[] PASSWORD = "p12-password".toCharArray();

  @TempDir Path temp;
  CaFixture f;
  Path p12;
  IssuedCertificate first;
  final List<KeyMaterial> swapped = new CopyOnWriteArrayList<>();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  /** How often the window tests' issuers were asked for a window. */
  final AtomicInteger asked = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    f = new CaFixture(temp);
    JoinToken token = f.register("api", "api.payments.corp.example");
    KeyPair keys = CaFixture.p256();
    first = f.ca.issue(token.token(), keys, Duration.ofSeconds(60), "bob");
    p12 = temp.resolve("keys/server.p12");
    Files.createDirectories(p12.getParent());
    writeP12(p12, keys.getPrivate(), first.chain());
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  @Test
  void threeRenewalsEachMakeAFreshKeyAndChainBackToTheFirst() throws Exception {
    RenewalAgent agent = agent(new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock));
    Set<PublicKey> keys = new HashSet<>();
    keys.add(first.certificate().getPublicKey());
    List<X509Certificate> leaves = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofSeconds(40));
      KeyMaterial renewed = agent.renewNow();
      X509Certificate leaf = renewed.certificate();
      assertThat(keys.add(leaf.getPublicKey())).as("renewal %d reuses a key", i + 1).isTrue();
      assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
          .isEqualTo(Duration.ofSeconds(60));
      // due at 2/3 of the lifetime after notBefore (jitter 0 here)
      assertThat(agent.nextAttempt()).isEqualTo(leaf.getNotBefore().toInstant().plusSeconds(40));
      leaves.add(leaf);
    }
    assertThat(swapped).extracting(KeyMaterial::certificate).containsExactlyElementsOf(leaves);
    assertThat(Files.getPosixFilePermissions(p12))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(f.ca.lineage(leaves.get(2)).certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(
            first.sha256(),
            CaContext.sha256(leaves.get(0)),
            CaContext.sha256(leaves.get(1)),
            CaContext.sha256(leaves.get(2)));
    try (var siblings = Files.list(p12.getParent())) {
      assertThat(siblings).as("no temporary file left beside the key store").containsOnly(p12);
    }
  }

  @Test
  void aRevokedCertificateIsNotRenewedAndTheKeyStoreStaysAsItWas() throws Exception {
    RenewalAgent agent = agent(new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock));
    f.ca.revoke(first.sha256(), "keyCompromise", "alice");
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(agent::renewNow).hasMessageStartingWith("PRTC0423E");

    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(swapped).isEmpty();
  }

  @Test
  void aChainTheIssuersTrustDoesNotAcceptIsNotSwapped() throws Exception {
    CaFixture other = new CaFixture(temp.resolve("other"));
    CaRenewalIssuer real = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    RenewalAgent agent =
        agent(
            new Wrapped(real) {
              @Override
              public List<TrustArea> trust() throws PortcullisException {
                return other.ca.trustAreas(); // a careless operator: another CA's trust
              }
            });
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(agent::renewNow).hasMessageStartingWith("PRTC0543E");

    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(swapped).isEmpty();
  }

  @Test
  void aCertificateForAnotherKeyIsNotSwapped() throws Exception {
    CaRenewalIssuer real = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    RenewalAgent agent =
        agent(
            new Wrapped(real) {
              @Override
              public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
                  throws PortcullisException {
                return real.renew(current, CaFixture.p256());
              }
            });
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(agent::renewNow).hasMessageStartingWith("PRTC0542E");

    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(swapped).isEmpty();
  }

  @Test
  void anIssuerThatIsDownIsRetriedWithGrowingDelaysAndRenewsOnceItIsBack() throws Exception {
    Path moved = temp.resolve("ca-away");
    RenewalAgent agent =
        agent(
            new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock),
            Map.of("retryDelay", "PT0.2S", "retryMaxDelay", "PT0.4S"));
    Files.move(f.dir, moved);
    f.clock.advance(Duration.ofSeconds(45)); // inside the window: start() tries at once
    agent.start();
    await(() -> agent.failures() >= 3, "three failed attempts");
    Instant failedAt = f.clock.instant();
    assertThat(agent.nextAttempt()).isBeforeOrEqualTo(failedAt.plusMillis(400));
    assertThat(swapped).isEmpty();

    Files.move(moved, f.dir);
    await(() -> !swapped.isEmpty(), "a renewal once the CA is back");
    assertThat(agent.failures()).isZero();
    assertThat(swapped.get(0).certificate().getSerialNumber())
        .isNotEqualTo(first.certificate().getSerialNumber());
    agent.close();
  }

  @Test
  void startRenewsAtOnceWhenTheCertificateIsAlreadyInsideItsWindow() throws Exception {
    RenewalAgent agent = agent(new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock));
    f.clock.advance(Duration.ofSeconds(50));
    agent.start();
    await(() -> !swapped.isEmpty(), "an immediate renewal");
    agent.close();
  }

  @Test
  void aCertificateBornInsideItsWindowIsNotRenewedSoonerThanRetryDelay() throws Exception {
    // The CA back-dates a 60 s certificate by 6 s: with renewAt 0.05 every new certificate is
    // already due, and without a floor the agent would renew in a loop.
    RenewalAgent agent =
        agent(
            new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock),
            Map.of("renewAt", "0.05", "retryDelay", "3s"));
    X509Certificate leaf = agent.renewNow().certificate();
    assertThat(leaf.getNotBefore().toInstant().plusSeconds(3))
        .as("due by renewAt alone")
        .isBefore(f.clock.instant());
    assertThat(agent.nextAttempt()).isEqualTo(f.clock.instant().plusSeconds(3));
    agent.close();
  }

  @Test
  void aRenewalCutShortAfterTheCaIssuedIsFinishedAtTheNextStart() throws Exception {
    CaRenewalIssuer ca = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    RenewalAgent crashing =
        agent(
            new Wrapped(ca) {
              @Override
              public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
                  throws PortcullisException {
                super.renew(current, newKeys);
                throw new Crash(); // the server dies before the chain is stored
              }
            });
    byte[] before = Files.readAllBytes(p12);
    assertThatThrownBy(crashing::renewNow).isInstanceOf(Crash.class);
    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    // the CA renews only a workload's latest certificate, and the one served is no longer it
    assertThat(f.ca.successor(first.certificate())).isPresent();

    agent(ca).start();

    await(() -> !swapped.isEmpty(), "the interrupted renewal finished");
    X509Certificate resumed = swapped.get(0).certificate();
    assertThat(f.ca.lineage(resumed).certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(first.sha256(), CaContext.sha256(resumed));
    assertThat(f.ca.successor(first.certificate()).orElseThrow().certificate()).isEqualTo(resumed);
    try (var siblings = Files.list(p12.getParent())) {
      assertThat(siblings).as("the pending key is gone once installed").containsOnly(p12);
    }
    f.clock.advance(Duration.ofSeconds(40));
    assertThat(agent(ca).renewNow().certificate()).as("and renewals go on").isNotEqualTo(resumed);
  }

  @Test
  void aRenewalCutShortBeforeTheCaIssuedLeavesAKeyThatIsDeletedAtTheNextStart() throws Exception {
    CaRenewalIssuer ca = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    RenewalAgent crashing =
        agent(
            new Wrapped(ca) {
              @Override
              public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys) {
                throw new Crash();
              }
            });
    assertThatThrownBy(crashing::renewNow).isInstanceOf(Crash.class);
    Path next = p12.resolveSibling("server.p12.next");
    assertThat(next).exists();
    assertThat(Files.getPosixFilePermissions(next))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(f.ca.successor(first.certificate())).isEmpty();

    f.clock.advance(Duration.ofSeconds(40));
    agent(ca).start();

    await(() -> !swapped.isEmpty(), "a renewal after the start");
    assertThat(f.ca.lineage(swapped.get(0).certificate()).certificates()).hasSize(2);
    try (var siblings = Files.list(p12.getParent())) {
      assertThat(siblings).containsOnly(p12);
    }
  }

  @Test
  void aCertificateForAnotherIdentityIsNotSwappedUnlessPinned() throws Exception {
    CaRenewalIssuer real = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    // a valid chain of the same CA for the new key, but another workload's identity
    Issuer confused = issuingAs(real, f.register("web", "web.payments.corp.example"));
    byte[] before = Files.readAllBytes(p12);

    assertThatThrownBy(agent(confused)::renewNow)
        .hasMessageStartingWith("PRTC0555E")
        .hasMessageContaining("names spiffe://corp.example/payments/web, where the certificate")
        .hasMessageContaining("names spiffe://corp.example/payments/api");
    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(swapped).isEmpty();

    Issuer pinnedIssuer = issuingAs(real, f.register("admin", "admin.payments.corp.example"));
    X509Certificate moved =
        agent(pinnedIssuer, Map.of("expectedIdentity", "spiffe://corp.example/payments/admin"))
            .renewNow()
            .certificate();
    assertThat(moved.getSubjectAlternativeNames().toString())
        .contains("spiffe://corp.example/payments/admin");
  }

  @Test
  void aCaLockAnotherProcessHoldsFailsTheAttemptInsteadOfBlockingIt() throws Exception {
    RenewalAgent agent = agent(new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock));
    f.clock.advance(Duration.ofSeconds(40));
    byte[] before = Files.readAllBytes(p12);
    Duration usual = CaContext.lockWait;
    CaContext.lockWait = Duration.ofMillis(500);
    Process holder = LockHolder.hold(f.dir.resolve(".lock"));
    try {
      // Before: the attempt waited for the lock with no end, its thread (shared by every
      // renewal and file watcher of the server) with it.
      java.util.concurrent.Future<KeyMaterial> attempt =
          java.util.concurrent.Executors.newSingleThreadExecutor().submit(agent::renewNow);
      assertThatThrownBy(() -> attempt.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(PortcullisException.class)
          .rootCause()
          .hasMessageStartingWith("PRTC0443E");
      assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    } finally {
      holder.getOutputStream().close();
      holder.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      holder.destroyForcibly();
      CaContext.lockWait = usual;
    }
    assertThat(agent.renewNow().certificate()).as("renewed once the lock is free").isNotNull();
  }

  /** An issuer that answers each renewal with a first certificate of {@code registration}. */
  private Issuer issuingAs(Issuer real, JoinToken registration) {
    return new Wrapped(real) {
      @Override
      public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
          throws PortcullisException {
        return f.ca.issue(registration.token(), newKeys, Duration.ofSeconds(60), "bob").chain();
      }
    };
  }

  @Test
  void aRenewalRefusedAfterTheCaIssuedIsRecoveredWithItsLineageOnceTheCauseIsGone()
      throws Exception {
    // This server's clock is two minutes behind the CA's: the CA back-dates a 60 s certificate by
    // 6 s only, so the renewed certificate is not yet valid here and is refused. The CA has
    // recorded it as the workload's latest all the same. Before, the agent deleted the new key,
    // and every later attempt was refused (PRTC0425E): the lineage ended.
    MutableClock server = new MutableClock(f.clock.instant().minusSeconds(120));
    CaRenewalIssuer ca = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    RenewalAgent agent =
        agent(ca, Map.of("renewJitter", "0", "retryDelay", "1s", "retryMaxDelay", "2s"), server);
    byte[] before = Files.readAllBytes(p12);
    f.clock.advance(Duration.ofSeconds(40));
    server.advance(Duration.ofSeconds(40));

    assertThatThrownBy(agent::renewNow).isInstanceOf(PortcullisException.class);
    assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    assertThat(swapped).isEmpty();
    assertThat(p12.resolveSibling("server.p12.next")).as("the certified key is kept").exists();

    server.set(f.clock.instant()); // the clocks agree again
    X509Certificate renewed = agent.renewNow().certificate();

    assertThat(f.ca.successor(first.certificate()).orElseThrow().certificate()).isEqualTo(renewed);
    assertThat(f.ca.lineage(renewed).certificates())
        .extracting(LineageEntry::sha256)
        .containsExactly(first.sha256(), CaContext.sha256(renewed));
    f.clock.advance(Duration.ofSeconds(40));
    server.set(f.clock.instant());
    assertThat(agent.renewNow().certificate()).as("and renewals go on").isNotEqualTo(renewed);
  }

  @Test
  void aCertificateNotYetValidHereIsInstalledAtItsNotBeforeWithoutAnotherBackOff()
      throws Exception {
    // A 30-minute certificate, so that it is inside its window on a clock two minutes behind.
    KeyPair keys = CaFixture.p256();
    IssuedCertificate longer =
        f.ca.issue(
            f.register("web", "web.payments.corp.example").token(),
            keys,
            Duration.ofMinutes(30),
            "bob");
    writeP12(p12, keys.getPrivate(), longer.chain());
    MutableClock server = new MutableClock(f.clock.instant().minusSeconds(120));
    CaRenewalIssuer ca = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    RenewalAgent agent = agent(ca, Map.of("retryDelay", "1h", "retryMaxDelay", "2h"), server);
    f.clock.advance(Duration.ofMinutes(22));
    server.advance(Duration.ofMinutes(22));
    agent.start(); // inside its window: renews at once, and the new certificate is early here

    await(() -> agent.failures() == 1, "the early certificate was refused");
    X509Certificate early = f.ca.successor(longer.certificate()).orElseThrow().certificate();
    // Retried at the certificate's notBefore (+1 s), not an hour later.
    assertThat(agent.nextAttempt()).isEqualTo(early.getNotBefore().toInstant().plusSeconds(1));
    agent.close();
  }

  /** What kill -9 is to the server: nothing after it runs, no handler cleans up. */
  private static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void startWaitsForTheWindowOtherwise() throws Exception {
    RenewalAgent agent = agent(new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock));
    agent.start();
    assertThat(agent.nextAttempt())
        .isEqualTo(first.certificate().getNotBefore().toInstant().plusSeconds(40));
    Thread.sleep(300);
    assertThat(swapped).isEmpty();
    agent.close();
  }

  private RenewalAgent agent(Issuer issuer) throws PortcullisException {
    return agent(issuer, Map.of());
  }

  private RenewalAgent agent(Issuer issuer, Map<String, String> extra) throws PortcullisException {
    return agent(issuer, extra, f.clock);
  }

  private RenewalAgent agent(Issuer issuer, Map<String, String> extra, java.time.Clock clock)
      throws PortcullisException {
    Map<String, String> attributes = new java.util.HashMap<>();
    attributes.put("type", "pkcs12");
    attributes.put("file", p12.toString());
    attributes.put("password", new String(PASSWORD));
    attributes.put("renew", "ca");
    attributes.put("caDirectory", f.dir.toString());
    attributes.put("lifetime", "60s");
    attributes.put("renewJitter", "0");
    attributes.putAll(extra);
    KeySourceConfig config = KeySourceConfig.fromMap(attributes);
    return RenewalAgent.create(
        "server", config, KeySource.of(config), issuer, swapped::add, scheduler, clock);
  }

  @Test
  void theIssuersRenewalWindowMovesTheRenewalAndIsFollowedWhenItMovesAgain() throws Exception {
    CaRenewalIssuer real = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    Instant notBefore = first.certificate().getNotBefore().toInstant();
    // First answer: renew between 20 s and 30 s into the life; ask again one second later. Then:
    // the window moved into the past (an incident at the CA): renew at once.
    List<RenewalWindow> answers =
        new CopyOnWriteArrayList<>(
            List.of(
                new RenewalWindow(
                    notBefore.plusSeconds(20),
                    notBefore.plusSeconds(30),
                    f.clock.instant().plusSeconds(1)),
                new RenewalWindow(
                    notBefore.minusSeconds(10), notBefore, f.clock.instant().plusSeconds(3600))));
    RenewalAgent agent =
        agent(
            new Wrapped(real) {
              @Override
              public java.util.Optional<RenewalWindow> window(X509Certificate certificate) {
                int i = asked.getAndIncrement();
                return i < answers.size()
                    ? java.util.Optional.of(answers.get(i))
                    : java.util.Optional.empty();
              }
            },
            // the window is asked for again no sooner than retryMaxDelay when under a minute
            Map.of("retryDelay", "1s", "retryMaxDelay", "1s"));
    agent.start();
    await(() -> asked.get() >= 1, "a window asked for");
    await(
        () ->
            agent.nextAttempt() != null
                && !agent.nextAttempt().isBefore(notBefore.plusSeconds(20))
                && agent.nextAttempt().isBefore(notBefore.plusSeconds(30)),
        "the renewal moved into the window (own schedule: 40 s)");
    assertThat(swapped).isEmpty();
    await(() -> !swapped.isEmpty(), "a renewal at once after the window moved into the past");
    assertThat(asked.get()).isGreaterThanOrEqualTo(2);
    agent.close();
  }

  /** An issuer whose every window answer is {@code answer} for the certificate asked about. */
  private Issuer windows(
      Issuer real, java.util.function.Function<X509Certificate, RenewalWindow> answer) {
    return new Wrapped(real) {
      @Override
      public java.util.Optional<RenewalWindow> window(X509Certificate certificate) {
        asked.incrementAndGet();
        return java.util.Optional.of(answer.apply(certificate));
      }
    };
  }

  @Test
  void aRetryAfterOfZeroOrInThePastIsClampedToAMinute() throws Exception {
    CaRenewalIssuer real = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    Instant notBefore = first.certificate().getNotBefore().toInstant();
    RenewalAgent agent =
        agent(
            windows(
                real,
                certificate ->
                    new RenewalWindow(
                        notBefore.plusSeconds(30),
                        notBefore.plusSeconds(35),
                        f.clock.instant().minusSeconds(5)))); // Retry-After in the past
    agent.start();
    await(() -> asked.get() >= 1, "a window asked for");
    Thread.sleep(1500);
    // Before: asked again at once, each time (a busy loop: thousands in this second and a half).
    assertThat(asked.get()).isEqualTo(1);
    agent.close();
  }

  @Test
  void aWindowAlreadyPastForEveryNewCertificateRenewsNoMoreOftenThanRetryDelay() throws Exception {
    CaRenewalIssuer real = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    RenewalAgent agent =
        agent(
            windows(
                real,
                certificate -> {
                  Instant born = certificate.getNotBefore().toInstant();
                  return new RenewalWindow(
                      born.minusSeconds(20),
                      born.minusSeconds(10),
                      f.clock.instant().plusSeconds(3600));
                }),
            Map.of("retryDelay", "1s", "retryMaxDelay", "1s"));
    agent.start();
    await(() -> !swapped.isEmpty(), "the first renewal, at once");
    Thread.sleep(2500);
    agent.close();
    // At once, then retryDelay apart at most: 3 or 4 in these 2.5 s. Before: back to back.
    assertThat(swapped.size()).isBetween(2, 4);
  }

  @Test
  void anIssuerThatCannotSayItsWindowLeavesTheOwnSchedule() throws Exception {
    CaRenewalIssuer real = new CaRenewalIssuer(f.dir, Duration.ofSeconds(60), f.clock);
    RenewalAgent agent =
        agent(
            new Wrapped(real) {
              @Override
              public java.util.Optional<RenewalWindow> window(X509Certificate certificate)
                  throws PortcullisException {
                asked.incrementAndGet();
                throw io.portcullis.keys.KeySourceMessage.CONFIG_INVALID.exception("down");
              }
            });
    agent.start();
    await(() -> asked.get() >= 1, "a window asked for");
    Thread.sleep(200);
    assertThat(agent.nextAttempt())
        .isEqualTo(first.certificate().getNotBefore().toInstant().plusSeconds(40));
    assertThat(agent.failures()).isZero();
    assertThat(swapped).isEmpty();
    agent.close();
  }

  private static void await(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no " + what + " within 20 s");
      }
      Thread.sleep(20);
    }
  }

  private static void writeP12(Path file, PrivateKey key, List<X509Certificate> chain)
      throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, PASSWORD, chain.toArray(new Certificate[0]));
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD);
    }
  }

  /** An issuer that passes everything to another, for tests that change one answer. */
  private static class Wrapped implements Issuer {
    private final Issuer inner;

    Wrapped(Issuer inner) {
      this.inner = inner;
    }

    @Override
    public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
        throws PortcullisException {
      return inner.renew(current, newKeys);
    }

    @Override
    public java.util.Optional<List<X509Certificate>> successor(KeyMaterial replaced)
        throws PortcullisException {
      return inner.successor(replaced);
    }

    @Override
    public List<TrustArea> trust() throws PortcullisException {
      return inner.trust();
    }

    @Override
    public String describe() {
      return inner.describe();
    }
  }
}
