package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.TestPki;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The walking skeleton end to end: a real Liberty server with usr:portcullis-1.0, the sample app,
 * and real TLS clients presenting dev-pki certificates.
 */
@ExtendWith(ArquillianExtension.class)
class MtlsIdentityIT {
  private static final String WHOAMI = "/portcullis-sample/api/whoami";
  private static final String ORDERS = "/portcullis-sample/api/orders";
  private static final String READER = "spiffe://demo.portcullis.dev/orders/reader";
  private static final String WRITER = "spiffe://demo.portcullis.dev/orders/writer";

  @Deployment(testable = false)
  static WebArchive sampleApp() {
    return ShrinkWrap.createFromZipFile(
        WebArchive.class, new File(System.getProperty("portcullis.it.sample.war")));
  }

  @Test
  void readerMayReadButNotWrite() throws Exception {
    MtlsClient reader = MtlsClient.devClient("reader");
    HttpResponse<String> whoami = reader.get(ItServer.https(WHOAMI));
    assertThat(whoami.statusCode()).isEqualTo(200);
    assertThat(whoami.body())
        .contains("\"principal\":\"" + READER + "\"")
        .contains("\"roles\":[\"reader\"]");
    assertThat(reader.get(ItServer.https(ORDERS)).statusCode()).isEqualTo(200);
    assertThat(reader.post(ItServer.https(ORDERS), "by reader").statusCode()).isEqualTo(403);
  }

  @Test
  void writerMayReadAndWrite() throws Exception {
    MtlsClient writer = MtlsClient.devClient("writer");
    assertThat(writer.get(ItServer.https(WHOAMI)).body())
        .contains("\"principal\":\"" + WRITER + "\"")
        .contains("\"roles\":[\"reader\",\"writer\"]");
    HttpResponse<String> created = writer.post(ItServer.https(ORDERS), "widget");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).contains("\"by\":\"" + WRITER + "\"");
    assertThat(writer.get(ItServer.https(ORDERS)).body()).contains("widget");
  }

  @Test
  void trustedCallerWithoutRuleIsAuthenticatedWithoutRoles() throws Exception {
    MtlsClient stranger = MtlsClient.devClient("stranger");
    HttpResponse<String> whoami = stranger.get(ItServer.https(WHOAMI));
    assertThat(whoami.statusCode()).isEqualTo(200);
    assertThat(whoami.body()).contains("/elsewhere/stranger").contains("\"roles\":[]");
    assertThat(stranger.get(ItServer.https(ORDERS)).statusCode()).isEqualTo(403);
  }

  @Test
  void noClientCertificateNeverCompletesTheHandshake() {
    // clientAuthentication="true": the TLS layer refuses before any HTTP is exchanged.
    assertThatThrownBy(() -> MtlsClient.anonymous().get(ItServer.https(WHOAMI)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void plainHttpIsRefusedByTheFeatureWithAReason() throws Exception {
    int mark = ItServer.logMark();
    HttpResponse<String> response = MtlsClient.anonymous().get(ItServer.http(WHOAMI));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", WHOAMI, "PRTC0301E")).isPresent();
  }

  @Test
  void certificateFromAForeignCaIsRefusedWithAReason() throws Exception {
    TestPki.Leaf foreign =
        TestPki.root("CN=Foreign Root")
            .intermediate("CN=Foreign Area")
            .clientLeaf("CN=foreign-caller", READER);
    int mark = ItServer.logMark();
    assertThatThrownBy(
            () ->
                MtlsClient.withCertificate(foreign.chain(), foreign.keys().getPrivate())
                    .get(ItServer.https(WHOAMI)))
        .isInstanceOf(IOException.class);
    assertThat(ItServer.awaitLogLine(mark, "CWPKI0022E", "CN=foreign-caller")).isPresent();
  }

  @Test
  void expiredCertificateIsRefusedWithAReason() throws Exception {
    Instant now = Instant.now();
    TestPki.Leaf expired =
        devArea()
            .issue("CN=expired-caller")
            .uriSan(READER)
            .clientAuth()
            .validity(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)))
            .issueLeaf();
    int mark = ItServer.logMark();
    assertThatThrownBy(
            () ->
                MtlsClient.withCertificate(expired.chain(), expired.keys().getPrivate())
                    .get(ItServer.https(WHOAMI)))
        .isInstanceOf(IOException.class);
    // Liberty's trust manager names the certificate and the PKIX reason (validity).
    assertThat(
            ItServer.awaitLogLine(mark, "CWPKI0022E", "CN=expired-caller", "validity check failed"))
        .isPresent();
  }

  @Test
  void trustedCertificateWithMalformedSpiffeIdIsRefusedByTheFeature() throws Exception {
    // The TLS layer trusts it (right CA, right EKU); only Portcullis' identity rules catch it.
    TestPki.Leaf malformed =
        devArea()
            .issue("CN=sneaky")
            .uriSan("spiffe://demo.portcullis.dev/orders/../admin")
            .clientAuth()
            .issueLeaf();
    int mark = ItServer.logMark();
    HttpResponse<String> response =
        MtlsClient.withCertificate(malformed.chain(), malformed.keys().getPrivate())
            .get(ItServer.https(WHOAMI));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(ItServer.awaitLogLine(mark, "PRTC0302E", "PRTC0201E")).isPresent();
  }

  @Test
  void sessionCookieFromACertifiedRequestAuthenticatesNobody() throws Exception {
    HttpResponse<String> first = MtlsClient.devClient("writer").get(ItServer.https(WHOAMI));
    assertThat(first.statusCode()).isEqualTo(200);
    List<String> cookies =
        first.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0]).toList();
    // The app made a session, so there is a cookie to steal; Liberty minted no SSO token.
    assertThat(cookies).anyMatch(c -> c.startsWith("JSESSIONID="));
    assertThat(cookies).noneMatch(c -> c.startsWith("LtpaToken"));
    String cookieHeader = String.join("; ", cookies);

    // Replayed without a certificate over plain HTTP: refused.
    HttpResponse<String> overHttp =
        MtlsClient.anonymous().get(ItServer.http(WHOAMI), "Cookie", cookieHeader);
    assertThat(overHttp.statusCode()).isEqualTo(401);
    // Replayed without a certificate over HTTPS: the handshake itself fails.
    assertThatThrownBy(
            () -> MtlsClient.anonymous().get(ItServer.https(WHOAMI), "Cookie", cookieHeader))
        .isInstanceOf(IOException.class);
    // Replayed beside another caller's certificate: the certificate decides, not the cookie.
    // The caller is the reader; Liberty's session security then refuses the writer's session.
    int mark = ItServer.logMark();
    HttpResponse<String> withOtherCert =
        MtlsClient.devClient("reader").get(ItServer.https(WHOAMI), "Cookie", cookieHeader);
    assertThat(withOtherCert.statusCode()).isNotEqualTo(200);
    assertThat(withOtherCert.body()).doesNotContain(WRITER);
    assertThat(
            ItServer.awaitLogLine(
                mark, "SESN0008E", "authenticated as user:portcullis/dev/" + READER))
        .isPresent();
    assertThat(
            MtlsClient.devClient("reader")
                .get(ItServer.https(ORDERS), "Cookie", cookieHeader)
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> writeWithStolenCookie =
        MtlsClient.devClient("reader")
            .post(ItServer.https(ORDERS), "stolen", "Cookie", cookieHeader);
    assertThat(writeWithStolenCookie.statusCode()).isEqualTo(403);
  }

  private static TestPki.Ca devArea() {
    return ItServer.devArea();
  }
}
