package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.IssuedCertificate;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * The rotation benchmark of issue 13, not part of the test suite (the name does not end in IT): run
 * it with {@code bench/rotation.sh}. A real Liberty server renews its HTTPS certificate
 * (short-lived certificates from the Portcullis CA in process, renewed about every second) while
 * eight clients request without pause (four on a new TLS connection per request, four on kept-alive
 * connections), once with the key in a PKCS#12 file and once with a new key made in SoftHSM2 for
 * each renewal.
 *
 * <p>Throughput is compared on the same server in the same minutes: after a warm-up, 6-second
 * windows alternate between <em>steady</em> (the benchmark holds the CA's state lock, so the
 * renewal due waits, as it would for a CA that is slow to answer; the certificate in force stays
 * valid) and <em>rotating</em> (the lock is free; the pending renewal and the next ones run). The
 * first and last second of each window are left out. Measured: failed requests; for each renewal
 * the time from the CA's issuance (its audit log) to the first handshake that presented the new
 * certificate; requests per second in rotating windows against steady ones. Appends to {@code
 * target/rotation-bench.md}.
 */
class RotationBench {
  private static final int HTTP_PORT = 19090;
  private static final int HTTPS_PORT = 19455;
  static final int ROTATIONS = 100;
  private static final Duration WARM_UP = Duration.ofSeconds(45);
  private static final Duration WINDOW = Duration.ofSeconds(6);
  private static final String PASSWORD = "rotation-bench";

  /**
   * Renewal about every second. The lifetime must outlast a steady window plus the renewal that
   * waited through it: 12 s for a PKCS#12 key; 20 s for a token key, whose renewal (a key made in
   * SoftHSM2, stored with its certificate, loaded by Liberty) takes longer.
   */
  private static final String RENEWAL =
      "renew=\"ca\" caDirectory=\"%s\" lifetime=\"%s\" renewAt=\"%s\" renewJitter=\"0\""
          + " retryDelay=\"1s\" retryMaxDelay=\"2s\" retireAfter=\"2s\"";

  private static final Pattern RENEWED =
      Pattern.compile("\"time\":\"([^\"]+)\",\"event\":\"renew\".*?\"serial\":\"([0-9a-f]+)\"");

  @Test
  void pkcs12Key() throws Exception {
    RenewalPki pki = RenewalPki.create("rotation.bench.example");
    Path p12 = pki.work.resolve("keys/server.p12");
    IssuedCertificate first = pki.issueToPkcs12("server", p12, PASSWORD, Duration.ofSeconds(240));
    run(
        "key in a PKCS#12 file",
        pki,
        first,
        """
        <keySource name="server" type="pkcs12" file="%s" passwordEnv="BENCH_P12" %s/>
        """
            .formatted(p12, RENEWAL.formatted(pki.caDir, "12s", "0.1")),
        Map.of("BENCH_P12", PASSWORD));
  }

  @Test
  void softHsmKey() throws Exception {
    RenewalPki pki = RenewalPki.create("rotation.bench.example");
    String alias = "bench-" + Long.toHexString(System.nanoTime());
    IssuedCertificate first = pki.issueToToken("server", alias, Duration.ofSeconds(240));
    run(
        "new key in SoftHSM2 at each renewal",
        pki,
        first,
        """
        <keySource name="server" type="pkcs11" library="/usr/lib/softhsm/libsofthsm2.so"
                   tokenLabel="%s" alias="%s" pinEnv="PORTCULLIS_IT_TOKEN_PIN" %s/>
        """
            .formatted(TokenSetup.LABEL, alias, RENEWAL.formatted(pki.caDir, "20s", "0.05")),
        pki.tokenEnvironment());
  }

  private static void run(
      String title,
      RenewalPki pki,
      IssuedCertificate first,
      String keySource,
      Map<String, String> env)
      throws Exception {
    SSLContext clientTls = pki.tls(null);
    SecondServer server =
        SecondServer.create(
            "portcullis-bench-rotation",
            SecondServer.renewingServerXml(
                HTTP_PORT,
                HTTPS_PORT,
                keySource,
                "server",
                "<httpOptions id=\"defaultHttpOptions\" maxKeepAliveRequests=\"-1\"/>"),
            env);
    server.start();
    try {
      server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(90));
      Thread.sleep(2_000);
      Load load = new Load(clientTls);
      Instant start = Instant.now();
      load.start(start);
      Thread.sleep(WARM_UP.toMillis());
      Path audit = pki.caDir.resolve("audit.jsonl");
      List<Instant[]> steady = new ArrayList<>();
      List<Instant[]> rotating = new ArrayList<>();
      Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
      while (inWindows(renewals(audit), rotating) < ROTATIONS && Instant.now().isBefore(deadline)) {
        try (FileChannel lockFile =
            FileChannel.open(
                pki.caDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          FileLock held = lockFile.lock();
          try {
            steady.add(window());
          } finally {
            held.release();
          }
        }
        rotating.add(window());
      }
      Thread.sleep(3_000); // the last renewal's first handshake
      load.stop();
      report(title, first, renewals(audit), load, start, steady, rotating);
    } finally {
      server.close();
    }
  }

  /** Sleeps one window; its start and end. */
  private static Instant[] window() throws InterruptedException {
    Instant from = Instant.now();
    Thread.sleep(WINDOW.toMillis());
    return new Instant[] {from, Instant.now()};
  }

  /** How many of {@code issued} fall into {@code windows}. */
  private static int inWindows(Map<String, Instant> issued, List<Instant[]> windows) {
    int count = 0;
    for (Instant time : issued.values()) {
      for (Instant[] window : windows) {
        if (!time.isBefore(window[0]) && time.isBefore(window[1])) {
          count++;
        }
      }
    }
    return count;
  }

