package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.TestPki;
import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The trust core's rules, revocation and deny-list on the real server: glob, regex and deny rules
 * from server.xml, a rule changed and one added through MicroProfile Config environment variables,
 * and a CRL and deny-list changed while the server runs.
 */
@ExtendWith(ArquillianExtension.class)
class RulesAndRevocationIT {
  private static final String WHOAMI = "/portcullis-sample/api/whoami";
  private static final String ORDERS = "/portcullis-sample/api/orders";
  private static final String DOMAIN = "spiffe://demo.portcullis.dev";

  @Deployment(testable = false)
  static WebArchive sampleApp() {
    return ShrinkWrap.createFromZipFile(
        WebArchive.class, new File(System.getProperty("portcullis.it.sample.war")));
  }

  @Test
  void globRuleAdmitsEveryBackendOfThePoolAndNothingDeeper() throws Exception {
    TestPki.Leaf backend = leaf(DOMAIN + "/pool/b-7", "b-7.pool.payments.svc");
    assertThat(client(backend).get(ItServer.https(WHOAMI)).body())
        .contains("\"roles\":[\"reader\"]");
    TestPki.Leaf other = leaf(DOMAIN + "/pool/b-9", "b-9.pool.payments.svc");
    assertThat(client(other).get(ItServer.https(ORDERS)).statusCode()).isEqualTo(200);
    // '*' stays within one DNS label: a name one level deeper is not in the pool.
    TestPki.Leaf deeper = leaf(DOMAIN + "/pool/x", "x.b-7.pool.payments.svc");
    assertThat(client(deeper).get(ItServer.https(WHOAMI)).body()).contains("\"roles\":[]");
  }

  @Test
  void regexRuleGrantsMatchingSpiffeIdsOnly() throws Exception {
    TestPki.Leaf job = leaf(DOMAIN + "/batch/job-42", null);
    assertThat(client(job).get(ItServer.https(WHOAMI)).body()).contains("\"roles\":[\"writer\"]");
    assertThat(client(job).post(ItServer.https(ORDERS), "nightly").statusCode()).isEqualTo(201);
    TestPki.Leaf notAJob = leaf(DOMAIN + "/batch/job-x", null);
    assertThat(client(notAJob).post(ItServer.https(ORDERS), "nightly").statusCode()).isEqualTo(403);
  }

  @Test
  void denyRuleRefusesEvenWhereAnotherRuleGrants() throws Exception {
    TestPki.Leaf quarantined = leaf(DOMAIN + "/quarantine/db-1", null);
    int mark = ItServer.logMark();
    assertThat(client(quarantined).get(ItServer.https(WHOAMI)).statusCode()).isEqualTo(403);
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", "PRTC0205E", "quarantine")).isPresent();
  }

  @Test
  void environmentVariablesOverrideAndAddRulesThroughMicroProfileConfig() throws Exception {
    // server.xml grants envtarget only "reader"; PORTCULLIS_RULE_ENVTARGET_GROUPS adds "writer".
    TestPki.Leaf target = leaf(DOMAIN + "/env/target", null);
    assertThat(client(target).get(ItServer.https(WHOAMI)).body())
        .contains("\"roles\":[\"reader\",\"writer\"]");
    // PORTCULLIS_RULES=envadded defines a rule server.xml does not have.
    TestPki.Leaf added = leaf(DOMAIN + "/env/added", null);
    assertThat(client(added).get(ItServer.https(WHOAMI)).body()).contains("\"roles\":[\"writer\"]");
  }

  @Test
  void certificateRevokedInAReplacedCrlIsRefusedWithoutRestart() throws Exception {
    TestPki.Leaf victim = leaf(DOMAIN + "/orders/revoked-soon", null);
    TestPki.Leaf bystander = leaf(DOMAIN + "/orders/bystander", null);
    assertThat(client(victim).get(ItServer.https(WHOAMI)).statusCode()).isEqualTo(200);

    int mark = ItServer.logMark();
    Instant now = Instant.now();
    BigInteger serial = victim.certificate().getSerialNumber();
    replaceFile(
        ItServer.pkiDir().resolve("area-dev.crl"),
        TestPki.pem(devArea().crl(now.minusSeconds(5), now.plus(Duration.ofDays(7)), serial)));

    assertThat(awaitStatus(client(victim), 401)).isTrue();
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", "PRTC0118E")).isPresent();
    assertThat(client(bystander).get(ItServer.https(WHOAMI)).statusCode()).isEqualTo(200);
  }

  @Test
  void denyListEntryTakesEffectWithoutRestart() throws Exception {
    TestPki.Leaf denied = leaf(DOMAIN + "/orders/denied-soon", null);
    assertThat(client(denied).get(ItServer.https(WHOAMI)).statusCode()).isEqualTo(200);

    int mark = ItServer.logMark();
    Path denyFile = ItServer.pkiDir().resolve("deny.txt");
    replaceFile(
        denyFile, Files.readString(denyFile) + "sha256:" + sha256(denied.certificate()) + "\n");

    assertThat(awaitStatus(client(denied), 401)).isTrue();
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", "PRTC0120E")).isPresent();
  }

  /** A client leaf from the dev area with the given SPIFFE ID and optional DNS SAN. */
  private static TestPki.Leaf leaf(String spiffeId, String dnsSan) {
    TestPki.CertBuilder builder = devArea().issue("CN=it-caller").uriSan(spiffeId).clientAuth();
    if (dnsSan != null) {
      builder.dnsSan(dnsSan);
    }
    return builder.issueLeaf();
  }

  private static MtlsClient client(TestPki.Leaf leaf) {
    return MtlsClient.withCertificate(leaf.chain(), leaf.keys().getPrivate());
  }

  /** Polls whoami until it answers {@code status} (the feature reloads within seconds). */
  private static boolean awaitStatus(MtlsClient client, int status)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = client.get(ItServer.https(WHOAMI));
      if (response.statusCode() == status) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  /** Replaces {@code file} the way an operator's tooling should: temp file, then rename. */
  private static void replaceFile(Path file, String content) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), ".it-", ".tmp");
    Files.writeString(temp, content);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String sha256(X509Certificate certificate) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
  }

  private static TestPki.Ca devArea() {
    return ItServer.devArea();
  }
}
