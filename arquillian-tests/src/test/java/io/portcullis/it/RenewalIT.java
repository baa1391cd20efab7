package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.LineageEntry;
import io.portcullis.ca.Pem;
import io.portcullis.keys.Generations;
import io.portcullis.keys.TokenKeys;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Liberty server whose HTTPS identity is a one-minute certificate from the Portcullis CA,
 * renewed by the feature's agent (renew="ca", in process) while eight clients make requests without
 * pause, four on a new connection each time and four on kept-alive connections. Not an Arquillian
 * deployment: the point is the server's own identity over several lifetimes.
 */
class RenewalIT {
  private static final int HTTP_PORT = 19082;
  private static final int HTTPS_PORT = 19445;
  private static final int TOKEN_HTTP_PORT = 19083;
  private static final int TOKEN_HTTPS_PORT = 19446;
  private static final int PEER_PORT = 19447;
  private static final String PASSWORD = "renewal-it-p12";
  // a name of its own per run: a token a previous run used may still hold that run's keys
  private static final String TOKEN_BASE = "renewing-" + Long.toHexString(System.nanoTime());
  private static final int RENEWALS = 3;

  private static RenewalPki pki;
  private static Map<String, IssuedCertificate> first = new java.util.HashMap<>();
  private static SecondServer server;
  private static SSLContext clientTls;
  private static SSLContext callerTls;
  private static Peer peer;

  @BeforeAll
  static void serverWithTwoOneMinuteCertificates() throws Exception {
    pki = RenewalPki.create("renewal.it.example");
    // The HTTPS port's identity: a key in a PKCS#12 file; the second port's: a key generated in
    // the SoftHSM2 token, never exported.
    Path p12 = pki.work.resolve("keys/server.p12");
    first.put("server", pki.issueToPkcs12("server", p12, PASSWORD, Duration.ofSeconds(60)));
    first.put("token", pki.issueToToken("token", TOKEN_BASE, Duration.ofSeconds(60)));
    clientTls = pki.tls(null);
    try (OutputStream out = Files.newOutputStream(pki.work.resolve("keys/trust.p12"))) {
      pki.rootTrust().store(out, PASSWORD.toCharArray());
    }
    Files.writeString(pki.work.resolve("keys/root.pem"), Pem.encode(pki.ca.rootCertificate()));
    Files.writeString(
        pki.work.resolve("keys/area-web.pem"), Pem.encode(first.get("server").chain().get(1)));

    // The sample's relay calls a peer with the server's outbound identity (the same key source as
    // the HTTPS port): the peer is this test, which records the certificate each call presents.
    peer = new Peer(pki.tls("peer"));
    callerTls = pki.tls("caller");

    String renewal =
        "renew=\"ca\" caDirectory=\""
            + pki.caDir
            + "\" lifetime=\"60s\" renewJitter=\"0.02\" retryMaxDelay=\"4s\"";
    Map<String, String> environment = new java.util.HashMap<>(pki.tokenEnvironment());
    environment.put("PORTCULLIS_SAMPLE_PEER", "https://localhost:" + PEER_PORT + "/whoami");
    environment.put("RENEWAL_IT_P12", PASSWORD);
    server =
        SecondServer.create(
            "portcullis-it-renewal",
            """
            <server>
              <featureManager>
                <feature>restfulWS-3.1</feature>
                <feature>jsonp-2.1</feature>
                <feature>transportSecurity-1.0</feature>
                <feature>appSecurity-5.0</feature>
                <feature>usr:portcullis-1.0</feature>
              </featureManager>
              <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d"
                            httpsPort="%d"/>
              <httpEndpoint id="tokenEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="%d">
                <sslOptions sslRef="tokenSSLConfig"/>
              </httpEndpoint>
              <httpOptions id="defaultHttpOptions" maxKeepAliveRequests="-1"/>
              <usr_portcullis realm="portcullis" unmatched="authenticate">
                <trustArea name="web" anchors="%s/root.pem" intermediates="%s/area-web.pem"/>
                <keySource name="server" type="pkcs12" file="%s" passwordEnv="RENEWAL_IT_P12"
                           %s/>
                <keySource name="token" type="pkcs11" library="/usr/lib/softhsm/libsofthsm2.so"
                           tokenLabel="%s" alias="%s" pinEnv="PORTCULLIS_IT_TOKEN_PIN"
                           retireAfter="5s" %s/>
              </usr_portcullis>
              <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                        location="${server.output.dir}/portcullis/key-sources" password="unused"
                        updateTrigger="mbean"/>
              <keyStore id="renewalTrust" type="PKCS12" location="%s/trust.p12"
                        password="%s"/>
              <!-- The HTTPS port asks for a client certificate (the relay's caller sends one, the
                   load does not); the relay's outbound calls present the same key source. -->
              <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="server"
                   clientKeyAlias="server" trustStoreRef="renewalTrust"
                   clientAuthenticationSupported="true"/>
              <ssl id="tokenSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="token"/>
              <webAppSecurity allowFailOverToBasicAuth="false" allowFailOverToFormLogin="false"
                              singleSignonEnabled="false"/>
              <webApplication id="portcullis-sample" name="portcullis-sample" location="%s"
                              contextRoot="/portcullis-sample"/>
            </server>
            """
                .formatted(
                    HTTP_PORT,
                    HTTPS_PORT,
                    TOKEN_HTTP_PORT,
                    TOKEN_HTTPS_PORT,
                    p12.getParent(),
                    p12.getParent(),
                    p12,
                    renewal,
                    TokenSetup.LABEL,
                    TOKEN_BASE,
                    renewal,
                    p12.getParent(),
                    PASSWORD,
                    System.getProperty("portcullis.it.sample.war")),
            environment);
    server.start();
    server.awaitLog("PRTC0546I: Key source token", Duration.ofSeconds(60));
    // Liberty opens the HTTPS ports after it is "ready", once the key store loads, and may restart
    // one as its SSL configuration settles: the load starts only when both ports answer.
    server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(60));
    server.awaitLog("tokenEndpoint-ssl has been started", Duration.ofSeconds(60));
    server.awaitLog("CWWKZ0001I: Application portcullis-sample", Duration.ofSeconds(60));
    Thread.sleep(2_000);
    for (int port : new int[] {HTTPS_PORT, TOKEN_HTTPS_PORT}) {
      Instant deadline = Instant.now().plusSeconds(30);
      while (true) {
        try {
          requestOnANewConnection(port);
          break;
        } catch (java.io.IOException | IllegalStateException e) {
          if (Instant.now().isAfter(deadline)) {
            throw new AssertionError("port " + port + " never answered", e);
          }
          Thread.sleep(200);
        }
      }
    }
    assertThat(relayedSerial())
        .as("the certificate the relay presents to its peer at start")
        .isEqualTo(first.get("server").certificate().getSerialNumber());
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  /**
   * The relay's peer: a TLS server on {@link #PEER_PORT} that requires a client certificate and
   * answers each request, on a connection of its own, with that certificate's serial.
   */
  private static final class Peer implements AutoCloseable {
    private final SSLServerSocket socket;
    private final Thread thread;