  /** Serial (hex) to issuance time, in issuance order, from the CA's audit log. */
  private static Map<String, Instant> renewals(Path audit) throws Exception {
    Map<String, Instant> renewals = new java.util.LinkedHashMap<>();
    if (!Files.exists(audit)) {
      return renewals;
    }
    for (String line : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
      Matcher matcher = RENEWED.matcher(line);
      if (matcher.find()) {
        renewals.put(matcher.group(2), Instant.parse(matcher.group(1)));
      }
    }
    return renewals;
  }

  private static void report(
      String title,
      IssuedCertificate first,
      Map<String, Instant> issued,
      Load load,
      Instant start,
      List<Instant[]> steady,
      List<Instant[]> rotating)
      throws Exception {
    List<Long> latencies = new ArrayList<>();
    int neverSeen = 0;
    for (Map.Entry<String, Instant> renewal : issued.entrySet()) {
      Instant seen = load.firstSeen.get(new BigInteger(renewal.getKey(), 16));
      if (seen == null) {
        neverSeen++;
      } else {
        latencies.add(Duration.between(renewal.getValue(), seen).toMillis());
      }
    }
    Collections.sort(latencies);
    double[] steadyRate = load.perSecond(start, steady);
    double[] rotatingRate = load.perSecond(start, rotating);
    String text =
        """

        ## %s

        JDK %s, %d processors. First certificate serial %s. Warm-up %d s, then %d steady and %d
        rotating windows of %d s, alternating (first and last second of each left out).

        | figure | value |
        |---|---|
        | renewals | %d in all, %d in rotating windows, %d in steady ones |
        | requests | %d, **%d failed** |
        | issuance to first handshake with the new certificate | p50 %d ms, p90 %d ms, p99 %d ms, max %d ms (%d renewals measured, %d never seen by a new connection) |
        | requests/s, steady windows (%.0f s) | %.1f |
        | requests/s, rotating windows (%.0f s) | %.1f |
        | throughput ratio, rotating / steady | **%.2f** |
        """
            .formatted(
                title,
                System.getProperty("java.runtime.version"),
                Runtime.getRuntime().availableProcessors(),
                first.certificate().getSerialNumber().toString(16),
                WARM_UP.toSeconds(),
                steady.size(),
                rotating.size(),
                WINDOW.toSeconds(),
                issued.size(),
                inWindows(issued, rotating),
                inWindows(issued, steady),
                load.requests(),
                load.failures.size(),
                percentile(latencies, 50),
                percentile(latencies, 90),
                percentile(latencies, 99),
                latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1),
                latencies.size(),
                neverSeen,
                steadyRate[1],
                steadyRate[0],
                rotatingRate[1],
                rotatingRate[0],
                rotatingRate[0] / steadyRate[0]);
    System.out.println(text);
    load.failures.stream().limit(20).forEach(System.out::println);
    Files.writeString(
        Path.of("target/rotation-bench.md"),
        text,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    assertThat(inWindows(issued, rotating)).as("renewals").isGreaterThanOrEqualTo(ROTATIONS);
  }

  private static long percentile(List<Long> sorted, int percent) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  /** Eight clients: four on a new connection per request, four kept alive. */
  private static final class Load {
    final SSLContext tls;
    final AtomicBoolean running = new AtomicBoolean(true);
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final Map<BigInteger, Instant> firstSeen = new ConcurrentHashMap<>();

    /** Requests served per second since the start. */
    final AtomicLongArray perSecond = new AtomicLongArray(3_600);

    final List<Thread> threads = new ArrayList<>();
    Instant start;

    Load(SSLContext tls) {
      this.tls = tls;
      for (int i = 0; i < 4; i++) {
        threads.add(new Thread(this::newConnections, "new-connections-" + i));
        threads.add(new Thread(this::keptAlive, "kept-alive-" + i));
      }
    }

    void start(Instant at) {
      start = at;
      threads.forEach(Thread::start);
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(20_000);
      }
    }

    long requests() {
      long total = 0;
      for (int i = 0; i < perSecond.length(); i++) {
        total += perSecond.get(i);
      }
      return total;
    }

    /**
     * Mean requests per second over the whole seconds inside {@code windows}, leaving out each
     * window's first and last second; and how many seconds that was.
     */
    double[] perSecond(Instant origin, List<Instant[]> windows) {
      long total = 0;
      int seconds = 0;
      for (Instant[] window : windows) {
        int first = (int) Duration.between(origin, window[0]).toSeconds() + 1;
        int last = (int) Duration.between(origin, window[1]).toSeconds() - 1;
        for (int i = first; i <= last; i++) {
          total += perSecond.get(i);
          seconds++;
        }
      }
      return new double[] {seconds == 0 ? Double.NaN : total / (double) seconds, seconds};
    }

    private void served() {
      int second = (int) Duration.between(start, Instant.now()).toSeconds();
      if (second < perSecond.length()) {
        perSecond.incrementAndGet(second);
      }
    }

    private void newConnections() {
      while (running.get()) {
        try {
          X509Certificate served = RenewalPki.requestOnANewConnection(tls, HTTPS_PORT);
          firstSeen.putIfAbsent(served.getSerialNumber(), Instant.now());
          served();
        } catch (Exception e) {
          failures.add(Instant.now() + " new connection: " + e);
        }
      }
    }

    private void keptAlive() {
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(tls)
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      while (running.get()) {
        try {
          HttpResponse<Void> response =
              client.send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + HTTPS_PORT + "/"))
                      .timeout(Duration.ofSeconds(20))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            served();
          } else {
            failures.add(Instant.now() + " kept alive: HTTP " + response.statusCode());
          }
        } catch (java.io.IOException e) {
          failures.add(Instant.now() + " kept alive: " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
