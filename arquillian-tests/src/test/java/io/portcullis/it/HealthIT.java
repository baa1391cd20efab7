package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.Pem;
import io.portcullis.keys.TokenKeys;
import io.portcullis.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The feature's health checks and metrics on a real Liberty server with {@code mpHealth-4.0} and
 * {@code mpMetrics-5.1}, as an operator, Prometheus or a Kubernetes probe reads them: {@code
 * /metrics?scope=portcullis}, and {@code /health/ready}, {@code /health/live} and {@code
 * /health/started} over mTLS (every port asks for a client certificate), and the files Liberty
 * writes for exec probes ({@code <mpHealth checkInterval>}). One server, the faults one after
 * another: a renewal whose issuer went away, a CRL past its nextUpdate, a trust file reload
 * refused, a certificate that expired, a token key that was deleted. Liveness stays UP throughout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthIT {
  private static final int HTTP_PORT = 19093;
  private static final int HTTPS_PORT = 19460;
  private static final String PASSWORD = "health-it-p12";
  private static final String TOKEN_ALIAS = "health-" + Long.toHexString(System.nanoTime());
  private static final Duration LIFETIME = Duration.ofSeconds(40);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RenewalPki pki;
  private static SecondServer server;
  private static HttpClient caller;
  private static Path crl;
  private static Path areaWeb;
  private static Path caAway;
  private static TestPki.Ca devArea;

  @BeforeAll
  static void serverWithMpHealth() throws Exception {
    pki = RenewalPki.create("health.it.example");
    Path keys = pki.work.resolve("keys");
    Path p12 = keys.resolve("server.p12");
    IssuedCertificate served = pki.issueToPkcs12("server", p12, PASSWORD, LIFETIME);
    pki.issueToToken("token", TOKEN_ALIAS, Duration.ofMinutes(20));
    Files.writeString(keys.resolve("root.pem"), Pem.encode(pki.ca.rootCertificate()));
    areaWeb = keys.resolve("area-web.pem");
    Files.writeString(areaWeb, Pem.encode(served.chain().get(1)));
    caAway = pki.work.resolve("ca-away");
    // A second area, of the build's dev PKI, whose CRL this test writes (hard-fail).
    devArea = ItServer.devArea();
    crl = keys.resolve("area-dev.crl");
    writeCrl(Instant.now().plus(Duration.ofMinutes(10)));
    caller = HttpClient.newBuilder().sslContext(pki.tls("caller")).build();

    Map<String, String> environment = new HashMap<>(pki.tokenEnvironment());
    environment.put("HEALTH_IT_P12", PASSWORD);
    server =
        SecondServer.create(
            "portcullis-it-health",
            """
            <server>
              <featureManager>
                <feature>restfulWS-3.1</feature>
                <feature>jsonp-2.1</feature>
                <feature>mpHealth-4.0</feature>
                <feature>mpMetrics-5.1</feature>
                <feature>usr:portcullis-1.0</feature>
              </featureManager>
              <mpHealth checkInterval="1s" startupCheckInterval="1s"/>
              <mpMetrics authentication="false"/>
              <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d"
                            httpsPort="%d"/>
              <usr_portcullis realm="portcullis" unmatched="authenticate" refusalLogInterval="20s">
                <trustArea name="web" anchors="%s/root.pem" intermediates="%s"/>
                <trustArea name="dev" anchors="%s/root.pem" intermediates="%s/area-dev.pem"
                           crl="%s" crlRefresh="1s" revocation="hard-fail"/>
                <keySource name="server" type="pkcs12" file="%s" passwordEnv="HEALTH_IT_P12"
                           renew="ca" caDirectory="%s" lifetime="%ds" renewAt="0.3"
                           unhealthyAt="0.5" renewJitter="0" retryDelay="1s"
                           retryMaxDelay="2s"/>
                <keySource name="token" type="pkcs11" library="/usr/lib/softhsm/libsofthsm2.so"
                           tokenLabel="%s" alias="%s" pinEnv="PORTCULLIS_IT_TOKEN_PIN"/>
              </usr_portcullis>
              <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                        location="${server.output.dir}/portcullis/key-sources" password="unused"
                        updateTrigger="mbean"/>
              <keyStore id="portcullisTrust" type="PortcullisTrust" provider="Portcullis"
                        location="${server.output.dir}/portcullis/trust-areas" password="unused"
                        updateTrigger="mbean"/>
              <!-- mTLS only, as in production: a probe without a client certificate gets no
                   answer at all, hence the probe files. -->
              <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="server"
                   trustStoreRef="portcullisTrust" clientAuthentication="true"/>
              <webAppSecurity allowFailOverToBasicAuth="false" allowFailOverToFormLogin="false"
                              singleSignonEnabled="false"/>
              <webApplication id="portcullis-sample" name="portcullis-sample" location="%s"
                              contextRoot="/portcullis-sample"/>
            </server>
            """
                .formatted(
                    HTTP_PORT,
                    HTTPS_PORT,
                    keys,
                    areaWeb,
                    ItServer.pkiDir(),
                    ItServer.pkiDir(),
                    crl,
                    p12,
                    pki.caDir,
                    LIFETIME.toSeconds(),
                    TokenSetup.LABEL,
                    TOKEN_ALIAS,
                    System.getProperty("portcullis.it.sample.war")),
            environment);
    server.start();
    server.awaitLog("CWWKZ0001I: Application portcullis-sample", Duration.ofSeconds(90));
    server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (caAway != null && Files.exists(caAway)) {
      Files.move(caAway, pki.caDir);
    }
  }

  @Test
  @Order(1)
  void everyKeySourceAndAreaIsReportedUpWithItsDataAndTheProbeFilesAreWritten() throws Exception {
    JsonNode ready = awaitReady("everything UP", body -> "UP".equals(body.path("status").asText()));
    assertThat(names(ready))
        .containsExactlyInAnyOrder(
            "portcullis",
            "portcullis-keysource-server",
            "portcullis-keysource-token",
            "portcullis-area-web",
            "portcullis-area-dev");
    JsonNode server = check(ready, "portcullis-keysource-server").path("data");
    assertThat(server.path("issuer").asText()).isEqualTo("ca");
    assertThat(server.path("identity").asText()).isEqualTo("spiffe://health.it.example/web/server");
    assertThat(server.path("serial").asText()).matches("[0-9a-f]+");
    assertThat(Instant.parse(server.path("notAfter").asText())).isAfter(Instant.now());
    assertThat(server.path("secondsLeft").asLong()).isBetween(1L, LIFETIME.toSeconds());
    assertThat(server.has("consecutiveFailures")).isTrue();
    assertThat(check(ready, "portcullis-keysource-token").path("data").path("issuer").asText())
        .isEqualTo("none");
    JsonNode dev = check(ready, "portcullis-area-dev").path("data");
    assertThat(dev.path("revocation").asText()).isEqualTo("hard_fail");
    assertThat(dev.toString()).contains("nextUpdate");
    assertThat(get("/health/live").path("status").asText()).isEqualTo("UP");
    assertThat(get("/health/started").path("status").asText()).isEqualTo("UP");
    // No health output shows a PIN or a password.
    String all = get("/health").toString();
    assertThat(all).doesNotContain(pki.tokenPin()).doesNotContain(PASSWORD);
    awaitFiles("ready is written while UP", true);
    String metrics =
        awaitMetrics("the expiry gauges", text -> text.contains("keysource=\"token\""));
    assertThat(metric(metrics, "portcullis_certificate_expiry_seconds", "keysource=\"server\""))
        .isBetween(1.0, (double) LIFETIME.toSeconds());
    assertThat(metric(metrics, "portcullis_certificate_expiry_seconds", "keysource=\"token\""))
        .isGreaterThan(LIFETIME.toSeconds());
    assertThat(metric(metrics, "portcullis_area_anchors", "area=\"dev\"")).isEqualTo(1.0);
    assertThat(metric(metrics, "portcullis_area_crl_age_seconds", "area=\"dev\"")).isPositive();
  }

  @Test
  @Order(2)
  void aRenewalWhoseIssuerWentAwayTurnsItsKeySourceDownThenUpWhenTheIssuerIsBack()
      throws Exception {
    Files.move(pki.caDir, caAway);
    JsonNode ready =
        awaitReady(
            "server DOWN, renewal overdue",
            body -> "PRTC0558E".equals(data(body, "portcullis-keysource-server", "downId")));
    JsonNode data = check(ready, "portcullis-keysource-server").path("data");
    assertThat(data.path("lastOutcome").asText()).isEqualTo("failed");
    assertThat(data.path("consecutiveFailures").asInt()).isPositive();
    assertThat(data.path("lastErrorId").asText()).matches("PRTC\\d{4}[EW]");
    assertThat(check(ready, "portcullis").path("data").path("down").asText())
        .contains("portcullis-keysource-server (PRTC0558E)");
    assertThat(get("/health/live").path("status").asText()).isEqualTo("UP");
    awaitFiles("ready is no longer written while DOWN, live still is", false);

    String before = awaitMetrics("the failures counted", text -> text.contains("reason=\"PRTC"));
    double renewed = metric(before, "portcullis_renewal_successes_total", "keysource=\"server\"");
    assertThat(renewed).as("renewals counted so far").isNotNegative();
    assertThat(before)
        .containsPattern(
            "portcullis_renewal_failures_total\\{keysource=\"server\",mp_scope=\"portcullis\",reason=\"PRTC\\d{4}[EW]\"");
    Files.move(caAway, pki.caDir);
    ready =
        awaitReady(
            "server UP again after a renewal",
            body ->
                "UP".equals(status(body, "portcullis-keysource-server"))
                    && "renewed".equals(data(body, "portcullis-keysource-server", "lastOutcome")));
    assertThat(
            check(ready, "portcullis-keysource-server").path("data").path("lastRenewal").asText())
        .isNotEmpty();
    awaitFiles("ready is written again", true);
    String after =
        awaitMetrics(
            "a renewal counted and its first use",
            text ->
                metric(text, "portcullis_renewal_successes_total", "keysource=\"server\"") > renewed
                    && metric(
                            text,
                            "portcullis_certificate_first_use_delay_seconds",
                            "keysource=\"server\"")
                        >= 0);
    // Liberty reloads its key store within seconds of the renewal being announced.
    assertThat(
            metric(after, "portcullis_certificate_first_use_delay_seconds", "keysource=\"server\""))
        .as("seconds from the renewal to the server presenting the renewed certificate")
        .isLessThan(30.0);
  }

  @Test
  @Order(3)
  void refusalsAreCountedByReasonAndAThousandDistinctRefusedCertificatesAddOneLabel()
      throws Exception {
    // A thousand distinct dev-area callers (one key, a thousand serials), all revoked.
    java.security.KeyPair key = TestPki.ecKeyPair();
    java.util.List<TestPki.Leaf> callers = new java.util.ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      callers.add(
          devArea
              .issue("CN=flood " + i, key)
              .uriSan("spiffe://demo.portcullis.dev/flood/" + i)
              .clientAuth()
              .issueLeaf());
    }
    Instant nextUpdate = Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
    writeCrl(
        nextUpdate,
        callers.stream()
            .map(leaf -> leaf.certificate().getSerialNumber())
            .toArray(java.math.BigInteger[]::new));
    String text =
        awaitMetrics(
            "counters registered", body -> body.contains("portcullis_requests_accepted_total"));
    double refusedBefore = refusedCount(text, "PRTC0118E");
    double missesBefore = Math.max(0, metric(text, "portcullis_validation_cache_misses_total", ""));
    double hitsBefore = Math.max(0, metric(text, "portcullis_validation_cache_hits_total", ""));
    double timedBefore =
        Math.max(0, metric(text, "portcullis_validation_duration_seconds_count", ""));
    long refusedSeriesBefore = refusedSeries(text);
    // Callers before the area reads the new CRL (crlRefresh, 1 s) would still pass: wait for it.
    awaitReady(
        "the CRL revoking the callers in force",
        body ->
            String.valueOf(check(body, "portcullis-area-dev").path("data"))
                .contains("nextUpdate " + nextUpdate));
    int refused = 0;
    for (TestPki.Leaf caller : callers) {
      if (!accepted(caller)) {
        refused++;
      }
    }
    assertThat(refused).as("revoked callers refused").isEqualTo(1_000);
    String after =
        awaitMetrics(
            "the refusals counted",
            body -> refusedCount(body, "PRTC0118E") >= refusedBefore + 1_000);
    assertThat(refusedSeries(after))
        .as("refusal series after 1,000 distinct refused certificates")
        .isLessThanOrEqualTo(refusedSeriesBefore + 1);
    assertThat(after).doesNotContain("flood");
    // A refused chain is never cached: each was validated in full, and timed.
    String validations =
        awaitMetrics(
            "the full validations counted and timed",
            body ->
                metric(body, "portcullis_validation_cache_misses_total", "") >= missesBefore + 1_000
                    && metric(body, "portcullis_validation_duration_seconds_count", "")
                        >= timedBefore + 1_000);
    assertThat(metric(validations, "portcullis_validation_duration_seconds_sum", "")).isPositive();

    // A caller of the web area (no CRL, so an accepted chain stays cached until it expires), on
    // one connection: validated once, then answered from the cache.
    URI whoami = URI.create("https://localhost:" + HTTPS_PORT + "/portcullis-sample/api/whoami");
    for (int i = 0; i < 5; i++) {
      assertThat(
              caller
                  .send(
                      HttpRequest.newBuilder(whoami).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(200);
    }
    awaitMetrics(
        "a cache hit counted",
        body -> metric(body, "portcullis_validation_cache_hits_total", "") >= hitsBefore + 1);

    // A thousand refused callers left a PRTC0302E line for their reason per 20 s, not a thousand.
    assertThat(server.log())
        .filteredOn(line -> line.contains("PRTC0302E") && line.contains("PRTC0118E"))
        .hasSizeLessThanOrEqualTo(3);

    // 10,000 refused requests with 7,000-character paths on one kept-alive connection.
    Path messages = server.dir().resolve("logs/messages.log");
    long logBefore = Files.size(messages);
    HttpClient revoked =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls(callers.get(0)))
            .build();
    URI longPath =
        URI.create(
            "https://localhost:"
                + HTTPS_PORT
                + "/portcullis-sample/api/whoami/"
                + "x".repeat(7_000));
    int refusedAgain = 0;
    for (int i = 0; i < 10_000; i++) {
      HttpResponse<Void> answer =
          revoked.send(
              HttpRequest.newBuilder(longPath).build(), HttpResponse.BodyHandlers.discarding());
      if (answer.statusCode() == 401) {
        refusedAgain++;
      }
    }
    assertThat(refusedAgain).isEqualTo(10_000);
    // What was held back is summed up once its interval is over, flood or not.
    String summary =
        awaitLine(
            line ->
                line.contains("PRTC0317W") && line.contains("for /portcullis-sample/api/whoami/x"),
            Duration.ofSeconds(45));
    assertThat(summary).doesNotContain("x".repeat(io.portcullis.messages.RefusalLog.MOST_CHOSEN));
    long grown = Files.size(messages) - logBefore;
    System.out.printf(
        "HealthIT: 10,000 refused requests grew messages.log by %d bytes (%.1f per 1,000)%n",
        grown, grown / 10.0);
    assertThat(grown)
        .as("messages.log growth for 10,000 refused requests with 7,000-character paths")
        .isLessThan(8_192);
    assertThat(
            refusedCount(
                awaitMetrics(
                    "the 10,000 counted",
                    body -> refusedCount(body, "PRTC0118E") >= refusedBefore + 11_000),
                "PRTC0118E"))
        .as("every refusal still counted")
        .isGreaterThanOrEqualTo(refusedBefore + 11_000);
  }

  /** The first line of messages.log that {@code match} accepts, waiting up to {@code wait}. */
  private static String awaitLine(Predicate<String> match, Duration wait) throws Exception {
    Instant deadline = Instant.now().plus(wait);
    while (Instant.now().isBefore(deadline)) {
      for (String line : server.log()) {
        if (match.test(line)) {
          return line;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no such line in messages.log within " + wait);
  }

  @Test
  @Order(4)
  void aHardFailAreaWhoseCrlIsPastNextUpdateIsDownUntilAFreshOneIsRead() throws Exception {
    writeCrl(Instant.now().plusSeconds(3));
    awaitReady(
        "dev DOWN, CRL stale",
        body -> "PRTC0158E".equals(data(body, "portcullis-area-dev", "downId")));
    assertThat(get("/health/live").path("status").asText()).isEqualTo("UP");
    writeCrl(Instant.now().plus(Duration.ofMinutes(10)));
    awaitReady("dev UP with a fresh CRL", body -> "UP".equals(status(body, "portcullis-area-dev")));
  }

  @Test
  @Order(5)
  void aRefusedTrustFileReloadLeavesTheAreaUpWhileWhatIsInForceIsValid() throws Exception {
    String good = Files.readString(areaWeb);
    Files.writeString(areaWeb, "-----BEGIN CERTIFICATE-----\nnot a certificate\n");
    server.awaitLog("PRTC0315W", Duration.ofSeconds(20));
    JsonNode ready =
        awaitReady(
            "web reports the refused reload",
            body -> "PRTC0315W".equals(data(body, "portcullis-area-web", "reloadRefusedId")));
    assertThat(status(ready, "portcullis-area-web")).isEqualTo("UP");
    Files.writeString(areaWeb, good);
    awaitReady(
        "the refusal is forgotten once the files are good again",
        body ->
            "UP".equals(status(body, "portcullis-area-web"))
                && data(body, "portcullis-area-web", "reloadRefusedId") == null);
  }

  @Test
  @Order(6)
  void anExpiredCertificateAndADeletedTokenKeyAreDownWhileLivenessStaysUp() throws Exception {
    Files.move(pki.caDir, caAway);
    TokenKeys.open(pki.tokenConfig(TOKEN_ALIAS)).delete(TOKEN_ALIAS);
    JsonNode ready =
        awaitReady(
            "server expired, token key gone",
            body ->
                "PRTC0557E".equals(data(body, "portcullis-keysource-server", "downId"))
                    && "DOWN".equals(status(body, "portcullis-keysource-token")));
    assertThat(data(ready, "portcullis-keysource-token", "downId")).isIn("PRTC0532W", "PRTC0525E");
    assertThat(get("/health/live").path("status").asText()).isEqualTo("UP");
    assertThat(get("/health/started").path("status").asText()).isEqualTo("UP");
  }

  /**
   * Writes the dev area's CRL, valid from a minute ago until {@code nextUpdate}, revoking {@code
   * revoked}.
   */
  private static void writeCrl(Instant nextUpdate, java.math.BigInteger... revoked)
      throws Exception {
    X509CRL list = devArea.crl(Instant.now().minusSeconds(60), nextUpdate, revoked);
    String pem =
        "-----BEGIN X509 CRL-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(list.getEncoded())
            + "\n-----END X509 CRL-----\n";
    Path temp = crl.resolveSibling("area-dev.crl.tmp");
    Files.writeString(temp, pem);
    Files.move(temp, crl, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** GET {@code path} over mTLS; the body of any answer (503 for DOWN). */
  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        caller.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + HTTPS_PORT + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " answers").isIn(200, 503);
    JsonNode body = JSON.readTree(response.body());
    assertThat(response.statusCode() == 200)
        .as("HTTP status agrees with " + body)
        .isEqualTo("UP".equals(body.path("status").asText()));
    return body;
  }

  /** GET /metrics?scope=portcullis until {@code condition} holds, within 30 s. */
  private static String awaitMetrics(String what, Predicate<String> condition) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response =
          caller.send(
              HttpRequest.newBuilder(
                      URI.create("https://localhost:" + HTTPS_PORT + "/metrics?scope=portcullis"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      last = response.body();
      if (response.statusCode() == 200 && condition.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(what + " not in /metrics?scope=portcullis within 30 s:\n" + last);
  }

  /** The value of the series of {@code name} whose labels include {@code label}, or -1. */
  private static double metric(String text, String name, String label) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") && line.contains(label)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static double refusedCount(String text, String reason) {
    return Math.max(
        0, metric(text, "portcullis_requests_refused_total", "reason=\"" + reason + "\""));
  }

  private static long refusedSeries(String text) {
    return text.lines()
        .filter(line -> line.startsWith("portcullis_requests_refused_total{"))
        .count();
  }

  /**
   * One GET of the sample's whoami on a connection of its own, presenting {@code leaf}: whether it
   * was answered 200.
   */
  private static boolean accepted(TestPki.Leaf leaf) throws Exception {
    try {
      RenewalPki.requestOnANewConnection(tls(leaf), HTTPS_PORT, "/portcullis-sample/api/whoami");
      return true;
    } catch (IllegalStateException refused) {
      return false;
    }
  }

  /** A TLS context presenting {@code leaf} and trusting the test PKI's roots. */
  private static SSLContext tls(TestPki.Leaf leaf) throws Exception {
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("caller", leaf.keys().getPrivate(), new char[0], leaf.chainArray());
    javax.net.ssl.KeyManagerFactory factory =
        javax.net.ssl.KeyManagerFactory.getInstance(
            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, new char[0]);
    javax.net.ssl.TrustManagerFactory trust =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    trust.init(pki.rootTrust());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(factory.getKeyManagers(), trust.getTrustManagers(), null);
    return tls;
  }

  /** Reads /health/ready until {@code condition} holds, within two lifetimes. */
  private static JsonNode awaitReady(String what, Predicate<JsonNode> condition) throws Exception {
    Instant deadline = Instant.now().plus(LIFETIME.multipliedBy(2));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = get("/health/ready");
        if (condition.test(last)) {
          return last;
        }
        assertThat(get("/health/live").path("status").asText())
            .as("liveness while waiting for " + what)
            .isEqualTo("UP");
      } catch (java.io.IOException e) {
        // the HTTPS port restarting as its key store reloads
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        what + " not reported within " + LIFETIME.multipliedBy(2) + ": " + last);
  }

  /**
   * Waits until Liberty's probe files say what the checks say: {@code live} touched within the last
   * three check intervals, and {@code ready} too when {@code readyFresh}, not when not.
   */
  private static void awaitFiles(String what, boolean readyFresh) throws Exception {
    Path health = server.dir().resolve("health");
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      boolean live = fresh(health.resolve("live"));
      boolean ready = fresh(health.resolve("ready"));
      if (live && ready == readyFresh && Files.exists(health.resolve("started"))) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("probe files: " + what);
  }

  private static boolean fresh(Path file) throws java.io.IOException {
    if (!Files.exists(file)) {
      return false;
    }
    FileTime modified = Files.getLastModifiedTime(file);
    return modified.toInstant().isAfter(Instant.now().minusSeconds(3));
  }

  private static java.util.List<String> names(JsonNode body) {
    java.util.List<String> names = new java.util.ArrayList<>();
    body.path("checks").forEach(check -> names.add(check.path("name").asText()));
    return names;
  }

  private static JsonNode check(JsonNode body, String name) {
    for (JsonNode check : body.path("checks")) {
      if (name.equals(check.path("name").asText())) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + " in " + body);
  }

  private static String status(JsonNode body, String name) {
    return check(body, name).path("status").asText();
  }

  private static String data(JsonNode body, String name, String key) {
    JsonNode value = check(body, name).path("data").get(key);
    return value == null ? null : value.asText();
  }
}
