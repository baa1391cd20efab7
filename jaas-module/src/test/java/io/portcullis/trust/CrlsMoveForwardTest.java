package io.portcullis.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.Daemons;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.TestPki;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/**
 * A CRL never goes backwards, and a CRL server cannot hold a refresh for longer than its deadline.
 */
class CrlsMoveForwardTest {
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Area");
  private static final BigInteger VICTIM = BigInteger.valueOf(4242);

  /** A CRL source whose answer the test replaces, like a file or URL an attacker can replay. */
  private static final class Replayable implements CrlSource {
    final AtomicReference<List<X509CRL>> served = new AtomicReference<>();

    @Override
    public List<X509CRL> load() {
      return served.get();
    }

    @Override
    public String describe() {
      return "replayable";
    }
  }

  /** A store refreshed hourly from {@code source}, taking CRLs the root or {@code ca} signed. */
  private static CrlStore hourly(CrlSource source, TestPki.Ca ca) {
    return CrlStore.loading(
        List.of(source),
        Duration.ofHours(1),
        Clock.systemUTC(),
        List.of(ROOT.certificate(), ca.certificate()));
  }

  @Test
  void anOlderCrlServedAgainDoesNotUnrevoke() {
    Instant now = Instant.now();
    X509CRL old = AREA.crl(now.minusSeconds(3600), now.plusSeconds(86400));
    X509CRL revoking = AREA.crl(now.minusSeconds(60), now.plusSeconds(86400), VICTIM);
    Replayable source = new Replayable();
    source.served.set(List.of(old));
    CrlStore store = hourly(source, AREA);
    source.served.set(List.of(revoking));
    store.refresh();
    assertThat(store.crls()).containsExactly(revoking);
    // The replay: the older CRL (lower number, earlier thisUpdate), signed and still within its
    // nextUpdate. Before, it replaced the revoking one and the victim was let in again.
    source.served.set(List.of(old));
    store.refresh();
    assertThat(store.crls()).containsExactly(revoking);
    assertThat(store.crls().get(0).getRevokedCertificate(VICTIM)).isNotNull();
    // The same CRL again, and a newer one, are taken.
    source.served.set(List.of(revoking));
    store.refresh();
    X509CRL newer = AREA.crl(now, now.plusSeconds(86400), VICTIM, BigInteger.TEN);
    source.served.set(List.of(newer));
    store.refresh();
    assertThat(store.crls()).containsExactly(newer);
  }

  @Test
  void aCrlOutsideTheProfileIsRefusedAndTheLastGoodStays() {
    Instant now = Instant.now();
    X509CRL genuine = AREA.crl(now.minusSeconds(60), now.plusSeconds(86400), VICTIM);
    Replayable source = new Replayable();
    source.served.set(List.of(genuine));
    CrlStore store = hourly(source, AREA);
    // Newer and signed by the area's key, but without a CRL number, or with a critical one: an
    // empty CRL of that kind would otherwise un-revoke the victim.
    for (Boolean numberCritical : new Boolean[] {null, true}) {
      source.served.set(List.of(AREA.crl(now, now.plusSeconds(86400), numberCritical)));
      store.refresh();
      assertThat(store.crls()).containsExactly(genuine);
    }
    // A CA whose key usage does not allow CRL signing signs a CRL: not taken.
    TestPki.Ca noCrlSign =
        ROOT.intermediate(
            "CN=No CRL Sign", TestPki.ecKeyPair(), b -> b.keyUsage(KeyUsage.keyCertSign));
    Replayable other = new Replayable();
    other.served.set(List.of(noCrlSign.crl()));
    CrlStore refusing = hourly(other, noCrlSign);
    assertThat(refusing.crls()).isEmpty();
    assertThat(CrlProfile.problem(noCrlSign.crl(), noCrlSign.certificate()))
        .hasValueSatisfying(p -> assertThat(p).contains("4.2.1.3"));
    assertThat(CrlProfile.problem(genuine, AREA.certificate())).isEmpty();
  }

  @Test
  void aCrlNoCaOfTheAreaSignedIsRefused() {
    Instant now = Instant.now();
    X509CRL genuine = AREA.crl(now.minusSeconds(60), now.plusSeconds(86400));
    // Same issuer name, another key: a forgery with a higher CRL number.
    TestPki.Ca impostor = TestPki.root("CN=Area");
    X509CRL forged = impostor.crl(now, now.plusSeconds(86400));
    Replayable source = new Replayable();
    source.served.set(List.of(genuine));
    CrlStore store = hourly(source, AREA);
    source.served.set(List.of(forged));
    store.refresh();
    assertThat(store.crls()).containsExactly(genuine);
    // The forgery did not raise the bar: the next genuine CRL is taken.
    X509CRL next = AREA.crl(now, now.plusSeconds(86400), VICTIM);
    source.served.set(List.of(next));
    store.refresh();
    assertThat(store.crls()).containsExactly(next);
  }

  @Test
  void aServerThatDripsItsBodyIsCutOffAtTheDeadline() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/area.crl",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 60; i++) {
              out.write('-');
              out.flush();
              Thread.sleep(1000);
            }
          } catch (Exception e) {
            // the client hung up, as it should
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    try {
      CrlSource source =
          CrlSource.url(
              URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/area.crl"),
              Duration.ofSeconds(1));
      // Before, the request timeout ended at the headers and the body read waited a minute.
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () ->
              assertThatThrownBy(source::load)
                  .isInstanceOf(PortcullisException.class)
                  .hasMessageStartingWith("PRTC0136E")
                  .hasMessageContaining("within 1000 ms"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aSlowCrlServerDoesNotHoldTheSchedulerOtherBackgroundWorkShares() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    X509CRL crl = AREA.crl();
    AtomicInteger loads = new AtomicInteger();
    CrlSource slow =
        new CrlSource() {
          @Override
          public List<X509CRL> load() {
            if (loads.incrementAndGet() > 1) {
              stuck.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return List.of(crl);
          }

          @Override
          public String describe() {
            return "slow";
          }
        };
    CrlStore store = CrlStore.loading(List.of(slow), Duration.ofMillis(1), Clock.systemUTC());
    ScheduledExecutorService scheduler = Daemons.scheduler("test-background");
    try {
      store.refreshInBackground(scheduler, Duration.ofMillis(20));
      assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
      // The deny-list watch shares the scheduler: it must still run while the download hangs.
      // Before, the download ran on the scheduler's only thread and this never ran.
      CountDownLatch watched = new CountDownLatch(3);
      scheduler.scheduleWithFixedDelay(watched::countDown, 0, 20, TimeUnit.MILLISECONDS);
      assertThat(watched.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(loads.get()).as("one download at a time per store").isEqualTo(2);
    } finally {
      release.countDown();
      scheduler.shutdownNow();
    }
  }
}
