package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.portcullis.acme.testing.Pebble;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Liberty server renewing from an ACME server (pebble) whose renewal information (RFC 9773)
 * comes from a stub in front of it that answers as a careless or hostile server would: a window
 * that is already past for every certificate, and {@code Retry-After: 0}. The agent is held to its
 * clamp: window requests no more often than {@code retryMaxDelay}, renewals no closer than {@code
 * retryDelay} after the last, the window logged once, and no request fails meanwhile.
 */
class RenewalWindowIT {
  private static final int HTTP_PORT = 19092;
  private static final int HTTPS_PORT = 19458;
  private static final String PASSWORD = "renewal-window-p12";
  private static final Duration RETRY_DELAY = Duration.ofSeconds(3);
  private static final Duration RETRY_MAX_DELAY = Duration.ofSeconds(6);

  private static Path work;
  private static Pebble pebble;
  private static HttpsServer stub;
  private static final AtomicInteger windowRequests = new AtomicInteger();
  private static SecondServer server;
  private static SSLContext clientTls;

  @BeforeAll
  static void serverRenewingWithAWindowStub() throws Exception {
    work = Files.createTempDirectory("portcullis-window-it");
    pebble = Pebble.start(work.resolve("pebble"), 600);
    Path root = pebble.writeRoot(work.resolve("pebble-root.pem"));
    stub = startStub();
    // The agent trusts pebble's listener and the stub's for the ACME connections.
    Path acmeTrust = work.resolve("acme-trust.pem");
    Files.writeString(
        acmeTrust,
        Files.readString(pebble.listenerTrust()) + "\n" + Files.readString(stubRoot),
        StandardCharsets.US_ASCII);

    Path p12 = work.resolve("keys/server.p12");
    Files.createDirectories(p12.getParent());
    TestPki.Ca bootstrap = TestPki.root("CN=bootstrap for the window IT");
    bootstrap
        .issue("CN=localhost", TestPki.rsaKeyPair(2048))
        .validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600))
        .dnsSan("localhost")
        .serverAuth()
        .issueLeaf()
        .writePkcs12(p12, "server", PASSWORD.toCharArray());
    List<X509Certificate> anchors = new ArrayList<>(TestPki.readCertificates(root));
    anchors.add(bootstrap.certificate());
    clientTls = RenewalPki.trusting(anchors);

    server =
        SecondServer.create(
            "portcullis-it-renewal-window",
            SecondServer.renewingServerXml(
                HTTP_PORT,
                HTTPS_PORT,
                """
                <keySource name="server" type="pkcs12" file="%s" passwordEnv="WINDOW_IT_P12"
                           renew="acme" acmeDirectory="https://localhost:%d/dir"
                           acmeAccountKey="%s" acmeEabKid="%s" acmeEabKeyEnv="WINDOW_IT_EAB_KEY"
                           acmeTrust="%s" acmeHttpPort="%d" caRoot="%s"
                           renewAt="0.9" renewJitter="0" retryDelay="%ds" retryMaxDelay="%ds"/>
                """
                    .formatted(
                        p12,
                        stub.getAddress().getPort(),
                        work.resolve("acme/account.pem"),
                        Pebble.EAB_KID,
                        acmeTrust,
                        pebble.httpPort(),
                        root,
                        RETRY_DELAY.toSeconds(),
                        RETRY_MAX_DELAY.toSeconds()),
                "server",
                ""),
            Map.of("WINDOW_IT_P12", PASSWORD, "WINDOW_IT_EAB_KEY", pebble.eabKey()));
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (stub != null) {
      stub.stop(0);
    }
    if (pebble != null) {
      pebble.close();
    }
  }

  @Test
  void aPastWindowAndRetryAfterZeroAreHeldToTheClamp() throws Exception {
    server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(60));
    NewConnectionLoad load = new NewConnectionLoad(clientTls, HTTPS_PORT);
    load.start();
    // The bootstrap certificate is well inside its life (renewAt 0.9): only the window renews it.
    server.awaitLog("PRTC0540I: Key source server ", Duration.ofSeconds(60));
    int asked = windowRequests.get();
    int renewed = count("PRTC0540I: Key source server ");
    Duration observed = Duration.ofSeconds(30);
    Thread.sleep(observed.toMillis());
    int windows = windowRequests.get() - asked;
    int renewals = count("PRTC0540I: Key source server ") - renewed;
    load.stop();
    System.out.printf(
        "stub window past, Retry-After 0: %d window requests and %d renewals in %d s"
            + " (retryMaxDelay %d s, retryDelay %d s)%n",
        windows,
        renewals,
        observed.toSeconds(),
        RETRY_MAX_DELAY.toSeconds(),
        RETRY_DELAY.toSeconds());

    // Each certificate asks once when installed, then at most every retryMaxDelay.
    long bound = observed.dividedBy(RETRY_MAX_DELAY) + renewals + 2;
    assertThat(windows).as("window requests").isPositive().isLessThanOrEqualTo((int) bound);
    // A window already past renews, but never sooner than retryDelay after the last renewal.
    assertThat(renewals).as("renewals").isPositive();
    assertThat(renewals).isLessThanOrEqualTo((int) (observed.dividedBy(RETRY_DELAY) + 1));
    assertThat(count("PRTC0552I: "))
        .as("the same window is logged once, not at every answer")
        .isLessThanOrEqualTo(2);
    assertThat(load.failures).as("requests that failed").isEmpty();
    assertThat(server.logsContain(pebble.eabKey())).as("the EAB key in a log").isFalse();
  }

  private static Path stubRoot;

  /**
   * The directory pebble serves with its renewalInfo pointing at the stub, and renewal information
   * for every certificate: a window that ended an hour ago, to be asked again at once.
   */
  private static HttpsServer startStub() throws Exception {
    TestPki.Ca ca = TestPki.root("CN=ACME window stub");
    stubRoot = work.resolve("stub-root.pem");
    Files.writeString(stubRoot, TestPki.pem(ca.certificate()), StandardCharsets.US_ASCII);
    TestPki.Leaf leaf = ca.issue("CN=localhost").dnsSan("localhost").serverAuth().issueLeaf();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "stub",
        leaf.keys().getPrivate(),
        "stub".toCharArray(),
        leaf.chain().toArray(new Certificate[0]));
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "stub".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);

    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(RenewalPki.trusting(TestPki.readCertificates(pebble.listenerTrust())))
            .build();
    ObjectMapper json = new ObjectMapper();
    Instant end = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    Instant start = end.minus(1, ChronoUnit.HOURS);

    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext(
        "/dir",
        exchange -> {
          try (exchange) {
            HttpResponse<String> directory =
                http.send(
                    HttpRequest.newBuilder(pebble.directory()).build(),
                    HttpResponse.BodyHandlers.ofString());
            ObjectNode body = (ObjectNode) json.readTree(directory.body());
            body.put(
                "renewalInfo",
                "https://localhost:" + exchange.getLocalAddress().getPort() + "/renewalInfo");
            send(exchange, json.writeValueAsBytes(body), Map.of());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.createContext(
        "/renewalInfo/",
        exchange -> {
          try (exchange) {
            windowRequests.incrementAndGet();
            ObjectNode body = json.createObjectNode();
            body.putObject("suggestedWindow")
                .put("start", start.toString())
                .put("end", end.toString());
            send(exchange, json.writeValueAsBytes(body), Map.of("Retry-After", "0"));
          }
        });
    server.start();
    return server;
  }

  private static void send(HttpExchange exchange, byte[] body, Map<String, String> headers)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static int count(String fragment) throws Exception {
    return (int) server.log().stream().filter(line -> line.contains(fragment)).count();
  }
}
