package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server's identity in a hardware-style token: the HTTPS port presents the certificate whose
 * key was generated inside SoftHSM2 (and cannot leave it), and the sample's outbound call to a peer
 * presents the same token-held identity.
 */
@ExtendWith(ArquillianExtension.class)
class TokenIdentityIT {

  @Deployment(testable = false)
  static WebArchive sampleApp() {
    return ShrinkWrap.createFromZipFile(
        WebArchive.class, new File(System.getProperty("portcullis.it.sample.war")));
  }

  @Test
  void httpsPortPresentsTheCertificateOfTheTokenKey() throws Exception {
    X509Certificate presented = serverCertificate();
    List<X509Certificate> stored = MtlsClient.readCertificates(tokenDir().resolve("server.pem"));
    assertThat(presented).isEqualTo(stored.get(0));

    // The key behind it is in the token and stays there.
    KeyMaterial material = KeySource.of(KeySourceConfig.fromMap(tokenSource())).load();
    assertThat(material.certificate().getPublicKey()).isEqualTo(presented.getPublicKey());
    assertThat(material.privateKey().getEncoded()).isNull();
  }

  @Test
  void outboundCallPresentsTheTokenIdentity() throws Exception {
    HttpResponse<String> relayed =
        MtlsClient.devClient("reader").get(ItServer.https("/portcullis-sample/api/relay"));
    assertThat(relayed.statusCode()).isEqualTo(200);
    // What the peer (here the same server, through Portcullis) saw as its caller.
    assertThat(relayed.body()).contains("\"principal\":\"" + TokenSetup.OUTBOUND_ID + "\"");
  }

  @Test
  void tokenPinNeverReachesTheServerLogs() throws Exception {
    String pin = tokenSource().get("pin");
    assertThat(pin).hasSizeGreaterThan(8);
    try (var logs = java.nio.file.Files.walk(ItServer.serverDir().resolve("logs"))) {
      for (Path log : logs.filter(java.nio.file.Files::isRegularFile).toList()) {
        assertThat(
                java.nio.file.Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(log.toString())
            .doesNotContain(pin);
      }
    }
  }

  @Test
  void aKeySourceThatBreaksWhileServingLeavesTheLastGoodIdentityInPlace() throws Exception {
    X509Certificate before = serverCertificate();
    Path tokenXml = ItServer.serverDir().resolve("portcullis-it-token.xml");
    String good = java.nio.file.Files.readString(tokenXml);
    // The key source now names a token that is not there (as after an HSM failover to a
    // partition without the key); the feature tells Liberty's key store to load again.
    String broken =
        good.replace("tokenLabel=\"portcullis-it\"", "tokenLabel=\"portcullis-it-gone\"");
    assertThat(broken).isNotEqualTo(good);
    try {
      assertThat(
              editConfig(
                  tokenXml,
                  broken,
                  "PRTC0530W",
                  "(server)",
                  "PRTC0525E",
                  "PRTC0504E",
                  "portcullis-it-gone"))
          .as("the failed reload names the key source and the reason, and keeps the last good")
          .isPresent();

      // Still serving, with the identity it had.
      assertThat(serverCertificate()).isEqualTo(before);
      HttpResponse<String> whoami =
          MtlsClient.devClient("reader").get(ItServer.https("/portcullis-sample/api/whoami"));
      assertThat(whoami.statusCode()).isEqualTo(200);
    } finally {
      // Fixed: loaded again, from the token.
      assertThat(editConfig(tokenXml, good, "PRTC0528I", "server")).isPresent();
    }
    assertThat(serverCertificate()).isEqualTo(before);
  }

  /**
   * Writes {@code content} to a configuration file of the running server and waits for a log line
   * with {@code fragments}. Liberty can miss an edit made while it is applying another change (here
   * Arquillian's deployment): a baseline taken after the edit hides it. So the file is written
   * again, with a new modification time, when the line does not come.
   */
  private static java.util.Optional<String> editConfig(
      Path file, String content, String... fragments) throws Exception {
    int mark = ItServer.logMark();
    for (int attempt = 0; attempt < 4; attempt++) {
      java.nio.file.Files.writeString(file, content);
      java.util.Optional<String> line =
          ItServer.awaitLogLine(Duration.ofSeconds(15), mark, fragments);
      if (line.isPresent()) {
        return line;
      }
    }
    return java.util.Optional.empty();
  }

  private static Path tokenDir() {
    return ItServer.serverDir().resolve("resources/token");
  }

  /** Key source attributes for the test JVM (SOFTHSM2_CONF comes from failsafe's environment). */
  private static Map<String, String> tokenSource() throws Exception {
    String pin =
        java.nio.file.Files.readAllLines(ItServer.serverDir().resolve("server.env")).stream()
            .filter(line -> line.startsWith("PORTCULLIS_IT_TOKEN_PIN="))
            .map(line -> line.substring(line.indexOf('=') + 1))
            .findFirst()
            .orElseThrow();
    return Map.of(
        "type",
        "pkcs11",
        "library",
        "/usr/lib/softhsm/libsofthsm2.so",
        "tokenLabel",
        TokenSetup.LABEL,
        "pin",
        pin,
        "alias",
        TokenSetup.ALIAS);
  }

  /** The leaf the HTTPS port presents. */
  private static X509Certificate serverCertificate() throws Exception {
    return MtlsClient.presentedCertificate(
        Integer.parseInt(System.getProperty("portcullis.it.https.port")));
  }
}
