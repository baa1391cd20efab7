package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Liberty server whose HTTPS credential an outside manager (the test, as cert-manager or
 * Vault agent would) writes to two PEM files while clients make requests: a pair written in two
 * steps is served once complete and quiet; a pair left half-written, or from another CA, is never
 * served and is reported; no request fails.
 */
class RenewalFilesIT {
  private static final int HTTP_PORT = 19088;
  private static final int HTTPS_PORT = 19453;

  private static Path chain;
  private static Path key;
  private static TestPki.Ca ca;
  private static TestPki.Leaf first;
  private static SecondServer server;
  private static SSLContext clientTls;

  @BeforeAll
  static void serverWatchingFiles() throws Exception {
    Path work = Files.createTempDirectory("portcullis-files-it");
    ca = TestPki.root("CN=outside manager CA");
    Path root = work.resolve("root.pem");
    Files.writeString(root, TestPki.pem(ca.certificate()), StandardCharsets.US_ASCII);
    chain = work.resolve("tls.crt");
    key = work.resolve("tls.key");
    first = leaf(ca);
    first.writePem(chain, key);
    clientTls = RenewalPki.trusting(List.of(ca.certificate()));
    server =
        SecondServer.create(
            "portcullis-it-renewal-files",
            SecondServer.renewingServerXml(
                HTTP_PORT,
                HTTPS_PORT,
                """
                <keySource name="server" type="pem" file="%s" keyFile="%s"
                           renew="files" caRoot="%s" quietPeriod="1s"/>
                """
                    .formatted(chain, key, root),
                "server",
                ""),
            Map.of());
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void servesWhatTheManagerWritesOnlyWhenCompleteQuietAndTrusted() throws Exception {
    server.awaitLog("defaultHttpEndpoint-ssl has been started", Duration.ofSeconds(60));
    assertThat(RenewalPki.requestOnANewConnection(clientTls, HTTPS_PORT))
        .isEqualTo(first.certificate());
    NewConnectionLoad load = new NewConnectionLoad(clientTls, HTTPS_PORT);
    load.start();

    // two steps, 300 ms apart: the key, then the chain
    TestPki.Leaf second = leaf(ca);
    Files.writeString(key, TestPki.pem(second.keys().getPrivate()), StandardCharsets.US_ASCII);
    Thread.sleep(300);
    Files.writeString(chain, TestPki.pem(second.chain().toArray()), StandardCharsets.US_ASCII);
    Instant written = Instant.now();
    assertThat(
            RenewalPki.awaitServedOtherThan(
                clientTls,
                HTTPS_PORT,
                first.certificate().getSerialNumber(),
                Duration.ofSeconds(30)))
        .isEqualTo(second.certificate());
    System.out.printf(
        "the pair written in two steps served %d ms after its second file (quiet period 1 s)%n",
        Duration.between(written, Instant.now()).toMillis());
    assertThat(server.logsContain("PRTC0551W")).as("a refusal of the two-step write").isFalse();

    // left half-written: never served, reported once
    TestPki.Leaf third = leaf(ca);
    Files.writeString(key, TestPki.pem(third.keys().getPrivate()), StandardCharsets.US_ASCII);
    server.awaitLog("PRTC0551W: Key source server", Duration.ofSeconds(30));
    assertThat(RenewalPki.requestOnANewConnection(clientTls, HTTPS_PORT))
        .as("served while the pair is half-written")
        .isEqualTo(second.certificate());
    Files.writeString(chain, TestPki.pem(third.chain().toArray()), StandardCharsets.US_ASCII);
    assertThat(
            RenewalPki.awaitServedOtherThan(
                clientTls,
                HTTPS_PORT,
                second.certificate().getSerialNumber(),
                Duration.ofSeconds(30)))
        .isEqualTo(third.certificate());

    // a pair from another CA: never served
    leaf(TestPki.root("CN=not the manager's CA")).writePem(chain, key);
    Instant foreign = Instant.now();
    while (!server.logsContain("PRTC0543E")) {
      assertThat(Instant.now()).as("the foreign pair refused").isBefore(foreign.plusSeconds(30));
      Thread.sleep(100);
    }
    assertThat(RenewalPki.requestOnANewConnection(clientTls, HTTPS_PORT))
        .isEqualTo(third.certificate());
    load.stop();

    assertThat(load.failures).as("requests that failed").isEmpty();
    assertThat(load.served.get()).as("requests served").isGreaterThan(20);
    System.out.println("requests served: " + load.served.get() + ", failed: 0");
  }

  private static TestPki.Leaf leaf(TestPki.Ca issuer) {
    return issuer.issue("CN=localhost").dnsSan("localhost").serverAuth().issueLeaf();
  }
}
