package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.IssuedCertificate;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * it with {@code bench/rotation.sh}. A real Liberty server renews its HTTPS certificate (a key in a
 * PKCS#12 file, the Portcullis CA in process) {@value #ROTATIONS} times, 10-second certificates
 * renewed at 0.4 of their life, while eight clients request without pause (four on a new TLS
 * connection per request, four on kept-alive connections). Measured in the same run: failed
 * requests; for each renewal, the time from the CA's issuance (its audit log) to the first
 * handshake that presented the new certificate; requests per second while rotating, against the
 * same server before its first renewal (steady state). Writes {@code target/rotation-bench.md}.
 */
class RotationBench {
  private static final int HTTP_PORT = 19090;
  private static final int HTTPS_PORT = 19455;
  static final int ROTATIONS = 100;
  private static final String PASSWORD = "rotation-bench";
  private static final Pattern RENEWED =
      Pattern.compile("\"time\":\"([^\"]+)\",\"event\":\"renew\".*?\"serial\":\"([0-9a-f]+)\"");

  @Test
  void hundredRotationsUnderEightClients() throws Exception {
    RenewalPki pki = RenewalPki.create("rotation.bench.example");
    Path p12 = pki.work.resolve("keys/server.p12");
    // The first certificate lives 240 s, so the first renewal comes about a minute after the
    // server is up: that minute is the steady state.
    IssuedCertificate first = pki.issueToPkcs12("server", p12, PASSWORD, Duration.ofSeconds(240));
    SSLContext clientTls = pki.tls(null);
    SecondServer server =
        SecondServer.create(
            "portcullis-bench-rotation",
            """
            <server>
              <featureManager>
                <feature>transportSecurity-1.0</feature>
                <feature>appSecurity-5.0</feature>
                <feature>usr:portcullis-1.0</feature>
              </featureManager>
              <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d"
                            httpsPort="%d"/>
              <httpOptions id="defaultHttpOptions" maxKeepAliveRequests="-1"/>
              <usr_portcullis>
                <keySource name="server" type="pkcs12" file="%s" passwordEnv="BENCH_P12"
                           renew="ca" caDirectory="%s" lifetime="10s" renewAt="0.4"
                           renewJitter="0" retryDelay="1s" retryMaxDelay="2s"/>
              </usr_portcullis>
              <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                        location="${server.output.dir}/portcullis/key-sources" password="unused"
                        updateTrigger="mbean"/>
              <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="server"/>
            </server>
            """
                .formatted(HTTP_PORT, HTTPS_PORT, p12, pki.caDir),
            Map.of("BENCH_P12", PASSWORD));
    server.start();
    try {
      server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(90));
      Thread.sleep(2_000);
      Load load = new Load(clientTls);
      Instant start = Instant.now();
      load.start(start);
      Path audit = pki.caDir.resolve("audit.jsonl");
      Instant deadline = Instant.now().plus(Duration.ofMinutes(20));
      while (renewals(audit).size() < ROTATIONS + 1 && Instant.now().isBefore(deadline)) {
        Thread.sleep(1_000);
      }
      Thread.sleep(3_000); // the last renewal's first handshake
      load.stop();
      report(first, renewals(audit), load, start);
    } finally {
      server.close();
    }
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
      IssuedCertificate first, Map<String, Instant> issued, Load load, Instant start)
      throws Exception {
    List<Instant> times = new ArrayList<>(issued.values());
    Instant firstRenewal = times.get(0);
    Instant lastRenewal = times.get(Math.min(ROTATIONS, times.size()) - 1);
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
    // Steady: from 5 s after the load started to 1 s before the first renewal; rotating: from the
    // first renewal to the last, whole seconds.
    double steady = load.perSecond(start, start.plusSeconds(5), firstRenewal.minusSeconds(1));
    double rotating = load.perSecond(start, firstRenewal, lastRenewal);
    String text =
        """
        # Rotation benchmark (issue 13)

        JDK %s, %d processors. First certificate serial %s.

        | figure | value |
        |---|---|
        | rotations | %d (in %d s) |
        | requests | %d, **%d failed** |
        | issuance to first handshake with the new certificate | p50 %d ms, p90 %d ms, p99 %d ms, max %d ms (%d renewals measured, %d never seen by a new connection) |
        | requests/s, steady state (before the first renewal, %d s) | %.1f |
        | requests/s, rotating (%d s) | %.1f |
        | throughput ratio, rotating / steady | **%.2f** |
        """
            .formatted(
                System.getProperty("java.runtime.version"),
                Runtime.getRuntime().availableProcessors(),
                first.certificate().getSerialNumber().toString(16),
                issued.size(),
                Duration.between(firstRenewal, lastRenewal).toSeconds(),
                load.requests(),
                load.failures.size(),
                percentile(latencies, 50),
                percentile(latencies, 90),
                percentile(latencies, 99),
                latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1),
                latencies.size(),
                neverSeen,
                Duration.between(start.plusSeconds(5), firstRenewal.minusSeconds(1)).toSeconds(),
                steady,
                Duration.between(firstRenewal, lastRenewal).toSeconds(),
                rotating,
                rotating / steady);
    System.out.println(text);
    load.failures.stream().limit(20).forEach(System.out::println);
    Files.writeString(Path.of("target/rotation-bench.md"), text);
    assertThat(issued).as("renewals").hasSizeGreaterThanOrEqualTo(ROTATIONS);
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

    /** Mean requests per second over the whole seconds from {@code from} to {@code to}. */
    double perSecond(Instant origin, Instant from, Instant to) {
      int first = (int) Duration.between(origin, from).toSeconds() + 1;
      int last = (int) Duration.between(origin, to).toSeconds() - 1;
      long total = 0;
      for (int i = first; i <= last; i++) {
        total += perSecond.get(i);
      }
      return last < first ? Double.NaN : total / (double) (last - first + 1);
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
