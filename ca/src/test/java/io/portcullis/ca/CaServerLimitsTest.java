package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ca serve} against slow and hostile clients, over real sockets. Its own test class, so its
 * own JVM (reuseForks=false): the JDK server reads its deadlines once per process.
 */
class CaServerLimitsTest {
  /**
   * 3 s per request, 4 workers, 16 waiting, 2 issuance slots, 3 refusals per minute, 8 connections
   * per address (the tests' well-behaved clients all come from 127.0.0.1), 1 s for the first TLS
   * record.
   */
  private static final CaServer.Limits LIMITS =
      new CaServer.Limits(Duration.ofSeconds(3), 4, 16, 2, 3, 8, Duration.ofSeconds(1));

  /** Where the hostile client connects from: another loopback address than the good ones. */
  private static final InetAddress HOSTILE = loopback(2);

  @TempDir Path temp;
  private ServedCa served;
  private CaServer server;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void serve() throws Exception {
    served = ServedCa.create(temp);
    served.ca.publishCrl("ops", Duration.ofDays(1), "alice");
    server =
        CaServer.start(served.ca, new InetSocketAddress("localhost", 0), served.serverTls, LIMITS);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    server.close();
  }

  private URI uri(String path) {
    return URI.create("https://localhost:" + server.port() + path);
  }

