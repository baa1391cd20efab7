package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.TestPki;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The three adapters over the one engine on the real server, each on its own context root
 * (src/test/liberty/config/portcullis-it-adapters.xml): the feature's trust association
 * interceptor, the ServerAuthModule the JASPIC sample registers itself, and the JAAS login module
 * in Liberty's system.WEB_INBOUND login for a second copy of the sample. For one certificate all
 * three report the same principal and roles, and all three refuse what the engine refuses.
 */
@ExtendWith(ArquillianExtension.class)
class AdaptersIT {
  private static final String TAI = "/portcullis-sample";
  private static final String JASPIC = "/portcullis-sample-jaspic";
  private static final String JAAS = "/portcullis-sample-jaas";
  private static final String OPEN = "/portcullis-sample-open";
  private static final List<String> PATHS = List.of(TAI, JASPIC, JAAS);

  /** Where a caller is proven to come out the same: every adapter. */
  private static final List<String> IDENTITY_PATHS = PATHS;

  private static final String DOMAIN = "spiffe://demo.portcullis.dev";
  private static final String WRITER = DOMAIN + "/orders/writer";

  private static WebArchive sample(String name) {
    WebArchive war =
        ShrinkWrap.createFromZipFile(
            WebArchive.class, new File(System.getProperty("portcullis.it.sample.war")));
    return name == null ? war : ShrinkWrap.create(WebArchive.class, name).merge(war);
  }

  @Deployment(name = "tai", testable = false, order = 1)
  static WebArchive taiApp() {
    return sample(null);
  }

