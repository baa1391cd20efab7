package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.messages.PortcullisException;
import io.portcullis.testing.SecretShapes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A join token of any shape, wrong or malformed, is refused without a word of it: not in the
 * exception, not in the audit log, not in the answer of {@code ca serve}. Each shape also comes as
 * the secret part of a token for a registered workload, so the lookup by its key part runs too.
 */
class JoinTokenShapesTest {
  static final String API = CaFixture.PREFIX + "api";

  @TempDir Path temp;

  private static List<String> tokens(JoinToken real) {
    String keyPart = real.token().substring(0, real.token().lastIndexOf('.') + 1);
    List<String> tokens = new ArrayList<>();
    for (String shape : SecretShapes.all()) {
      tokens.add(shape);
      tokens.add(keyPart + shape);
      tokens.add(Registrar.TOKEN_PREFIX + shape + "." + shape);
    }
    return tokens;
  }

  @Test
  void issuanceRefusesEveryShapeUnshownAndTheAuditLogHoldsNoneOfIt() throws Exception {
    CaFixture f = new CaFixture(temp);
    JoinToken real = f.register("api", "api.payments.corp.example");
    for (String token : tokens(real)) {
      Throwable refused =
          catchThrowable(
              () ->
                  f.ca.issue(
                      token,
                      CaFixture.csr(CaFixture.p256(), API, "api.payments.corp.example"),
                      null,
                      "bob"));
      assertThat(refused).as(token).isInstanceOf(PortcullisException.class);
      SecretShapes.assertHidden("join token " + token, refused);
    }
    SecretShapes.assertHidden("the audit log", Files.readString(f.dir.resolve("audit.jsonl")));
    assertThat(f.ca.checkAudit().intact()).isTrue();
  }

  @Test
  void theCaServerAnswersEveryShapeUnshown() throws Exception {
    ServedCa served = ServedCa.create(temp);
    JoinToken real = served.fixture.register("api", "api.payments.corp.example");
    ObjectMapper json = new ObjectMapper();
    String csr = Pem.encode(CaFixture.csr(CaFixture.p256(), API, "api.payments.corp.example"));
    try (CaServer server =
        CaServer.start(served.ca, new InetSocketAddress("localhost", 0), served.serverTls)) {
      URI issue = URI.create("https://localhost:" + server.port() + "/v1/issue");
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(
                  CaTls.context(List.of(), null, served.ca.rootCertificate(), CaFixture.RANDOM))
              .build();
      // Fewer than the refusal limit per client and minute, so each is answered by the CA.
      List<String> tokens = tokens(real).subList(0, 18);
      for (String token : tokens) {
        var body = json.createObjectNode().put("token", token).put("csr", csr);
        HttpResponse<String> answer =
            client.send(
                HttpRequest.newBuilder(issue)
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(token).isEqualTo(403);
        SecretShapes.assertHidden("answer to " + token, answer.body());
      }
    }
    SecretShapes.assertHidden(
        "the audit log", Files.readString(served.fixture.dir.resolve("audit.jsonl")));
  }
}
