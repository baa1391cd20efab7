package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.Pem;
import io.portcullis.ca.RootKey;
import io.portcullis.ca.RootKeySpec;
import io.portcullis.keys.KeyType;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A root rollover on a real Liberty server under load, driven by the CA's own ceremony ({@code
 * portcullis ca root next|activate|retire-previous}, in process): the server is configured once
 * with what {@code ca area server-xml} prints (the bundle files anchors.pem, cas.pem, roots.pem,
 * with chain-wide hard-fail revocation) and never touched again. The handshake's trust store is the
 * feature's {@code PortcullisTrust}, fed from the same areas. Eight clients (on new connections and
 * on kept-alive ones) see no failed request; a caller still on the old root is refused once it is
 * retired, and a half-written anchor file changes nothing.
 */
class TrustRotationIT {
  private static final int HTTP_PORT = 19089;
  private static final int HTTPS_PORT = 19454;
  private static final String WHOAMI = "/portcullis-sample/api/whoami";

  private static RenewalPki pki;
  private static TestPki.Ca serverRoot;
  private static SecondServer server;

  @BeforeAll
  static void serverTrustingTheAreas() throws Exception {
    pki = RenewalPki.create("it.example");
    CertificateAuthority ca = pki.ca;
    serverRoot = TestPki.root("CN=IT server root");
    Path chain = pki.work.resolve("tls.crt");
    Path key = pki.work.resolve("tls.key");
    serverRoot
        .issue("CN=localhost")
        .dnsSan("localhost")
        .serverAuth()
        .issueLeaf()
        .writePem(chain, key);
    server =
        SecondServer.create(
            "portcullis-it-trust-rotation",
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
              <httpOptions id="defaultHttpOptions" maxKeepAliveRequests="-1"/>
              <usr_portcullis realm="portcullis" unmatched="authenticate">
                <trustArea name="web" anchors="%s" intermediates="%s"
                           spiffePrefixes="spiffe://it.example/web/" dnsSubtrees="localhost"
                           crl="%s, %s"
                           revocationScope="chain" crlRefresh="1s"/>
                <keySource name="server" type="pem" file="%s" keyFile="%s"/>
              </usr_portcullis>
              <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                        location="${server.output.dir}/portcullis/key-sources" password="unused"
                        updateTrigger="mbean"/>
              <keyStore id="areaTrust" type="PortcullisTrust" provider="Portcullis"
                        location="${server.output.dir}/portcullis/trust-areas" password="unused"
                        updateTrigger="mbean"/>
              <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="server"
                   trustStoreRef="areaTrust" clientAuthentication="true"/>
              <webAppSecurity allowFailOverToBasicAuth="false" allowFailOverToFormLogin="false"
                              singleSignonEnabled="false"/>
              <webApplication id="portcullis-sample" name="portcullis-sample" location="%s"
                              contextRoot="/portcullis-sample"/>
            </server>
            """
                .formatted(
                    HTTP_PORT,
                    HTTPS_PORT,
                    ca.anchorsFile(),
                    ca.areaCertificatesFile("web"),
                    ca.crlFile("web"),
                    ca.rootCrlsFile(),
                    chain,
                    key,
                    System.getProperty("portcullis.it.sample.war")),
            Map.of());
    server.start();
    server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(60));
    server.awaitLog("CWWKZ0001I: Application portcullis-sample", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRootRolloverUnderLoadFailsNoRequestAndTheOldRootIsGoneAfter() throws Exception {
    KeyPair clientKeys = KeyType.P256.generate(new SecureRandom());
    IssuedCertificate first =
        pki.ca.issue(pki.register("client"), clientKeys, Duration.ofMinutes(30), "it");
    SSLContext oldChain = caller(first.chain(), clientKeys);
    assertThat(status(oldChain)).as("a caller under the first root").isEqualTo(200);
    TestPki.Ca stranger = TestPki.root("CN=IT Root,O=Portcullis IT");
    assertThat(status(strangerCaller(stranger)))
        .as("a caller under another root")
        .isNotEqualTo(200);

    AtomicReference<SSLContext> callers = new AtomicReference<>(oldChain);
    Load load = new Load(callers);
    load.start();
    Thread.sleep(2_000);

    // 1. The ceremony publishes the next root, with the area intermediate re-certified under it.
    int reloads = count("PRTC0314I");
    RootKeySpec nextKey =
        new RootKeySpec.Pkcs12(
            pki.work.resolve("usb/root-g2.p12"), "the next root's ceremony".toCharArray());
    X509Certificate nextRoot =
        pki.ca.publishNextRoot(
            RootKey.open(pki.rootKey), nextKey, KeyType.P256, Duration.ofDays(30), "it");
    Instant published = Instant.now();
    List<X509Certificate> intermediates =
        Pem.certificates(Files.readString(pki.ca.areaCertificatesFile("web")));
    assertThat(intermediates).hasSize(2);
    // The same leaf through the re-certified intermediate ends at the next root.
    SSLContext throughNext = caller(List.of(first.certificate(), intermediates.get(1)), clientKeys);
    awaitStatus(throughNext, true);
    System.out.printf(
        "the next root accepted %d ms after root next%n",
        Duration.between(published, Instant.now()).toMillis());
    assertThat(count("PRTC0314I")).isGreaterThan(reloads);
    assertThat(status(oldChain)).as("the old chain during the overlap").isEqualTo(200);

    // 2. Activation; the caller renews and its chain now ends at the next root.
    pki.ca.activateNextRoot(RootKey.open(nextKey), "it");
    CertificateAuthority activated = pki.reopened();
    assertThat(activated.rootCertificate()).isEqualTo(nextRoot);
    KeyPair renewedKeys = KeyType.P256.generate(new SecureRandom());
    IssuedCertificate renewed =
        activated.renew(first.certificate(), clientKeys.getPrivate(), renewedKeys, null, "it");
    assertThat(renewed.chain().get(1)).isEqualTo(intermediates.get(1));
    SSLContext newChain = caller(renewed.chain(), renewedKeys);
    callers.set(newChain);
    Thread.sleep(2_000);

    // 3. The previous root goes (forced: the area's leaves live 30 minutes, longer than a test).
    activated.retirePreviousRoot(true, "it");
    Instant removed = Instant.now();
    awaitStatus(oldChain, false);
    System.out.printf(
        "the old root refused %d ms after root retire-previous%n",
        Duration.between(removed, Instant.now()).toMillis());
    assertThat(status(newChain)).isEqualTo(200);

    // 4. A half-written anchor file changes nothing, and is reported.
    String anchors = Files.readString(activated.anchorsFile());
    Files.writeString(activated.anchorsFile(), anchors.substring(0, 100));
    server.awaitLog("PRTC0315W", Duration.ofSeconds(30));
    assertThat(status(newChain)).as("after a half-written anchor file").isEqualTo(200);
    assertThat(status(oldChain)).as("the old root, after a half-written file").isNotEqualTo(200);
    replace(activated.anchorsFile(), anchors);
    Thread.sleep(2_000);

    load.stop();
    assertThat(load.failures).as("requests that failed").isEmpty();
    assertThat(load.requests.get()).as("requests served").isGreaterThan(100);
    assertThat(count("PRTC0304E")).as("configurations refused").isZero();
    assertThat(count("PRTC0119E")).as("revocation undecided (a root CRL missing)").isZero();
    System.out.println("requests served: " + load.requests.get() + ", failed: 0");
  }

  /** A caller presenting {@code chain}, trusting the server's own root. */
  private static SSLContext caller(List<X509Certificate> chain, KeyPair keys) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "in-memory".toCharArray();
    store.setKeyEntry("caller", keys.getPrivate(), password, chain.toArray(new Certificate[0]));
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, password);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server-root", serverRoot.certificate());
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return tls;
  }

  /** A caller with the area's SPIFFE prefix under a root the CA never made. */
  private static SSLContext strangerCaller(TestPki.Ca root) throws Exception {
    TestPki.Leaf leaf =
        root.issue("CN=client").uriSan("spiffe://it.example/web/client").clientAuth().issueLeaf();
    return caller(List.of(leaf.certificate()), leaf.keys());
  }

  /** The status of whoami on a new connection; -1 when the handshake fails. */
  private static int status(SSLContext tls) {
    try {
      RenewalPki.requestOnANewConnection(tls, HTTPS_PORT, WHOAMI);
      return 200;
    } catch (IllegalStateException e) {
      return 0;
    } catch (IOException e) {
      return -1;
    }
  }

  private static void awaitStatus(SSLContext tls, boolean accepted) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while ((status(tls) == 200) != accepted) {
      assertThat(Instant.now()).as(accepted ? "accepted" : "refused").isBefore(deadline);
      Thread.sleep(50);
    }
  }

  private static int count(String fragment) throws Exception {
    return (int) server.log().stream().filter(line -> line.contains(fragment)).count();
  }

  /** Writes {@code text} to a temporary file beside {@code file}, then renames it over. */
  private static void replace(Path file, String text) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, text, StandardCharsets.US_ASCII);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Eight callers: four on a new connection per request, four on kept-alive connections. */
  private static final class Load {
    final AtomicReference<SSLContext> callers;
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicLong requests = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final List<Thread> threads = new ArrayList<>();

    Load(AtomicReference<SSLContext> callers) {
      this.callers = callers;
      for (int i = 0; i < 4; i++) {
        threads.add(new Thread(this::newConnections, "new-connections-" + i));
        threads.add(new Thread(this::keptAlive, "kept-alive-" + i));
      }
    }

    void start() {
      threads.forEach(Thread::start);
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(20_000);
      }
    }

    private void newConnections() {
      while (running.get()) {
        try {
          RenewalPki.requestOnANewConnection(callers.get(), HTTPS_PORT, WHOAMI);
          requests.incrementAndGet();
        } catch (Exception e) {
          failures.add(Instant.now() + " new connection: " + e);
        }
      }
    }

    /** One client per caller certificate: a renewed caller opens new connections. */
    private void keptAlive() {
      SSLContext tls = null;
      HttpClient client = null;
      while (running.get()) {
        if (tls != callers.get()) {
          tls = callers.get();
          client =
              HttpClient.newBuilder()
                  .sslContext(tls)
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(Duration.ofSeconds(10))
                  .build();
        }
        try {
          HttpResponse<String> response =
              client.send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + HTTPS_PORT + WHOAMI))
                      .timeout(Duration.ofSeconds(20))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200) {
            requests.incrementAndGet();
          } else {
            failures.add(Instant.now() + " kept alive: HTTP " + response.statusCode());
          }
        } catch (IOException e) {
          failures.add(Instant.now() + " kept alive: " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