  @Deployment(name = "jaspic", testable = false, order = 2)
  static WebArchive jaspicApp() throws IOException {
    WebArchive war =
        ShrinkWrap.createFromZipFile(
            WebArchive.class, new File(System.getProperty("portcullis.it.jaspic.war")));
    // The application reads its areas from its own microprofile-config.properties: add the twin
    // area the interceptor and the JAAS module have (portcullis-it-adapters.xml).
    String config = "/WEB-INF/classes/META-INF/microprofile-config.properties";
    String properties;
    try (InputStream in = war.get(config).getAsset().openStream()) {
      properties = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    war.delete(config);
    war.add(
        new StringAsset(
            properties
                + "\nportcullis.area.twin.anchors=${portcullis.pki.dir}/twin/root.pem\n"
                + "portcullis.area.twin.intermediates=${portcullis.pki.dir}/twin/area.pem\n"),
        config);
    return war;
  }

  @Deployment(name = "jaas", testable = false, order = 3)
  static WebArchive jaasApp() {
    return sample("portcullis-sample-jaas.war");
  }

  @Deployment(name = "open", testable = false, order = 4)
  static WebArchive unguardedApp() {
    return sample("portcullis-sample-open.war");
  }

  /** whoami on every path: path to status and body. */
  private static Map<String, String> whoamiEverywhere(MtlsClient client, List<String> paths)
      throws Exception {
    Map<String, String> answers = new LinkedHashMap<>();
    for (String path : paths) {
      HttpResponse<String> response = client.get(ItServer.https(path + "/api/whoami"));
      answers.put(path, response.statusCode() + " " + response.body());
    }
    return answers;
  }

  @Test
  void devWriterIsTheSameCallerOnEveryPath() throws Exception {
    MtlsClient writer = MtlsClient.devClient("writer");
    Map<String, String> answers = whoamiEverywhere(writer, IDENTITY_PATHS);
    assertThat(answers.get(TAI))
        .isEqualTo("200 {\"principal\":\"" + WRITER + "\",\"roles\":[\"reader\",\"writer\"]}");
    assertThat(answers)
        .allSatisfy((path, answer) -> assertThat(answer).isEqualTo(answers.get(TAI)));
    for (String path : IDENTITY_PATHS) {
      HttpResponse<String> created =
          writer.post(ItServer.https(path + "/api/orders"), "via " + path);
      assertThat(created.statusCode()).as(path).isEqualTo(201);
      assertThat(created.body()).as(path).contains("\"by\":\"" + WRITER + "\"");
    }
  }

  @Test
  void mintedCallersAreTheSameOnEveryPath() throws Exception {
    for (String spiffeId : List.of(DOMAIN + "/orders/reader", DOMAIN + "/elsewhere/minted")) {
      MtlsClient minted = client(leaf("CN=minted", spiffeId));
      Map<String, String> answers = whoamiEverywhere(minted, IDENTITY_PATHS);
      assertThat(answers.get(TAI)).startsWith("200 ").contains(spiffeId);
      assertThat(answers)
          .allSatisfy((path, answer) -> assertThat(answer).as(path).isEqualTo(answers.get(TAI)));
      int reads = minted.get(ItServer.https(TAI + "/api/orders")).statusCode();
      for (String path : IDENTITY_PATHS) {
        assertThat(minted.get(ItServer.https(path + "/api/orders")).statusCode())
            .as(path)
            .isEqualTo(reads);
        assertThat(minted.post(ItServer.https(path + "/api/orders"), "no").statusCode())
            .as(path)
            .isEqualTo(403);
      }
    }
  }

  @Test
  void jaspicModuleGivesTheSameCaller() throws Exception {
    MtlsClient writer = MtlsClient.devClient("writer");
    Map<String, String> answers = whoamiEverywhere(writer, List.of(TAI, JASPIC));
    assertThat(answers.get(JASPIC)).isEqualTo(answers.get(TAI));
  }

  @Test
  void malformedSpiffeIdIsRefusedByEveryPathAndEachSaysSo() throws Exception {
    MtlsClient sneaky = client(leaf("CN=sneaky-adapters", DOMAIN + "/orders/../admin"));
    int mark = ItServer.logMark();
    for (String path : PATHS) {
      assertThat(sneaky.get(ItServer.https(path + "/api/whoami")).statusCode())
          .as(path)
          .isIn(401, 403);
    }
    // Each adapter refused on its own path: the interceptor only on its own context root.
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", TAI + "/api/whoami", "PRTC0201E"))
        .isPresent();
    assertThat(ItServer.awaitLogLine(mark, "PRTC0313E", JAAS + "/api/whoami", "PRTC0201E"))
        .isPresent();
    assertThat(ItServer.log().subList(mark, ItServer.log().size()))
        .noneMatch(l -> l.contains("PRTC0302E") && l.contains(JASPIC + "/"))
        .noneMatch(l -> l.contains("PRTC0302E") && l.contains(JAAS + "/"));
  }

  @Test
  void denyRuleRefusesOnEveryPath() throws Exception {
    MtlsClient quarantined = client(leaf("CN=quarantined", DOMAIN + "/quarantine/db-9"));
    for (String path : PATHS) {
      assertThat(quarantined.get(ItServer.https(path + "/api/whoami")).statusCode())
          .as(path)
          .isIn(401, 403);
    }
  }

  @Test
  void excludedApplicationWithoutAModuleIsRefused() throws Exception {
    // Excluded from the interceptor, no ServerAuthModule, not one of the JAAS module's context
    // roots: Liberty still demands authentication, and nothing here can give it.
    HttpResponse<String> response =
        MtlsClient.devClient("writer").get(ItServer.https(OPEN + "/api/whoami"));
    assertThat(response.statusCode()).isIn(401, 403);
    assertThat(response.body()).doesNotContain(WRITER);
  }

  @Test
  void theApplicationRegisteredItsOwnModule() {
    assertThat(ItServer.log()).anyMatch(l -> l.contains("PRTC0311I") && l.contains(JASPIC));
    assertThat(ItServer.log()).anyMatch(l -> l.contains("PRTC0310I") && l.contains(JASPIC));
  }

  @Test
  void aCertificateRevokedWhileTheServerRunsIsRefusedOnEveryPath() throws Exception {
    TestPki.Leaf victim = leaf("CN=revoked-adapters", DOMAIN + "/orders/reader");
    MtlsClient caller = client(victim);
    for (String path : PATHS) {
      assertThat(caller.get(ItServer.https(path + "/api/whoami")).statusCode())
          .as(path)
          .isEqualTo(200);
    }
    int mark = ItServer.logMark();
    Instant now = Instant.now();
    Path crl = ItServer.pkiDir().resolve("area-dev.crl");
    Path temp = Files.createTempFile(crl.getParent(), ".it-", ".tmp");
    Files.writeString(
        temp,
        TestPki.pem(
            ItServer.devArea()
                .crl(
                    now.minusSeconds(5),
                    now.plus(Duration.ofDays(7)),
                    victim.certificate().getSerialNumber())));
    Files.move(temp, crl, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    // Each adapter reads the replaced CRL on its own schedule (crl.refresh 2s, checked every 5s).
    for (String path : PATHS) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(45));
      int status = 200;
      while (status == 200 && Instant.now().isBefore(deadline)) {
        Thread.sleep(500);
        status = caller.get(ItServer.https(path + "/api/whoami")).statusCode();
      }
      assertThat(status).as(path + " after the CRL names the caller").isIn(401, 403);
    }
    assertThat(ItServer.awaitLogLine(mark, "PRTC0313E", JAAS + "/api/whoami", "PRTC0118E"))
        .isPresent();
  }

