package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.CaServer;
import io.portcullis.ca.CaServerTls;
import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.LineageEntry;
import io.portcullis.ca.Pem;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeyType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Liberty server whose token key renews over {@code portcullis ca serve}'s mTLS endpoint
 * (the CA on "another host": a CA server in this process, which the Liberty server reaches only
 * over HTTPS and knows only by the root file it was given). Inside Liberty the agent presents the
 * token key's current certificate to the endpoint, SunPKCS11 signing the handshake; then the
 * endpoint is stopped: the server keeps serving its certificate, the log shows the failed attempts
 * backing off, and when the endpoint returns on the same address the next attempt renews. Requests
 * run throughout and none fails.
 */
class RenewalEndpointIT {
  private static final int HTTP_PORT = 19086;
  private static final int HTTPS_PORT = 19450;
  private static final int CA_PORT = 19451;
  private static final String TOKEN_BASE = "endpoint-" + Long.toHexString(System.nanoTime());

  private static RenewalPki pki;
  private static SSLContext caServerTls;
  private static CaServer caServer;
  private static IssuedCertificate first;
  private static SecondServer server;
  private static SSLContext clientTls;

  @BeforeAll
  static void serverRenewingOverTheEndpoint() throws Exception {
    pki = RenewalPki.create("endpoint.it.example");
    KeyPair caKeys = KeyType.P256.generate(new SecureRandom());
    IssuedCertificate caCertificate =
        pki.ca.issue(pki.register("ca-serve"), caKeys, Duration.ofMinutes(30), "it");
    caServerTls =
        CaServerTls.context(pki.ca, caCertificate.chain(), caKeys.getPrivate(), new SecureRandom());
    caServer = startCaServer();
    Path root = pki.work.resolve("ca-root.pem");
    Files.writeString(root, Pem.encode(pki.ca.rootCertificate()), StandardCharsets.US_ASCII);

    first = pki.issueToToken("token", TOKEN_BASE, Duration.ofSeconds(60));
    clientTls = pki.tls(null);
    server =
        SecondServer.create(
            "portcullis-it-renewal-endpoint",
            SecondServer.renewingServerXml(
                HTTP_PORT,
                HTTPS_PORT,
                """
                <keySource name="token" type="pkcs11" library="/usr/lib/softhsm/libsofthsm2.so"
                           tokenLabel="%s" alias="%s" pinEnv="PORTCULLIS_IT_TOKEN_PIN"
                           renew="ca" caUrl="https://localhost:%d" caRoot="%s"
                           lifetime="60s" renewAt="0.25" renewJitter="0" retryDelay="500ms"
                           retryMaxDelay="4s" retireAfter="2s"/>
                """
                    .formatted(TokenSetup.LABEL, TOKEN_BASE, CA_PORT, root),
                "token",
                ""),
            pki.tokenEnvironment());
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
  void renewsOverTheEndpointKeepsServingWhileItIsAwayAndRecoversWhenItReturns() throws Exception {
    server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(60));
    NewConnectionLoad load = new NewConnectionLoad(clientTls, HTTPS_PORT);
    load.start();

    server.awaitLog("PRTC0540I: Key source token ", Duration.ofSeconds(60));
    X509Certificate renewed =
        RenewalPki.awaitServedOtherThan(
            clientTls, HTTPS_PORT, first.certificate().getSerialNumber(), Duration.ofSeconds(60));
    assertThat(pki.reopened().successor(first.certificate()).orElseThrow().certificate())
        .as("the certificate the endpoint issued for the token key")
        .isEqualTo(renewed);

    caServer.close();
    int failuresBefore = count("PRTC0541W: Key source token ");
    Instant outage = Instant.now();
    Instant deadline = outage.plusSeconds(60);
    while (count("PRTC0541W: Key source token ") < failuresBefore + 3) {
      assertThat(Instant.now())
          .as("three failed attempts while the endpoint is away")
          .isBefore(deadline);
      Thread.sleep(200);
    }
    List<String> failures =
        server.log().stream()
            .filter(line -> line.contains("PRTC0541W: Key source token "))
            .toList();
    System.out.println("while the endpoint was away:");
    failures.forEach(line -> System.out.println("  " + line));
    assertThat(failures.get(failures.size() - 1))
        .as("the failure names the endpoint and what is still served")
        .contains("https://localhost:" + CA_PORT + "/")
        .contains("PRTC0462E")
        .contains("Still serving serial " + renewed.getSerialNumber().toString(16));
    List<Long> delays = delays(failures);
    assertThat(delays).as("the attempts back off").isSortedAccordingTo(Long::compare);
    assertThat(delays.get(delays.size() - 1)).as("the last wait").isGreaterThan(delays.get(0));
    X509Certificate during = RenewalPki.requestOnANewConnection(clientTls, HTTPS_PORT);
    assertThat(during).as("served while the endpoint is away").isEqualTo(renewed);

    caServer = startCaServer();
    Instant back = Instant.now();
    X509Certificate recovered =
        RenewalPki.awaitServedOtherThan(
            clientTls, HTTPS_PORT, renewed.getSerialNumber(), Duration.ofSeconds(60));
    System.out.printf(
        "endpoint away %d ms; a new certificate served %d ms after its return%n",
        Duration.between(outage, back).toMillis(),
        Duration.between(back, Instant.now()).toMillis());
    load.stop();

    assertThat(load.failures).as("requests that failed").isEmpty();
    assertThat(load.served.get()).as("requests served").isGreaterThan(20);
    List<LineageEntry> lineage = pki.reopened().lineage(recovered).certificates();
    assertThat(lineage.get(0).sha256()).isEqualTo(first.sha256());
    assertThat(lineage).hasSizeGreaterThanOrEqualTo(3);
    assertThat(KeySource.of(pki.tokenConfig(TOKEN_BASE)).load().certificate())
        .as("what the token holds as the newest generation")
        .isEqualTo(recovered);
    assertThat(server.logsContain(pki.tokenPin())).as("the token PIN in a log").isFalse();
  }

  private static CaServer startCaServer() throws Exception {
    return CaServer.start(pki.ca, new InetSocketAddress("localhost", CA_PORT), caServerTls);
  }

  private static int count(String fragment) throws Exception {
    return (int) server.log().stream().filter(line -> line.contains(fragment)).count();
  }

  /** The "next attempt in" of each failure line, in milliseconds. */
  private static List<Long> delays(List<String> failures) {
    return failures.stream()
        .map(line -> line.substring(line.lastIndexOf("next attempt in ") + 16).strip())
        .map(text -> text.endsWith(".") ? text.substring(0, text.length() - 1) : text)
        .map(text -> Duration.parse(text).toMillis())
        .toList();
  }
}
