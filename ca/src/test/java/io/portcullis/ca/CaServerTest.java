package io.portcullis.ca;

import static io.portcullis.ca.IssuanceTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.keys.KeyType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ca serve} over real HTTPS: first issuance by token, renewal by mTLS plus proof. */
class CaServerTest {
  static final String API = IssuanceTest.API;

  @TempDir Path temp;

  @Test
  void workloadsOnOtherHostsJoinAndRenewOverMutualTls() throws Exception {
    ServedCa served = ServedCa.create(temp);
    CertificateAuthority ca = served.ca;
    SSLContext serverTls = served.serverTls;

    try (CaServer server = CaServer.start(ca, new InetSocketAddress("localhost", 0), serverTls)) {
      URI base = URI.create("https://localhost:" + server.port() + "/");
      JoinToken token =
          ca.register(
              new WorkloadRegistration(
                  "payments",
                  API,
                  List.of(),
                  KeyType.P256,
                  Duration.ofDays(1),
                  Set.of(Usage.CLIENT, Usage.SERVER),
                  "alice",
                  Duration.ofHours(1)),
              "alice");

      // First issuance: no client certificate yet, the join token authenticates.
      CaClient anonymous =
          new CaClient(
              base, CaTls.context(List.of(), null, ca.rootCertificate(), CaFixture.RANDOM));
      KeyPair firstKeys = CaFixture.p256();
      List<X509Certificate> first = anonymous.issue(token.token(), CaFixture.csr(firstKeys, API));
      assertThat(first).hasSize(2);
      assertRefused(
          () -> anonymous.issue(token.token(), CaFixture.csr(CaFixture.p256(), API)), "PRTC0449E");

      // A malformed request is answered with its ID, not a dropped connection.
      HttpResponse<String> bad =
          HttpClient.newBuilder()
              .sslContext(CaTls.context(List.of(), null, ca.rootCertificate(), CaFixture.RANDOM))
              .build()
              .send(
                  HttpRequest.newBuilder(base.resolve("v1/issue"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString("{\"token\":\"x\",\"csr\":\"junk\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(403);
      assertThat(bad.body()).contains("PRTC0414E");

      // Renewal without a client certificate is refused, whatever the proof.
      KeyPair secondKeys = CaFixture.p256();
      PKCS10CertificationRequest csr = CaFixture.csr(secondKeys, API);
      byte[] proof = RenewalProof.sign(firstKeys.getPrivate(), KeyType.P256, csr.getEncoded());
      assertThatMessage(() -> anonymous.renew(csr, proof), "PRTC0448E");

      // Renewal over mTLS with the current certificate.
      CaClient workload =
          new CaClient(
              base,
              CaTls.context(first, firstKeys.getPrivate(), ca.rootCertificate(), CaFixture.RANDOM));
      byte[] wrongProof =
          RenewalProof.sign(secondKeys.getPrivate(), KeyType.P256, csr.getEncoded());
      assertThatMessage(() -> workload.renew(csr, wrongProof), "PRTC0424E");
      List<X509Certificate> second = workload.renew(csr, proof);
      assertThat(Lineage.previousSha256(second.get(0)))
          .contains(CertificateAuthority.sha256(first.get(0)));
      assertThat(ca.lineage(second.get(0)).certificates()).hasSize(2);

      // The CRL is served too.
      HttpResponse<byte[]> crl =
          HttpClient.newBuilder()
              .sslContext(CaTls.context(List.of(), null, ca.rootCertificate(), CaFixture.RANDOM))
              .build()
              .send(
                  HttpRequest.newBuilder(base.resolve("crl/payments.crl")).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(crl.statusCode()).isEqualTo(200);
    }
  }

  static void assertThatMessage(IssuanceTest.ThrowingCall call, String innerId) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            io.portcullis.messages.PortcullisException.class,
            e -> {
              assertThat(e.messageId()).isEqualTo("PRTC0449E");
              assertThat(e.getMessage()).contains("403", innerId);
            });
  }
}