  @Test
  void noAdapterMintsACookieThatStandsInForACertificate() throws Exception {
    for (String path : PATHS) {
      String whoami = path + "/api/whoami";
      HttpResponse<String> first = MtlsClient.devClient("writer").get(ItServer.https(whoami));
      assertThat(first.statusCode()).as(path).isEqualTo(200);
      List<String> cookies =
          first.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0]).toList();
      // No single sign-on token on any path: Liberty's certificate login would mint one for the
      // JAAS path unless the caller's credentials or the configuration forbid it.
      assertThat(cookies).as(path).noneMatch(c -> c.startsWith("LtpaToken"));
      // Every cookie the first answer set, plus a session cookie an attacker guesses.
      String cookieHeader =
          String.join("; ", cookies) + (cookies.isEmpty() ? "" : "; ") + "JSESSIONID=guess";

      HttpResponse<String> overHttp =
          MtlsClient.anonymous().get(ItServer.http(whoami), "Cookie", cookieHeader);
      assertThat(overHttp.statusCode()).as(path + " over HTTP").isIn(401, 403);
      assertThat(overHttp.body()).as(path + " over HTTP").doesNotContain(WRITER);
      assertThatThrownBy(
              () -> MtlsClient.anonymous().get(ItServer.https(whoami), "Cookie", cookieHeader))
          .as(path + " over HTTPS without a certificate")
          .isInstanceOf(IOException.class);
      HttpResponse<String> asReader =
          MtlsClient.devClient("reader").get(ItServer.https(whoami), "Cookie", cookieHeader);
      assertThat(asReader.body()).as(path + " beside another certificate").doesNotContain(WRITER);
      HttpResponse<String> write =
          MtlsClient.devClient("reader")
              .post(ItServer.https(path + "/api/orders"), "stolen", "Cookie", cookieHeader);
      assertThat(write.statusCode()).as(path + " write with the writer's cookies").isEqualTo(403);
    }
  }

  @Test
  void theSameSpiffeIdFromTwoAreasIsTwoCallersOnEveryPath() throws Exception {
    // The twin area has no scope: its CA may vouch for the dev writer's SPIFFE ID too. On every
    // path that is the same principal name, but another caller: Liberty keys callers by unique
    // ID, and a session made by one is refused to the other.
    MtlsClient dev = MtlsClient.devClient("writer");
    TestPki.Leaf twinLeaf =
        TwinAreaSetup.twinArea().issue("CN=twin").uriSan(WRITER).clientAuth().issueLeaf();
    MtlsClient twin = client(twinLeaf);
    Map<String, String> twins = whoamiEverywhere(twin, PATHS);
    assertThat(twins.get(TAI)).startsWith("200 ").contains("\"principal\":\"" + WRITER + "\"");
    assertThat(twins).allSatisfy((path, answer) -> assertThat(answer).isEqualTo(twins.get(TAI)));
    for (String path : PATHS) {
      String whoami = ItServer.https(path + "/api/whoami");
      HttpResponse<String> first = dev.get(whoami);
      assertThat(first.statusCode()).as(path).isEqualTo(200);
      String session = MtlsClient.sessionCookie(first);
      assertThat(dev.get(whoami, "Cookie", session).statusCode())
          .as(path + ", the session's owner")
          .isEqualTo(200);
      int mark = ItServer.logMark();
      assertThat(twin.get(whoami, "Cookie", session).statusCode())
          .as(path + ", the same name from area twin")
          .isNotEqualTo(200);
      assertThat(
              ItServer.awaitLogLine(
                  mark,
                  "SESN0008E",
                  "user:portcullis/twin/" + WRITER,
                  "user:portcullis/dev/" + WRITER))
          .as(path + ": Liberty names both area-qualified callers")
          .isPresent();
    }
  }

  private static TestPki.Leaf leaf(String subject, String spiffeId) {
    return ItServer.devArea().issue(subject).uriSan(spiffeId).clientAuth().issueLeaf();
  }

  private static MtlsClient client(TestPki.Leaf leaf) {
    return MtlsClient.withCertificate(leaf.chain(), leaf.keys().getPrivate());
  }
}
