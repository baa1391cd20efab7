package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.acme.testing.Pebble;
import io.portcullis.testing.TestPki;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Liberty server renewing its HTTPS certificate from a real ACME server: Debian's pebble,
 * External Account Binding required (the HMAC key from the server's environment), 60-second
 * certificates, http-01 proven for real on a port the feature opens while an order waits, and 5% of
 * nonces rejected on purpose. The certificate renews while clients make requests; pebble is stopped
 * (the server keeps serving, the attempts back off) and started again (with a new root, which the
 * test writes to caRoot: it is read at each renewal), and the next attempt renews. No request
 * fails.
 */
class RenewalAcmeIT {
  private static final int HTTP_PORT = 19087;
  private static final int HTTPS_PORT = 19452;
  private static final String PASSWORD = "renewal-acme-p12";

  private static Path work;
  private static Pebble pebble;
  private static Path root;
  private static SecondServer server;
  private static final Set<X509Certificate> anchors = new CopyOnWriteArraySet<>();
  private static SSLContext clientTls;

  @BeforeAll
  static void serverRenewingFromPebble() throws Exception {
    work = Files.createTempDirectory("portcullis-acme-it");
    pebble = Pebble.start(work.resolve("pebble"), 60);
    root = pebble.writeRoot(work.resolve("pebble-root.pem"));
    anchors.addAll(TestPki.readCertificates(root));
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, new TrustManager[] {new AnchorsSoFar()}, null);
    // The first certificate may come from anywhere: ACME renews the DNS names it carries. RSA,
    // because pebble marks every leaf for key encipherment, which fits RSA keys only.
    Path p12 = work.resolve("keys/server.p12");
    Files.createDirectories(p12.getParent());
    TestPki.Ca bootstrap = TestPki.root("CN=bootstrap for the ACME IT");
    anchors.add(bootstrap.certificate());
    bootstrap
        .issue("CN=localhost", TestPki.rsaKeyPair(2048))
        .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(600))
        .dnsSan("localhost")
        .serverAuth()
        .issueLeaf()
        .writePkcs12(p12, "server", PASSWORD.toCharArray());
    server =
        SecondServer.create(
            "portcullis-it-renewal-acme",
            SecondServer.renewingServerXml(
                HTTP_PORT,
                HTTPS_PORT,
                """
                <keySource name="server" type="pkcs12" file="%s" passwordEnv="ACME_IT_P12"
                           renew="acme" acmeDirectory="%s" acmeAccountKey="%s"
                           acmeEabKid="%s" acmeEabKeyEnv="ACME_IT_EAB_KEY" acmeTrust="%s"
                           acmeHttpPort="%d" caRoot="%s"
                           renewAt="0.3" renewJitter="0" retryDelay="500ms" retryMaxDelay="4s"/>
                """
                    .formatted(
                        p12,
                        pebble.directory(),
                        work.resolve("acme/account.pem"),
                        Pebble.EAB_KID,
                        pebble.listenerTrust(),
                        pebble.httpPort(),
                        root),
                "server",
                ""),
            Map.of("ACME_IT_P12", PASSWORD, "ACME_IT_EAB_KEY", pebble.eabKey()));
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (pebble != null) {
      pebble.close();
    }
  }

  @Test
  void renewsFromAcmeKeepsServingWhilePebbleIsDownAndRecovers() throws Exception {
    server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(60));
    X509Certificate bootstrap = RenewalPki.requestOnANewConnection(clientTls, HTTPS_PORT);
    NewConnectionLoad load = new NewConnectionLoad(clientTls, HTTPS_PORT);
    load.start();

    // start-up finds the bootstrap certificate long past 0.3 of its life: renewed at once
    X509Certificate first =
        RenewalPki.awaitServedOtherThan(
            clientTls, HTTPS_PORT, bootstrap.getSerialNumber(), Duration.ofSeconds(90));
    X509Certificate second =
        RenewalPki.awaitServedOtherThan(
            clientTls, HTTPS_PORT, first.getSerialNumber(), Duration.ofSeconds(90));
    for (X509Certificate renewed : List.of(first, second)) {
      assertThat(renewed.getIssuerX500Principal().getName()).contains("Pebble");
      assertThat(renewed.getPublicKey()).isNotEqualTo(bootstrap.getPublicKey());
    }
    assertThat(second.getPublicKey()).isNotEqualTo(first.getPublicKey());

    pebble.stop();
    Instant deadline = Instant.now().plusSeconds(60);
    while (count("PRTC0541W: Key source server ") < 3) {
      assertThat(Instant.now()).as("three failed attempts while pebble is down").isBefore(deadline);
      Thread.sleep(200);
    }
    List<String> failures =
        server.log().stream().filter(line -> line.contains("PRTC0541W")).toList();
    System.out.println("while pebble was down:");
    failures.forEach(line -> System.out.println("  " + line));
    assertThat(failures.get(failures.size() - 1))
        .contains("PRTC0601E")
        .contains(pebble.directory().toString());
    X509Certificate during = RenewalPki.requestOnANewConnection(clientTls, HTTPS_PORT);

    pebble.start();
    pebble.writeRoot(root); // a new root at each start of pebble; caRoot is read per renewal
    anchors.addAll(TestPki.readCertificates(root));
    Instant back = Instant.now();
    X509Certificate recovered =
        RenewalPki.awaitServedOtherThan(
            clientTls, HTTPS_PORT, during.getSerialNumber(), Duration.ofSeconds(90));
    System.out.printf(
        "renewed from ACME again %d ms after pebble returned%n",
        Duration.between(back, Instant.now()).toMillis());
    load.stop();

    assertThat(recovered.getIssuerX500Principal().getName()).contains("Pebble");
    assertThat(load.failures).as("requests that failed").isEmpty();
    assertThat(load.served.get()).as("requests served").isGreaterThan(20);
    System.out.println("requests served: " + load.served.get() + ", failed: 0");
    assertThat(server.logsContain(pebble.eabKey())).as("the EAB key in a log").isFalse();
    assertThat(server.logsContain(PASSWORD)).as("the key store password in a log").isFalse();
  }

  private static int count(String fragment) throws Exception {
    return (int) server.log().stream().filter(line -> line.contains(fragment)).count();
  }

  /** Trusts a chain that validates to a root the test has seen (pebble's change per start). */
  private static final class AnchorsSoFar extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        Set<TrustAnchor> trusted = new java.util.HashSet<>();
        anchors.forEach(anchor -> trusted.add(new TrustAnchor(anchor, null)));
        PKIXParameters parameters = new PKIXParameters(trusted);
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
            .validate(
                CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain)),
                parameters);
      } catch (java.security.GeneralSecurityException e) {
        throw new CertificateException(e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
