package io.portcullis.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.messages.PortcullisException;
import io.portcullis.trust.NameScope;
import io.portcullis.trust.TrustArea;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
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
    return renew(csr, proof, null);
  }

  /** Renewal asking for {@code lifetime} (null: the registration's maximum). */
  public List<X509Certificate> renew(
      PKCS10CertificationRequest csr, byte[] proof, Duration lifetime) throws PortcullisException {
    ObjectNode request = json.createObjectNode();
    request.put("csr", Pem.encode(csr));
    request.put("proof", Base64.getEncoder().encodeToString(proof));
    if (lifetime != null) {
      request.put("lifetimeSeconds", lifetime.toSeconds());
    }
    return post("v1/renew", request);
  }

  /**
   * The chain that renewed the certificate this client's TLS context presents, when that renewal is
   * its workload's latest; empty when there is none (or the server cannot tell).
   */
  public Optional<List<X509Certificate>> successor() throws PortcullisException {
    URI uri = base.resolve("v1/successor");
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri).GET(), uri);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    return Optional.of(chain(uri, answer(uri, response).path("chain")));
  }

  /**
   * The areas the CA has in service, each ending at one of {@code roots}: anchors are never taken
   * from the server, so an area certificate no root signed validates nothing.
   */
  public List<TrustArea> areas(List<X509Certificate> roots) throws PortcullisException {
    URI uri = base.resolve("v1/areas");
    JsonNode body = answer(uri, send(HttpRequest.newBuilder(uri).GET(), uri));
    List<TrustArea> areas = new ArrayList<>();
    for (JsonNode area : body.path("areas")) {
      String name = area.path("name").asText("");
      try {
        areas.add(
            new TrustArea(name, roots, chain(uri, area.path("certificate")))
                .withScope(
                    NameScope.of(
                        texts(area.path("spiffePrefixes")), texts(area.path("dnsSubtrees")))));
      } catch (IllegalArgumentException e) {
        throw CaMessage.SERVER_ANSWERED.causedBy(e, uri, 200, e.getMessage());
      }
    }
    return areas;
  }

  private List<X509Certificate> post(String path, ObjectNode request) throws PortcullisException {
    URI uri = base.resolve(path);
    String body;
    try {
      body = json.writeValueAsString(request);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON object of strings always serializes", e);
    }
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)),
            uri);
    return chain(uri, answer(uri, response).path("chain"));
  }

  private HttpResponse<String> send(HttpRequest.Builder request, URI uri)
      throws PortcullisException {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      SSLException refused = handshakeFailure(e);
      if (refused != null) {
        throw CaMessage.HANDSHAKE_REFUSED.causedBy(e, uri, whoRefused(refused));
      }
      throw CaMessage.SERVER_UNREACHABLE.causedBy(e, uri, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CaMessage.SERVER_UNREACHABLE.causedBy(e, uri, "interrupted");
    }
  }

  /**
   * The handshake's failure in {@code e}'s causes: a handshake exception, or (TLS 1.3, where the
   * server judges the client certificate after the client has finished) a fatal alert received.
   */
  private static SSLException handshakeFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLHandshakeException
          || cause instanceof SSLException && alert(cause.getMessage())) {
        return (SSLException) cause;
      }
    }
    return null;
  }

  private static boolean alert(String message) {
    return message != null && message.startsWith("Received fatal alert");
  }

  /**
   * Which side refused: a fatal alert received means the CA server refused what this side sent (its
   * certificate); anything else is this side's own refusal of the server's certificate.
   */
  private static String whoRefused(SSLException e) {
    String detail = String.valueOf(e.getMessage());
    if (alert(detail)) {
      return "the CA server refused the certificate this server presented ("
          + detail
          + "): it does not chain to a root the CA trusts now, or it has expired";
    }
    return "this server refused the CA server's certificate ("
        + detail
        + "): caRoot holds no root it chains to, or it does not name the URL's host";
  }

  /** The JSON body of a 200 answer, or the server's refusal with its status and message. */
  private JsonNode answer(URI uri, HttpResponse<String> response) throws PortcullisException {
    JsonNode body;
    try {
      body = json.readTree(response.body());
    } catch (IOException e) {
      throw CaMessage.SERVER_ANSWERED.causedBy(
          e, uri, response.statusCode(), "the answer is not JSON");
    }
    if (response.statusCode() != 200) {
      String message = body == null ? "" : body.path("message").asText("");
      throw CaMessage.SERVER_ANSWERED.exception(uri, response.statusCode(), message);
    }
    if (body == null || !body.isObject()) {
      throw CaMessage.SERVER_ANSWERED.exception(uri, 200, "the answer is not a JSON object");
    }
    return body;
  }

  /** Certificates in PEM text, at least one. */
  private static List<X509Certificate> chain(URI uri, JsonNode pem) throws PortcullisException {
    try {
      List<X509Certificate> chain = Pem.certificates(pem.asText(""));
      if (chain.isEmpty()) {
        throw CaMessage.SERVER_ANSWERED.exception(uri, 200, "the answer holds no certificate");
      }
      return chain;
    } catch (IOException e) {
      throw CaMessage.SERVER_ANSWERED.causedBy(e, uri, 200, e.getMessage());
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
