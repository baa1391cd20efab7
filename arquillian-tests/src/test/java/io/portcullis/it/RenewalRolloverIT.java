package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.CaServer;
import io.portcullis.ca.CaServerTls;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.LineageEntry;
import io.portcullis.ca.Pem;
import io.portcullis.ca.RootKey;
import io.portcullis.ca.RootKeySpec;
import io.portcullis.keys.KeyType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Liberty server renewing over {@code ca serve} ({@code caUrl}, its {@code caRoot} the CA's
 * root bundle) through a whole root rollover, under load: the next root published, activated (new
 * chains at once, then {@code ca serve} restarted as well), the previous root retired; then the
 * CA's clock two minutes ahead of the server's. Every renewal keeps the lineage and no request
 * fails.
 */
class RenewalRolloverIT {
  private static final int HTTP_PORT = 19091;
  private static final int HTTPS_PORT = 19456;
  private static final int CA_PORT = 19457;
  private static final Duration RENEWAL = Duration.ofSeconds(60);

  private static RenewalPki pki;
  private static List<X509Certificate> caServerChain;
  private static PrivateKey caServerKey;
  private static CaServer caServer;
  private static IssuedCertificate first;
  private static SecondServer server;

  @BeforeAll
  static void serverRenewingOverTheEndpointFromTheBundle() throws Exception {
    pki = RenewalPki.create("rollover.it.example");
    KeyPair caKeys = KeyType.P256.generate(new SecureRandom());
    caServerChain =
        pki.ca.issue(pki.register("ca-serve"), caKeys, Duration.ofMinutes(30), "it").chain();
    caServerKey = caKeys.getPrivate();
    caServer = startCaServer(pki.ca);

    Path p12 = pki.work.resolve("keys/server.p12");
    // Six minutes, renewed at 15%: a renewal every ~18 s. A CA two minutes ahead must still see
    // the certificate in force as valid when the agent comes back at the new one's notBefore.
    first = pki.issueToPkcs12("server", p12, "changeit", Duration.ofMinutes(6));
    server =
        SecondServer.create(
            "portcullis-it-renewal-rollover",
            SecondServer.renewingServerXml(
                HTTP_PORT,
                HTTPS_PORT,
                """
                <keySource name="server" type="pkcs12" file="%s" password="changeit"
                           renew="ca" caUrl="https://localhost:%d" caRoot="%s"
                           lifetime="6m" renewAt="0.15" renewJitter="0" retryDelay="500ms"
                           retryMaxDelay="4s" retireAfter="2s"/>
                """
                    .formatted(p12, CA_PORT, pki.ca.anchorsFile()),
                "server",
                ""),
            java.util.Map.of());
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (caServer != null) {
      caServer.close();
    }
  }

  @Test
  void renewsThroughARootRolloverAndWithTheCasClockTwoMinutesAhead() throws Exception {
    server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(60));
    X509Certificate firstRoot = pki.ca.rootCertificate();
    RootKeySpec nextKey =
        new RootKeySpec.Pkcs12(
            pki.work.resolve("usb/root-g2.p12"), "the next root's ceremony".toCharArray());
    // 1. The next root. The callers below trust the bundle as it is from now on.
    X509Certificate nextRoot =
        pki.reopened()
            .publishNextRoot(
                RootKey.open(pki.rootKey), nextKey, KeyType.P256, Duration.ofDays(30), "it");
    X509Certificate nextIntermediate =
        Pem.certificates(Files.readString(pki.ca.areaCertificatesFile("web"))).get(1);
    SSLContext client = RenewalPki.trusting(List.of(firstRoot, nextRoot));
    NewConnectionLoad load = new NewConnectionLoad(client, HTTPS_PORT);
    load.start();
    X509Certificate served;
    try {
      served = renewalOf(client, first.certificate());

      // 2. Activation, ca serve still running: the next renewal's chain ends at the next root.
      pki.reopened().activateNextRoot(RootKey.open(nextKey), "it");
      Instant deadline = Instant.now().plus(RENEWAL);
      while (!chain(client).get(1).equals(nextIntermediate)) {
        assertThat(Instant.now()).as("a chain through the next root served").isBefore(deadline);
        Thread.sleep(200);
      }
      served = chain(client).get(0);
      // ... and after a restart of ca serve, as operators used to be told to do.
      caServer.close();
      caServer = startCaServer(pki.reopened());
      served = renewalOf(client, served);

      // 3. The previous root leaves the bundle (forced: ca serve's own certificate is older).
      pki.reopened().retirePreviousRoot(true, "it");
      served = renewalOf(client, served);
      assertThat(chain(client))
          .as("after the retirement")
          .containsExactly(served, nextIntermediate);

      // 4. The CA's clock two minutes ahead of this server's: its certificates start in the
      //    server's future; the agent keeps the key, waits for notBefore and installs then.
      caServer.close();
      caServer =
          startCaServer(
              CertificateAuthority.open(
                  pki.caDir,
                  Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)),
                  new SecureRandom()));
      int early = count("PRTC0554W: ");
      Instant skewed = Instant.now();
      served = renewalOf(client, served, Duration.ofMinutes(4));
      assertThat(count("PRTC0554W: ")).as("the early certificate waited for").isGreaterThan(early);
      assertThat(served.getNotBefore().toInstant()).isAfter(skewed.plusSeconds(60));
      System.out.printf(
          "CA two minutes ahead: a certificate valid from %s served %d s after the CA moved%n",
          served.getNotBefore().toInstant(), Duration.between(skewed, Instant.now()).toSeconds());
    } finally {
      load.stop();
    }

    assertThat(load.failures).as("requests that failed").isEmpty();
    assertThat(load.served.get()).as("requests served").isGreaterThan(50);
    List<LineageEntry> lineage = pki.reopened().lineage(served).certificates();
    assertThat(lineage.get(0).sha256())
        .as("the lineage back to the first")
        .isEqualTo(first.sha256());
    assertThat(lineage).hasSizeGreaterThanOrEqualTo(5);
    assertThat(server.log())
        .as("no renewal was ever refused as not the workload's current certificate")
        .noneMatch(line -> line.contains("PRTC0425E"));
  }

  private static X509Certificate renewalOf(SSLContext client, X509Certificate served)
      throws Exception {
    return renewalOf(client, served, RENEWAL);
  }

  private static X509Certificate renewalOf(SSLContext client, X509Certificate served, Duration wait)
      throws Exception {
    return RenewalPki.awaitServedOtherThan(client, HTTPS_PORT, served.getSerialNumber(), wait);
  }

  /** The chain the server presents on a new connection, leaf first. */
  private static List<X509Certificate> chain(SSLContext client) throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), HTTPS_PORT)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return java.util.Arrays.stream(socket.getSession().getPeerCertificates())
          .map(X509Certificate.class::cast)
          .toList();
    }
  }

  private static CaServer startCaServer(CertificateAuthority ca) throws Exception {
    return CaServer.start(
        ca,
        new InetSocketAddress("localhost", CA_PORT),
        CaServerTls.context(ca, caServerChain, caServerKey, new SecureRandom()));
  }

  private static int count(String fragment) throws Exception {
    return (int) server.log().stream().filter(line -> line.contains(fragment)).count();
  }
}