  private HttpClient client() throws Exception {
    return HttpClient.newBuilder()
        .sslContext(served.anonymousClient())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private HttpResponse<byte[]> getCrl() throws Exception {
    return client()
        .send(
            HttpRequest.newBuilder(uri("/crl/ops.crl")).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> postIssue(String body) throws Exception {
    return client()
        .send(
            HttpRequest.newBuilder(uri("/v1/issue"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** A connection that starts a TLS handshake (half a record header) and then says nothing. */
  private Socket stalledHandshake() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port(), HOSTILE, 0);
    sockets.add(socket);
    try {
      socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
      socket.getOutputStream().flush();
    } catch (SocketException e) {
      // reset as it came (over the cap for this address): what the test looks at next
    }
    return socket;
  }

  /** How long until the server closes {@code socket}; fails if it is still open after 15 s. */
  private static Duration closedByServerWithin(Socket socket) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout(15_000);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // the server may answer an alert first
      }
    } catch (SocketException e) {
      // reset: closed too
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void stalledHandshakesHoldNoWorkerPastTheDeadlineAndCrlsAreServedMeanwhile() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < LIMITS.workers() - 1; i++) {
      stalled.add(stalledHandshake());
    }
    Thread.sleep(300);
    // Today's two threads would both be held: no CRL until a slow client lets go.
    long start = System.nanoTime();
    assertThat(getCrl().statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    for (Socket socket : stalled) {
      // Closed by the gate at its handshake deadline, before any worker was taken.
      assertThat(closedByServerWithin(socket)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void oneAddressHoldingEightySlowConnectionsLeavesCrlsServedToEveryoneElse() throws Exception {
    // Unloaded first, in the same run: the baseline the figure under load is read against.
    List<Long> unloaded = crlLatencies(30);
    long turnedAwayBefore = server.connectionsTurnedAway();
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      slow.add(stalledHandshake());
    }
    Thread.sleep(200);
    // Each held connection sends one more byte now and then, as a slow client does.
    ScheduledExecutorService dripper = Executors.newSingleThreadScheduledExecutor();
    dripper.scheduleAtFixedRate(
        () -> {
          for (Socket socket : slow) {
            try {
              socket.getOutputStream().write(0);
            } catch (IOException e) {
              // closed by the server: what it should do
            }
          }
        },
        250,
        250,
        TimeUnit.MILLISECONDS);
    try {
      List<Long> loaded = crlLatencies(60);
      assertThat(server.connectionsTurnedAway() - turnedAwayBefore)
          .as("all but the cap from that address closed as they came")
          .isGreaterThanOrEqualTo(80 - LIMITS.connectionsPerAddress());
      long p99 = percentile(loaded, 99);
      System.out.printf(
          "CRL fetch under 80 slow connections from one address: p50 %.1f ms, p99 %.1f ms;"
              + " unloaded p50 %.1f ms, p99 %.1f ms (%d and %d fetches)%n",
          percentile(loaded, 50) / 1e6,
          p99 / 1e6,
          percentile(unloaded, 50) / 1e6,
          percentile(unloaded, 99) / 1e6,
          loaded.size(),
          unloaded.size());
      assertThat(Duration.ofNanos(p99)).isLessThan(Duration.ofSeconds(2));
    } finally {
      dripper.shutdownNow();
    }
  }

  /** {@code count} CRL fetches one after the other on fresh connections, each one's nanoseconds. */
  private List<Long> crlLatencies(int count) throws Exception {
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      assertThat(getCrl().statusCode()).isEqualTo(200);
      latencies.add(System.nanoTime() - start);
    }
    return latencies;
  }

  private static long percentile(List<Long> values, int percent) {
    List<Long> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  @Test
  void connectionsOverTheCapFromOneAddressAreClosedAsTheyComeAndOthersServed() throws Exception {
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < LIMITS.connectionsPerAddress(); i++) {
      held.add(stalledHandshake());
    }
    Thread.sleep(200);
    Socket over = stalledHandshake();
    assertThat(closedByServerWithin(over)).isLessThan(Duration.ofMillis(500));
    assertThat(getCrl().statusCode()).isEqualTo(200);
    // Once that address lets go (here: the deadline closed them), it is let in again.
    for (Socket socket : held) {
      closedByServerWithin(socket);
    }
    Thread.sleep(100);
    SSLSocket again =
        (SSLSocket)
            served
                .anonymousClient()
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.port(), HOSTILE, 0);
    sockets.add(again);
    again.startHandshake();
    assertThat(again.getSession().getProtocol()).startsWith("TLSv1.");
  }

  @Test
  void aConnectionThatSpeaksSomethingElseThanTlsIsClosedAtOnce() throws Exception {
    Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port(), HOSTILE, 0);
    sockets.add(plain);
    plain
        .getOutputStream()
        .write("GET /crl/ops.crl HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(closedByServerWithin(plain)).isLessThan(Duration.ofMillis(500));
  }

  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBodyDrippedSlowerThanTheDeadlineIsCutOff() throws Exception {
    SSLSocket socket =
        (SSLSocket)
            served.anonymousClient().getSocketFactory().createSocket("localhost", server.port());
    sockets.add(socket);
    socket.startHandshake();
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /v1/issue HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    long start = System.nanoTime();
    socket.setSoTimeout(15_000);
    byte[] answer;
    try {
      answer = socket.getInputStream().readAllBytes();
    } catch (SocketException e) {
      answer = new byte[0];
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    // Cut off, not answered as if the request had been whole.
    assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotContain("PRTC04");
  }

  @Test
  void aClientRefusedTooOftenIsTurnedAwayBeforeTheCaHearsIt() throws Exception {
    Path audit = served.ca.directory().resolve("audit.jsonl");
    String badToken = "{\"token\":\"guess\",\"csr\":\"junk\"}";
    for (int i = 0; i < LIMITS.refusalsPerMinute(); i++) {
      HttpResponse<String> refused = postIssue(badToken);
      assertThat(refused.statusCode()).isIn(400, 403);
    }
    long auditLines = Files.readAllLines(audit).size();
    HttpResponse<String> limited = postIssue(badToken);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).contains("PRTC0460W");
    assertThat(limited.headers().firstValueAsLong("Retry-After").orElse(0)).isBetween(1L, 60L);
    assertThat(Files.readAllLines(audit)).as("nothing reached the CA").hasSize((int) auditLines);
    // CRLs are not issuance: still served to the same address.
    assertThat(getCrl().statusCode()).isEqualTo(200);
  }

  @Test
  void crlsAreServedWhileEveryIssuanceWaitsOnTheCa() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // A slow issuance: something holds the CA's lock (a slow token, a stuck disk).
    Thread holder =
        new Thread(
            () -> {
              synchronized (served.ca) {
                held.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    holder.start();
    held.await();
    try {
      // Well formed, so that each one needs the CA (the token is wrong, which only the CA knows).
      String wellFormed =
          new ObjectMapper()
              .createObjectNode()
              .put("token", "unknown")
              .put("csr", Pem.encode(CaFixture.csr(CaFixture.p256(), CaServerTest.API)))
              .toString();
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      for (int i = 0; i < LIMITS.workers(); i++) {
        waiting.add(
            client()
                .sendAsync(
                    HttpRequest.newBuilder(uri("/v1/issue"))
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(wellFormed))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()));
      }
      Thread.sleep(500);
      long start = System.nanoTime();
      assertThat(getCrl().statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      // Those that found no free slot were told so at once. Then the CA lets go, before the
      // deadline cuts the connections of those that wait on it.
      long deadline = System.nanoTime() + LIMITS.requestTimeout().toNanos() * 3 / 4;
      while (waiting.stream().filter(CompletableFuture::isDone).count()
              < LIMITS.workers() - LIMITS.issuanceSlots()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      release.countDown();
      List<HttpResponse<String>> answers = waiting.stream().map(CompletableFuture::join).toList();
      assertThat(answers)
          .filteredOn(r -> r.statusCode() == 503)
          .hasSize(LIMITS.workers() - LIMITS.issuanceSlots())
          .allSatisfy(r -> assertThat(r.body()).contains("PRTC0461W"));
      assertThat(answers)
          .filteredOn(r -> r.statusCode() != 503)
          .allSatisfy(r -> assertThat(r.statusCode()).isIn(400, 403));
    } finally {
      release.countDown();
      holder.join();
    }
  }
}
