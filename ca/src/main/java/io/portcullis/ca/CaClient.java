package io.portcullis.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.PortcullisException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A client of {@code ca serve} for workloads on other hosts (the renewal agent). Renewal uses an
 * {@link SSLContext} presenting the current certificate and key ({@link CaTls#context}); first
 * issuance may use one without a certificate.
 */
public final class CaClient {
  private final URI base;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /** {@code base} like {@code https://ca.corp.example:8443/}. */
  public CaClient(URI base, SSLContext tls) {
    this.base = Objects.requireNonNull(base, "base");
    this.http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** First issuance with a join token; returns the chain (leaf first). */
  public List<X509Certificate> issue(String joinToken, PKCS10CertificationRequest csr)
      throws PortcullisException {
    ObjectNode request = json.createObjectNode();
    request.put("token", joinToken);
    request.put("csr", Pem.encode(csr));
    return post("v1/issue", request);
  }

  /** Renewal: the TLS context must present the current certificate; {@code proof} as in-process. */
  public List<X509Certificate> renew(PKCS10CertificationRequest csr, byte[] proof)
      throws PortcullisException {
    ObjectNode request = json.createObjectNode();
    request.put("csr", Pem.encode(csr));
    request.put("proof", Base64.getEncoder().encodeToString(proof));
    return post("v1/renew", request);
  }

  private List<X509Certificate> post(String path, ObjectNode request) throws PortcullisException {
    URI uri = base.resolve(path);
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = json.readTree(response.body());
      if (response.statusCode() != 200) {
        String message = body == null ? "" : body.path("message").asText("");
        throw CaMessage.SERVER_ANSWERED.exception(uri, response.statusCode(), message);
      }
      return Pem.certificates(body.path("chain").asText());
    } catch (IOException e) {
      throw CaMessage.SERVER_ANSWERED.causedBy(e, uri, "-", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CaMessage.SERVER_ANSWERED.causedBy(e, uri, "-", "interrupted");
    }
  }
}
