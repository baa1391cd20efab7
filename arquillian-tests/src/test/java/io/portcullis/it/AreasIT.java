package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.TestPki;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three areas under one root, made with {@code portcullis ca} and configured with what {@code
 * portcullis ca area server-xml} prints, as an operator would, on the real server: each area's
 * leaf, sent with its own intermediate as every TLS client sends it, lands in its own area whatever
 * the configuration's order; a rule with an area grants only that area's callers; an area's key
 * cannot vouch for another area's SPIFFE ID; an area removed from the configuration takes its
 * callers with it; and retiring an area (its intermediate revoked in the root CRL) refuses its
 * leaves within the CRL refresh while the others go on; and the same SPIFFE ID vouched for by two
 * areas is two callers, down to Liberty's session ownership.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AreasIT {
  private static final String WHOAMI = "/portcullis-sample/api/whoami";
  private static final String DOMAIN = "spiffe://areas.it.example";
  private static final Path CONFIG = ItServer.serverDir().resolve("portcullis-it-areas.xml");

  private static Path work;
  private static Path ca;
  private static String[] rootKey;

  @Deployment(testable = false)
  static WebArchive sampleApp() {
    return ShrinkWrap.createFromZipFile(
        WebArchive.class, new File(System.getProperty("portcullis.it.sample.war")));
  }

  @BeforeAll
  static void threeAreasUnderOneRoot() throws Exception {
    work = Files.createTempDirectory("portcullis-areas-it");
    ca = work.resolve("ca");
    Path usb = Files.createDirectories(work.resolve("usb"));
    Path passphrase = usb.resolve("passphrase");
    Files.writeString(passphrase, "the areas test's ceremony passphrase\n");
    Files.setPosixFilePermissions(
        passphrase, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    rootKey =
        new String[] {
          "--root-key",
          usb.resolve("root.p12").toString(),
          "--root-passphrase-file",
          passphrase.toString()
        };
    cli(
        concat(
            new String[] {
              "ca",
              "init",
              "--dir",
              ca.toString(),
              "--operator",
              "it",
              "--name",
              "IT Areas",
              "--trust-domain",
              "areas.it.example"
            },
            rootKey));
    // Listed out of name order on purpose: order must decide nothing.
    for (String area : List.of("zeta", "alpha", "beta")) {
      cli(
          concat(
              new String[] {
                "ca",
                "area",
                "create",
                area,
                "--dir",
                ca.toString(),
                "--operator",
                "it",
                "--uri-prefix",
                DOMAIN + "/" + area + "/",
                "--max-lifetime",
                "7d"
              },
              rootKey));
    }
    // The feature reads its configuration when it first protects a request: wake it first, so
    // that the areas below are a configuration change it reports.
    assertThat(MtlsClient.devClient("reader").get(ItServer.https(WHOAMI)).statusCode())
        .isEqualTo(200);
    int mark = ItServer.logMark();
    configure(List.of("zeta", "alpha", "beta"));
    assertThat(ItServer.awaitLogLine(Duration.ofSeconds(60), mark, "PRTC0303I", "5 trust area(s)"))
        .as("the server read the three new areas")
        .isPresent();
    // The handshake trusts the areas' root from the same configuration (mtls.xml's
    // PortcullisTrust store): nothing else to change. Liberty loads it a moment later.
    TestPki.Leaf probe = leaf("alpha", "api");
    Instant deadline = Instant.now().plusSeconds(30);
    while (!accepted(probe)) {
      assertThat(Instant.now()).as("the handshake trusts the areas' root").isBefore(deadline);
      Thread.sleep(100);
    }
  }

  private static boolean accepted(TestPki.Leaf leaf) throws InterruptedException {
    try {
      return client(leaf).get(ItServer.https(WHOAMI)).statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  @AfterAll
  static void back() throws Exception {
    int mark = ItServer.logMark();
    Files.writeString(CONFIG, "<server/>\n");
    ItServer.awaitLogLine(Duration.ofSeconds(60), mark, "PRTC0303I", "2 trust area(s)");
  }

  @Test
  @Order(1)
  void eachAreasLeafLandsInItsOwnAreaAndAnAreaRuleGrantsOnlyItsOwnArea() throws Exception {
    // Rules: alphaApi (area alpha AND uriSan glob */api) grants reader, areaBeta grants writer.
    assertThat(body(leaf("alpha", "api"))).contains("\"roles\":[\"reader\"]");
    assertThat(body(leaf("beta", "api"))).contains("\"roles\":[\"writer\"]");
    // zeta's api matches alphaApi's pattern too, but it is not in area alpha.
    assertThat(body(leaf("zeta", "api"))).contains(DOMAIN + "/zeta/api").contains("\"roles\":[]");
  }

  @Test
  @Order(2)
  void anAreasKeyCannotVouchForAnotherAreasSpiffeId() throws Exception {
    // Before areas had scopes, zeta's key could sign alpha's ID and the caller was accepted.
    TestPki.Leaf forged = signedBy("zeta", DOMAIN + "/alpha/api");
    int mark = ItServer.logMark();
    assertThat(client(forged).get(ItServer.https(WHOAMI)).statusCode()).isEqualTo(401);
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", "PRTC0145E", DOMAIN + "/alpha/api"))
        .isPresent();
  }

  @Test
  @Order(3)
  void aRemovedAreaTakesItsCallersWithIt() throws Exception {
    TestPki.Leaf zeta = leaf("zeta", "api");
    assertThat(body(zeta)).contains(DOMAIN + "/zeta/api");
    // zeta leaves the configuration; before areas were their issuing CAs, its leaves were then
    // taken for callers of alpha (the first area by name under the same root).
    int mark = ItServer.logMark();
    configure(List.of("alpha", "beta"));
    assertThat(ItServer.awaitLogLine(Duration.ofSeconds(60), mark, "PRTC0303I", "4 trust area(s)"))
        .isPresent();
    assertThat(client(zeta).get(ItServer.https(WHOAMI)).statusCode()).isEqualTo(401);
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", "PRTC0105E", "it is another's"))
        .isPresent();
    assertThat(body(leaf("alpha", "api"))).contains("\"roles\":[\"reader\"]");
  }

  @Test
  @Order(4)
  void retiringAnAreaRefusesItsLeavesWithinTheCrlRefreshAndNoOneElse() throws Exception {
    TestPki.Leaf beta = leaf("beta", "api");
    assertThat(body(beta)).contains("\"roles\":[\"writer\"]");
    // A ceremony: the root key revokes beta's intermediate in the root CRL. No server change.
    int mark = ItServer.logMark();
    cli(concat(new String[] {"ca", "area", "retire", "beta", "--dir", ca.toString()}, rootKey));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    int status = 200;
    while (status == 200 && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      status = client(beta).get(ItServer.https(WHOAMI)).statusCode();
    }
    assertThat(status).as("beta's leaf after its area was retired").isEqualTo(401);
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", "PRTC0118E")).isPresent();
    assertThat(body(leaf("alpha", "api"))).contains("\"roles\":[\"reader\"]");
  }

  @Test
  @Order(5)
  void theSameSpiffeIdFromTwoAreasIsTwoCallers() throws Exception {
    String id = DOMAIN + "/alpha/api";
    // The dev area has no scope, so its key may vouch for this ID too: as a caller of area dev.
    TestPki.Leaf fromAlpha = leaf("alpha", "api");
    TestPki.Leaf fromDev = ItServer.devArea().issue("CN=twin").uriSan(id).clientAuth().issueLeaf();
    HttpResponse<String> alpha = client(fromAlpha).get(ItServer.https(WHOAMI));
    assertThat(alpha.statusCode()).isEqualTo(200);
    assertThat(alpha.body()).contains("\"principal\":\"" + id + "\"", "\"roles\":[\"reader\"]");
    // Same name, other area: the area-scoped rule that made alpha's caller a reader does not apply.
    assertThat(body(fromDev)).contains("\"principal\":\"" + id + "\"", "\"roles\":[]");

    // Liberty itself tells them apart: alpha's session is not the dev caller's.
    String session = MtlsClient.sessionCookie(alpha);
    assertThat(client(fromAlpha).get(ItServer.https(WHOAMI), "Cookie", session).statusCode())
        .as("the session's owner")
        .isEqualTo(200);
    int mark = ItServer.logMark();
    HttpResponse<String> twin = client(fromDev).get(ItServer.https(WHOAMI), "Cookie", session);
    assertThat(twin.statusCode()).as("the same name from area dev").isNotEqualTo(200);
    assertThat(
            ItServer.awaitLogLine(
                mark, "SESN0008E", "user:portcullis/dev/" + id, "user:portcullis/alpha/" + id))
        .isPresent();
  }

  /** A client leaf of area {@code area} for its workload {@code workload}. */
  private static TestPki.Leaf leaf(String area, String workload) {
    return signedBy(area, DOMAIN + "/" + area + "/" + workload);
  }

  /** A client leaf for {@code spiffeId} signed with area {@code area}'s key, with its chain. */
  private static TestPki.Leaf signedBy(String area, String spiffeId) {
    Path dir = ca.resolve("areas").resolve(area);
    X509Certificate intermediate = MtlsClient.readCertificates(dir.resolve("ca.pem")).get(0);
    X509Certificate root = MtlsClient.readCertificates(ca.resolve("root/root.pem")).get(0);
    TestPki.Ca issuer =
        TestPki.existingCa(intermediate, MtlsClient.readKey(dir.resolve("ca-key.pem")), root);
    // The subject the CA writes (O=CA, OU=area): the intermediate permits no other. No host-like
    // CN: with no DNS SAN the JDK checks it against the DNS constraints (none for these areas).
    return issuer.clientLeaf("OU=" + area + ",O=IT Areas", spiffeId);
  }

  private static MtlsClient client(TestPki.Leaf leaf) {
    return MtlsClient.withCertificate(leaf.chain(), leaf.keys().getPrivate());
  }

  /** whoami's body once it answers 200 (the trust store is polled every 2 s). */
  private static String body(TestPki.Leaf leaf) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try {
        HttpResponse<String> response = client(leaf).get(ItServer.https(WHOAMI));
        if (response.statusCode() == 200 || Instant.now().isAfter(deadline)) {
          assertThat(response.statusCode())
              .as(
                  "%s for %s %s",
                  response.body(),
                  leaf.certificate().getSerialNumber().toString(16),
                  leaf.certificate().getSubjectAlternativeNames())
              .isEqualTo(200);
          return response.body();
        }
      } catch (IOException handshakeRefused) {
        if (Instant.now().isAfter(deadline)) {
          throw handshakeRefused;
        }
      }
      Thread.sleep(500);
    }
  }

  /**
   * Writes the included configuration: the {@code <trustArea>} elements {@code portcullis ca area
   * server-xml} prints for {@code areas} (in that order) and the rules.
   */
  private static void configure(List<String> areas) throws Exception {
    StringBuilder xml = new StringBuilder("<server>\n  <usr_portcullis>\n");
    for (String area : areas) {
      String element =
          cli("ca", "area", "server-xml", area, "--dir", ca.toString(), "--crl-refresh", "2s")
              .strip();
      assertThat(element)
          .startsWith("<trustArea name=\"" + area + "\"")
          .contains("spiffePrefixes", "revocationScope=\"chain\"");
      xml.append("    ").append(element).append('\n');
    }
    xml.append(
        "    <roleRule name=\"alphaApi\" area=\"alpha\" attribute=\"uriSan\" match=\"glob\""
            + " pattern=\""
            + DOMAIN
            + "/*/api\" groups=\"reader\"/>\n");
    xml.append(
        "    <roleRule name=\"areaBeta\" attribute=\"area\" pattern=\"beta\" groups=\"writer\"/>\n");
    xml.append("  </usr_portcullis>\n</server>\n");
    Path temp = CONFIG.resolveSibling(CONFIG.getFileName() + ".tmp");
    Files.writeString(temp, xml);
    Files.move(temp, CONFIG, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Runs the {@code portcullis} jar; returns what it printed on standard output. */
  private static String cli(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(System.getProperty("portcullis.it.cli.jar"));
    command.addAll(List.of(arguments));
    Path output = work.resolve("cli.out");
    Path errors = work.resolve("cli.err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(output.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()))
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("portcullis " + String.join(" ", arguments) + " hung");
    }
    String printed = Files.readString(output);
    assertThat(process.exitValue())
        .as("portcullis %s: %s %s", String.join(" ", arguments), printed, Files.readString(errors))
        .isZero();
    return printed;
  }

  private static String[] concat(String[] a, String[] b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(new String[0]);
  }
}
