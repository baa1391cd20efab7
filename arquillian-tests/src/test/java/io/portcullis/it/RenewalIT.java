package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.AreaSpec;
import io.portcullis.ca.CaSpec;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.JoinToken;
import io.portcullis.ca.LineageEntry;
import io.portcullis.ca.RootKey;
import io.portcullis.ca.RootKeySpec;
import io.portcullis.ca.Usage;
import io.portcullis.ca.WorkloadRegistration;
import io.portcullis.keys.KeyType;
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
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
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
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
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
  private static final String PASSWORD = "renewal-it-p12";
  private static final String SPIFFE_ID = "spiffe://renewal.it.example/web/server";
  private static final int RENEWALS = 3;

  private static Path work;
  private static Path caDir;
  private static IssuedCertificate first;
  private static SecondServer server;
  private static SSLContext clientTls;

  @BeforeAll
  static void serverWithAOneMinuteCertificate() throws Exception {
    work = Files.createTempDirectory("portcullis-renewal-it");
    caDir = work.resolve("ca");
    SecureRandom random = new SecureRandom();
    RootKeySpec rootKey =
        new RootKeySpec.Pkcs12(
            work.resolve("usb/root.p12"), "the renewal test's ceremony".toCharArray());
    CertificateAuthority.init(
        caDir,
        CaSpec.of("Renewal IT", "renewal.it.example", null, KeyType.P256, Duration.ofDays(30)),
        rootKey,
        "it",
        Clock.systemUTC(),
        random);
    CertificateAuthority ca = CertificateAuthority.open(caDir, Clock.systemUTC(), random);
    ca.createArea(
        AreaSpec.of(
            "web",
            "spiffe://renewal.it.example/web/",
            List.of("localhost"),
            Duration.ofMinutes(5),
            KeyType.P256,
            Duration.ofDays(20)),
        RootKey.open(rootKey),
        "it");
    JoinToken token =
        ca.register(
            new WorkloadRegistration(
                "web",
                SPIFFE_ID,
                List.of("localhost"),
                KeyType.P256,
                Duration.ofMinutes(5),
                Set.of(Usage.SERVER, Usage.CLIENT),
                "it",
                Duration.ofHours(1)),
            "it");
    KeyPair keys = KeyType.P256.generate(random);
    first = ca.issue(token.token(), keys, Duration.ofSeconds(60), "it");
    Path p12 = work.resolve("keys/server.p12");
    Files.createDirectories(p12.getParent());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "server",
        keys.getPrivate(),
        PASSWORD.toCharArray(),
        first.chain().toArray(new Certificate[0]));
    try (OutputStream out = Files.newOutputStream(p12)) {
      store.store(out, PASSWORD.toCharArray());
    }

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", ca.rootCertificate());
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, factory.getTrustManagers(), null);

    server =
        SecondServer.create(
            "portcullis-it-renewal",
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
                <keySource name="server" type="pkcs12" file="%s" passwordEnv="RENEWAL_IT_P12"
                           renew="ca" caDirectory="%s" lifetime="60s"/>
              </usr_portcullis>
              <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                        location="${server.output.dir}/portcullis/key-sources" password="unused"
                        updateTrigger="mbean"/>
              <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="server"/>
            </server>
            """
                .formatted(HTTP_PORT, HTTPS_PORT, p12, caDir),
            Map.of("RENEWAL_IT_P12", PASSWORD));
    server.start();
    server.awaitLog("PRTC0546I", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theCertificateRenewsThreeTimesUnderLoadWithoutOneFailedRequest() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong requests = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    Map<BigInteger, X509Certificate> seenOnNewConnections = new ConcurrentHashMap<>();
    Map<BigInteger, Instant> firstSeen = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(
          started(
              "new-connections-" + i,
              () -> {
                while (running.get()) {
                  try {
                    X509Certificate served = requestOnANewConnection();
                    seenOnNewConnections.putIfAbsent(served.getSerialNumber(), served);
                    firstSeen.putIfAbsent(served.getSerialNumber(), Instant.now());
                    requests.incrementAndGet();
                  } catch (Exception e) {
                    failures.add("new connection: " + e);
                  }
                }
              }));
      clients.add(
          started(
              "kept-alive-" + i,
              () -> {
                HttpClient client =
                    HttpClient.newBuilder()
                        .sslContext(clientTls)
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                HttpRequest request =
                    HttpRequest.newBuilder(URI.create("https://localhost:" + HTTPS_PORT + "/"))
                        .timeout(Duration.ofSeconds(10))
                        .build();
                while (running.get()) {
                  try {
                    int status =
                        client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 200) {
                      failures.add("kept-alive: status " + status);
                    }
                    requests.incrementAndGet();
                  } catch (Exception e) {
                    failures.add("kept-alive: " + e);
                  }
                }
              }));
    }
    try {
      Instant deadline = Instant.now().plusSeconds(200);
      while (renewals() < RENEWALS && Instant.now().isBefore(deadline)) {
        Thread.sleep(500);
      }
      assertThat(renewals())
          .as("renewals logged (PRTC0540I) within 200 s")
          .isGreaterThanOrEqualTo(RENEWALS);
      // the last renewal's certificate reaches new connections
      X509Certificate last = storedCertificate();
      Instant wait = Instant.now().plusSeconds(10);
      while (!seenOnNewConnections.containsKey(last.getSerialNumber())
          && Instant.now().isBefore(wait)) {
        Thread.sleep(50);
      }
    } finally {
      running.set(false);
      for (Thread client : clients) {
        client.join(20_000);
      }
    }

    assertThat(failures).as("failed requests of %d", requests.get()).isEmpty();
    assertThat(requests.get()).isGreaterThan(100);
    X509Certificate last = storedCertificate();
    assertThat(seenOnNewConnections)
        .as("new connections saw the first certificate and every renewed one")
        .containsKey(first.certificate().getSerialNumber())
        .containsKey(last.getSerialNumber())
        .hasSizeGreaterThanOrEqualTo(RENEWALS + 1);
    Set<PublicKey> keys = new java.util.HashSet<>();
    seenOnNewConnections.values().forEach(c -> keys.add(c.getPublicKey()));
    assertThat(keys).as("a fresh key for every certificate").hasSize(seenOnNewConnections.size());

    List<LineageEntry> lineage =
        CertificateAuthority.open(caDir, Clock.systemUTC(), new SecureRandom())
            .lineage(last)
            .certificates();
    assertThat(lineage).hasSizeGreaterThanOrEqualTo(RENEWALS + 1);
    assertThat(lineage.get(0).sha256()).isEqualTo(first.sha256());
    assertThat(lineage.get(lineage.size() - 1).serial())
        .isEqualTo(last.getSerialNumber().toString(16));
    assertThat(server.logsContain(PASSWORD)).as("the key store password in a log").isFalse();
    System.out.println(requests.get() + " requests during the renewals, none failed");
    report(firstSeen);
  }

  /** Prints, per renewal, the time from the renewal's log line to the first new connection. */
  private static void report(Map<BigInteger, Instant> firstSeen) throws Exception {
    java.time.format.DateTimeFormatter liberty =
        java.time.format.DateTimeFormatter.ofPattern(
            "M/d/yy, H:mm:ss:SSS z", java.util.Locale.ROOT);
    for (String line : server.log()) {
      int serial = line.indexOf("replaced by serial ");
      if (!line.contains("PRTC0540I") || serial < 0 || !line.startsWith("[")) {
        continue;
      }
      String hex = line.substring(serial + 19).split(",")[0].strip();
      Instant renewed =
          java.time.ZonedDateTime.parse(line.substring(1, line.indexOf(']')), liberty).toInstant();
      Instant seen = firstSeen.get(new BigInteger(hex, 16));
      System.out.println(
          "renewal "
              + hex
              + ": first new connection with it "
              + (seen == null ? "never" : Duration.between(renewed, seen).toMillis() + " ms")
              + " after the renewal was logged");
    }
  }

  private static Thread started(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.start();
    return thread;
  }

  private static long renewals() throws Exception {
    return server.log().stream().filter(line -> line.contains("PRTC0540I")).count();
  }

  private static X509Certificate storedCertificate() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(work.resolve("keys/server.p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    return (X509Certificate) store.getCertificate("server");
  }

  /** One HTTP/1.0 request on its own TLS connection; returns the certificate the server showed. */
  private static X509Certificate requestOnANewConnection() throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            clientTls
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), HTTPS_PORT)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      socket
          .getOutputStream()
          .write("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!response.startsWith("HTTP/1.0 200 ")) {
        throw new IllegalStateException(
            "unexpected response: " + response.substring(0, Math.min(60, response.length())));
      }
      return served;
    }
  }
}