    Peer(SSLContext tls) throws java.io.IOException {
      socket =
          (SSLServerSocket)
              tls.getServerSocketFactory()
                  .createServerSocket(PEER_PORT, 50, InetAddress.getLoopbackAddress());
      socket.setNeedClientAuth(true);
      thread = started("relay-peer", this::serve);
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (SSLSocket connection = (SSLSocket) socket.accept()) {
          connection.setSoTimeout(10_000);
          connection.startHandshake();
          X509Certificate caller =
              (X509Certificate) connection.getSession().getPeerCertificates()[0];
          java.io.BufferedReader request =
              new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      connection.getInputStream(), StandardCharsets.ISO_8859_1));
          for (String line = request.readLine();
              line != null && !line.isEmpty();
              line = request.readLine()) {
            // the request line and headers: the answer does not depend on them
          }
          byte[] body =
              ("{\"serial\":\"" + caller.getSerialNumber().toString(16) + "\"}")
                  .getBytes(StandardCharsets.US_ASCII);
          OutputStream out = connection.getOutputStream();
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                      + body.length
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        } catch (java.io.IOException e) {
          // a refused or broken handshake: the relay's call fails and the test sees that
        }
      }
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Calls the sample's relay with the caller's certificate; returns the serial the peer saw. */
  private static BigInteger relayedSerial() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(callerTls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + HTTPS_PORT + "/portcullis-sample/api/relay"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("relay: %s", response.body()).isEqualTo(200);
    String body = response.body();
    int start = body.indexOf("\"serial\":\"") + 10;
    return new BigInteger(body.substring(start, body.indexOf('"', start)), 16);
  }

  /** Requests without pause on one port, two threads on new connections, two kept alive. */
  private static final class Load {
    final int port;
    final AtomicLong requests = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final Map<BigInteger, X509Certificate> seen = new ConcurrentHashMap<>();
    final Map<BigInteger, Instant> firstSeen = new ConcurrentHashMap<>();
    final List<Thread> threads = new ArrayList<>();

    Load(int port, AtomicBoolean running) {
      this.port = port;
      for (int i = 0; i < 2; i++) {
        threads.add(
            started(
                "new-connections-" + port + "-" + i,
                () -> {
                  while (running.get()) {
                    try {
                      X509Certificate served = requestOnANewConnection(port);
                      seen.putIfAbsent(served.getSerialNumber(), served);
                      firstSeen.putIfAbsent(served.getSerialNumber(), Instant.now());
                      requests.incrementAndGet();
                    } catch (Exception e) {
                      failures.add("new connection to " + port + ": " + e);
                    }
                  }
                }));
        threads.add(
            started(
                "kept-alive-" + port + "-" + i,
                () -> {
                  HttpClient client =
                      HttpClient.newBuilder()
                          .sslContext(clientTls)
                          .version(HttpClient.Version.HTTP_1_1)
                          .connectTimeout(Duration.ofSeconds(10))
                          .build();
                  HttpRequest request =
                      HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/"))
                          .timeout(Duration.ofSeconds(10))
                          .build();
                  while (running.get()) {
                    try {
                      int status =
                          client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                      if (status != 200) {
                        failures.add("kept-alive to " + port + ": status " + status);
                      }
                      requests.incrementAndGet();
                    } catch (Exception e) {
                      failures.add("kept-alive to " + port + ": " + e);
                    }
                  }
                }));
      }
    }

    void join() throws InterruptedException {
      for (Thread thread : threads) {
        thread.join(20_000);
      }
    }
  }

  @Test
  void bothCertificatesRenewThreeTimesUnderLoadAndThroughAnIssuerOutageWithoutOneFailedRequest()
      throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    Load file = new Load(HTTPS_PORT, running);
    Load token = new Load(TOKEN_HTTPS_PORT, running);
    Path away = pki.work.resolve("ca-away");
    try {
      awaitRenewals(1);
      assertThat(relayedSerial())
          .as("the certificate the relay presents to its peer after the first renewal")
          .isEqualTo(current("server").getSerialNumber());
      // The issuer goes away: each agent fails, backs off, and keeps the last good credential.
      Files.move(pki.caDir, away);
      awaitLines("PRTC0541W: Key source server", 2, Duration.ofSeconds(90));
      awaitLines("PRTC0541W: Key source token", 2, Duration.ofSeconds(90));
      Files.move(away, pki.caDir);
      awaitRenewals(RENEWALS);
      for (Load load : List.of(file, token)) {
        X509Certificate last = current(load == file ? "server" : "token");
        Instant wait = Instant.now().plusSeconds(10);
        while (!load.seen.containsKey(last.getSerialNumber()) && Instant.now().isBefore(wait)) {
          Thread.sleep(50);
        }
      }
      assertThat(relayedSerial())
          .as("the certificate the relay presents to its peer after the last renewal")
          .isEqualTo(current("server").getSerialNumber());
    } finally {
      running.set(false);
      file.join();
      token.join();
      if (Files.exists(away)) {
        Files.move(away, pki.caDir);
      }
    }

    List<String> backOff =
        server.log().stream()
            .filter(line -> line.contains("PRTC0541W"))
            .map(line -> line.substring(line.indexOf("next attempt in")))
            .toList();
    assertThat(backOff).as("the back-off in the log").contains("next attempt in PT2S.");
    assertThat(backOff).contains("next attempt in PT4S.");
    for (Load load : List.of(file, token)) {
      String name = load == file ? "server" : "token";
      assertThat(load.failures)
          .as("failed requests of %d to %s", load.requests.get(), name)
          .isEmpty();
      assertThat(load.requests.get()).isGreaterThan(100);
      X509Certificate last = current(name);
      assertThat(load.seen)
          .as("new connections to %s saw the first certificate and every renewed one", name)
          .containsKey(first.get(name).certificate().getSerialNumber())
          .containsKey(last.getSerialNumber())
          .hasSizeGreaterThanOrEqualTo(RENEWALS + 1);
      Set<PublicKey> keys = new java.util.HashSet<>();
      load.seen.values().forEach(c -> keys.add(c.getPublicKey()));
      assertThat(keys)
          .as("a fresh key for every certificate of %s", name)
          .hasSize(load.seen.size());
      List<LineageEntry> lineage = pki.reopened().lineage(last).certificates();
      assertThat(lineage).hasSizeGreaterThanOrEqualTo(RENEWALS + 1);
      assertThat(lineage.get(0).sha256()).isEqualTo(first.get(name).sha256());
      assertThat(lineage.get(lineage.size() - 1).serial())
          .isEqualTo(last.getSerialNumber().toString(16));
      System.out.println(load.requests.get() + " requests to " + name + ", none failed");
      report(name, load.firstSeen);
    }
    // The token: only the newest generation is left once the grace period is over, and its key
    // is a token key like the first.
    Instant deadline = Instant.now().plusSeconds(15);
    List<String> generations = tokenGenerations();
    while (generations.size() > 1 && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
      generations = tokenGenerations();
    }
    assertThat(generations).as("token aliases of %s", TOKEN_BASE).hasSize(1);
    assertThat(generations.get(0)).isNotEqualTo(TOKEN_BASE);
    assertThat(
            TokenKeys.open(pki.tokenConfig(TOKEN_BASE))
                .material(generations.get(0))
                .privateKey()
                .getEncoded())
        .isNull();
    assertThat(server.logsContain(PASSWORD)).as("the key store password in a log").isFalse();
    assertThat(server.logsContain(pki.tokenPin())).as("the token PIN in a log").isFalse();
  }

  private static List<String> tokenGenerations() throws Exception {
    return Generations.of(TOKEN_BASE, TokenKeys.open(pki.tokenConfig(TOKEN_BASE)).aliases());
  }

  private static void awaitRenewals(int count) throws Exception {
    awaitLines("PRTC0540I: Key source server", count, Duration.ofSeconds(200));
    awaitLines("PRTC0540I: Key source token", count, Duration.ofSeconds(200));
  }

  private static void awaitLines(String fragment, int count, Duration wait) throws Exception {
    Instant deadline = Instant.now().plus(wait);
    while (lines(fragment) < count) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(count + " lines with " + fragment + " not logged within " + wait);
      }
      Thread.sleep(250);
    }
  }

  private static long lines(String fragment) throws Exception {
    return server.log().stream().filter(line -> line.contains(fragment)).count();
  }

  /** The certificate the key source serves now, as stored. */
  private static X509Certificate current(String name) throws Exception {
    if (name.equals("token")) {
      String alias = tokenGenerations().get(tokenGenerations().size() - 1);
      return TokenKeys.open(pki.tokenConfig(TOKEN_BASE)).material(alias).certificate();
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pki.work.resolve("keys/server.p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    return (X509Certificate) store.getCertificate("server");
  }

  private static Thread started(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.start();
    return thread;
  }

  /** Prints, per renewal, the time from the renewal's log line to the first new connection. */
  private static void report(String name, Map<BigInteger, Instant> firstSeen) throws Exception {
    java.time.format.DateTimeFormatter liberty =
        java.time.format.DateTimeFormatter.ofPattern(
            "M/d/yy, H:mm:ss:SSS z", java.util.Locale.ROOT);
    for (String line : server.log()) {
      int serial = line.indexOf("replaced by serial ");
      if (!line.contains("PRTC0540I: Key source " + name + " ")
          || serial < 0
          || !line.startsWith("[")) {
        continue;
      }
      String hex = line.substring(serial + 19).split(",")[0].strip();
      Instant renewed =
          java.time.ZonedDateTime.parse(line.substring(1, line.indexOf(']')), liberty).toInstant();
      Instant seen = firstSeen.get(new BigInteger(hex, 16));
      System.out.println(
          name
              + " renewal "
              + hex
              + ": first new connection with it "
              + (seen == null ? "never" : Duration.between(renewed, seen).toMillis() + " ms")
              + " after the renewal was logged");
    }
  }

  private static X509Certificate requestOnANewConnection(int port) throws Exception {
    return RenewalPki.requestOnANewConnection(clientTls, port);
  }
}
