package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.TestPki;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three areas under one root, made with {@code portcullis ca} as an operator would, on the real
 * server: each area's leaf, sent with its own intermediate as every TLS client sends it, lands in
 * its own area whatever the configuration's order, and an area removed from the configuration takes
 * its callers with it, though they still chain to the root the remaining areas share.
 */
@ExtendWith(ArquillianExtension.class)
class AreasIT {
  private static final String WHOAMI = "/portcullis-sample/api/whoami";
  private static final String DOMAIN = "spiffe://areas.it.example";
  private static final String TRUST_ALIAS = "it-areas-root";
  private static final Path CONFIG = ItServer.serverDir().resolve("portcullis-it-areas.xml");

  private static Path work;
  private static Path ca;

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
    String[] rootKey = {
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
    trustRoot(true);
    int mark = ItServer.logMark();
    configure(List.of("zeta", "alpha", "beta"));
    assertThat(ItServer.awaitLogLine(Duration.ofSeconds(60), mark, "PRTC0303I", "4 trust area(s)"))
        .as("the server read the three new areas")
        .isPresent();
  }

  @AfterAll
  static void back() throws Exception {
    int mark = ItServer.logMark();
    Files.writeString(CONFIG, "<server/>\n");
    ItServer.awaitLogLine(Duration.ofSeconds(60), mark, "PRTC0303I", "1 trust area(s)");
    trustRoot(false);
  }

  @Test
  void eachAreasLeafLandsInItsOwnAreaAndARemovedAreaTakesItsCallersWithIt() throws Exception {
    // Area rules (attribute area): alpha grants reader, beta writer, zeta nothing.
    assertThat(body(leaf("alpha", "api"))).contains("\"roles\":[\"reader\"]");
    assertThat(body(leaf("beta", "api"))).contains("\"roles\":[\"writer\"]");
    TestPki.Leaf zeta = leaf("zeta", "api");
    assertThat(body(zeta)).contains(DOMAIN + "/zeta/api").contains("\"roles\":[]");

    // zeta leaves the configuration; before areas were their issuing CAs, its leaves were then
    // taken for callers of alpha (the first area by name under the same root).
    int mark = ItServer.logMark();
    configure(List.of("alpha", "beta"));
    assertThat(ItServer.awaitLogLine(Duration.ofSeconds(60), mark, "PRTC0303I", "3 trust area(s)"))
        .isPresent();
    assertThat(client(zeta).get(ItServer.https(WHOAMI)).statusCode()).isEqualTo(401);
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", "PRTC0105E", "does not run through"))
        .isPresent();
    assertThat(body(leaf("alpha", "api-2"))).contains("\"roles\":[\"reader\"]");
  }

  /** A client leaf signed with area {@code area}'s key, sent with the area's intermediate. */
  private static TestPki.Leaf leaf(String area, String workload) {
    Path dir = ca.resolve("areas").resolve(area);
    X509Certificate intermediate = MtlsClient.readCertificates(dir.resolve("ca.pem")).get(0);
    X509Certificate root = MtlsClient.readCertificates(ca.resolve("root/root.pem")).get(0);
    TestPki.Ca issuer =
        TestPki.existingCa(intermediate, MtlsClient.readKey(dir.resolve("ca-key.pem")), root);
    return issuer.clientLeaf("CN=" + workload, DOMAIN + "/" + area + "/" + workload);
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
          assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
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

  /** Writes the included configuration with {@code areas} (in that order) and the area rules. */
  private static void configure(List<String> areas) throws IOException {
    StringBuilder xml = new StringBuilder("<server>\n  <usr_portcullis>\n");
    for (String area : areas) {
      xml.append(
          "    <trustArea name=\"%s\" anchors=\"%s\" intermediates=\"%s\"/>\n"
              .formatted(
                  area, ca.resolve("root/root.pem"), ca.resolve("areas/" + area + "/ca.pem")));
    }
    xml.append(
        "    <roleRule name=\"areaAlpha\" attribute=\"area\" pattern=\"alpha\" groups=\"reader\"/>\n");
    xml.append(
        "    <roleRule name=\"areaBeta\" attribute=\"area\" pattern=\"beta\" groups=\"writer\"/>\n");
    xml.append("  </usr_portcullis>\n</server>\n");
    Path temp = CONFIG.resolveSibling(CONFIG.getFileName() + ".tmp");
    Files.writeString(temp, xml);
    Files.move(temp, CONFIG, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Adds the CA's root to, or removes it from, the server's TLS trust store. */
  private static void trustRoot(boolean add) throws Exception {
    Path store = ItServer.pkiDir().resolve("trust.p12");
    Matcher password =
        Pattern.compile("portcullis.dev.keystore.password\" value=\"([^\"]+)\"")
            .matcher(Files.readString(ItServer.pkiDir().resolve("dev-pki.xml")));
    assertThat(password.find()).isTrue();
    char[] secret = password.group(1).toCharArray();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      trust.load(in, secret);
    }
    if (add) {
      trust.setCertificateEntry(
          TRUST_ALIAS, MtlsClient.readCertificates(ca.resolve("root/root.pem")).get(0));
    } else {
      trust.deleteEntry(TRUST_ALIAS);
    }
    Path temp = store.resolveSibling("trust.p12.tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      trust.store(out, secret);
    }
    Files.move(temp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void cli(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(System.getProperty("portcullis.it.cli.jar"));
    command.addAll(List.of(arguments));
    Path output = work.resolve("cli.out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("portcullis " + String.join(" ", arguments) + " hung");
    }
    assertThat(process.exitValue())
        .as("portcullis %s: %s", String.join(" ", arguments), Files.readString(output))
        .isZero();
  }

  private static String[] concat(String[] a, String[] b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(new String[0]);
  }
}
