package io.portcullis.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.portcullis.PortcullisException;
import io.portcullis.identity.IdentityReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * {@code ca serve}: issuance and renewal over HTTPS for workloads on other hosts.
 *
 * <ul>
 *   <li>{@code POST /v1/renew} {@code {"csr": PEM, "proof": base64, "lifetimeSeconds": n?}}: the
 *       TLS client certificate <em>is</em> the current certificate (the handshake proves its key),
 *       and the proof binds the new CSR to it as in-process renewal does.
 *   <li>{@code POST /v1/issue} {@code {"token": "...", "csr": PEM, "lifetimeSeconds": n?}}: first
 *       issuance; the join token authenticates (the workload has no certificate yet).
 *   <li>{@code GET /crl/NAME.crl}: the published CRLs (DER).
 * </ul>
 *
 * Answers are JSON: {@code {"chain": PEM, "sha256": ..., "previous": ...}} or {@code {"messageId":
 * ..., "message": ...}} with status 400 (bad request) or 403 (refused). The server asks every
 * client for a certificate and validates it against the CA root; the renewal endpoint refuses
 * requests without one.
 */
public final class CaServer implements AutoCloseable {
  private static final int MAX_BODY = 64 * 1024;

  private final CertificateAuthority ca;
  private final HttpsServer server;
  private final ExecutorService executor;
  private final ObjectMapper json = new ObjectMapper();

  private CaServer(CertificateAuthority ca, HttpsServer server, ExecutorService executor) {
    this.ca = ca;
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving {@code ca} on {@code address} with {@code tls} (see {@link CaTls}). */
  public static CaServer start(CertificateAuthority ca, InetSocketAddress address, SSLContext tls)
      throws IOException {
    Objects.requireNonNull(ca, "ca");
    HttpsServer server = HttpsServer.create(address, 64);
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters ssl = tls.getDefaultSSLParameters();
            // Asked of every client and validated against the root when sent; first issuance
            // has none yet, so /v1/renew enforces presence itself.
            ssl.setWantClientAuth(true);
            ssl.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            params.setSSLParameters(ssl);
          }
        });
    ExecutorService executor = Executors.newFixedThreadPool(2);
    server.setExecutor(executor);
    CaServer caServer = new CaServer(ca, server, executor);
    server.createContext("/v1/issue", caServer.guarded(caServer::issue));
    server.createContext("/v1/renew", caServer.guarded(caServer::renew));
    server.createContext("/crl/", caServer.guarded(caServer::crl));
    server.start();
    return caServer;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void issue(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, refusal("use POST"));
        return;
      }
      JsonNode request = body(exchange);
      if (request == null) {
        return;
      }
      String operator = "ca-serve:" + peer(exchange);
      try {
        IssuedCertificate issued =
            ca.issue(text(request, "token"), csr(request), lifetime(request), operator);
        send(exchange, 200, answer(issued));
      } catch (PortcullisException e) {
        send(exchange, 403, error(e.messageId(), e.getMessage()));
      }
    }
  }

  private void renew(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, refusal("use POST"));
        return;
      }
      X509Certificate current = clientCertificate(exchange);
      if (current == null) {
        send(
            exchange,
            403,
            refusal("renewal needs the current certificate as TLS client certificate"));
        return;
      }
      JsonNode request = body(exchange);
      if (request == null) {
        return;
      }
      try {
        String operator = "ca-serve:" + IdentityReader.read(current).principalName();
        byte[] proof = Base64.getDecoder().decode(text(request, "proof"));
        IssuedCertificate issued =
            ca.renew(current, csr(request), proof, lifetime(request), operator);
        send(exchange, 200, answer(issued));
      } catch (PortcullisException e) {
        send(exchange, 403, error(e.messageId(), e.getMessage()));
      } catch (IllegalArgumentException e) {
        send(exchange, 400, refusal("proof is not base64"));
      }
    }
  }

  private void crl(HttpExchange exchange) throws IOException {
    try (exchange) {
      String name = exchange.getRequestURI().getPath().substring("/crl/".length());
      if (!name.matches("[a-z0-9][a-z0-9-]{0,62}\\.crl")) {
        send(exchange, 404, refusal("no such CRL"));
        return;
      }
      var file = ca.directory().resolve("crl").resolve(name);
      if (!Files.isRegularFile(file)) {
        send(exchange, 404, refusal("no such CRL"));
        return;
      }
      byte[] bytes = Files.readAllBytes(file);
      exchange.getResponseHeaders().set("Content-Type", "application/pkix-crl");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** An unexpected failure answers 500 with an ID instead of dropping the connection. */
  private com.sun.net.httpserver.HttpHandler guarded(com.sun.net.httpserver.HttpHandler handler) {
    return exchange -> {
      try {
        handler.handle(exchange);
      } catch (RuntimeException e) {
        try (exchange) {
          send(
              exchange,
              500,
              error(
                  CaMessage.STEP_FAILED.id(),
                  CaMessage.STEP_FAILED.format(exchange.getRequestURI().getPath(), e.toString())));
        }
      }
    };
  }

  private ObjectNode answer(IssuedCertificate issued) {
    ObjectNode node = json.createObjectNode();
    node.put("chain", Pem.encode(issued.chain().toArray()));
    node.put("sha256", issued.sha256());
    issued.previousSha256().ifPresent(p -> node.put("previous", p));
    return node;
  }

  private ObjectNode refusal(String detail) {
    return error(CaMessage.SERVER_REFUSED.id(), CaMessage.SERVER_REFUSED.format(detail));
  }

  private ObjectNode error(String messageId, String message) {
    ObjectNode node = json.createObjectNode();
    node.put("messageId", messageId);
    node.put("message", message);
    return node;
  }

  private JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      send(exchange, 413, refusal("request too large"));
      return null;
    }
    try {
      JsonNode node = json.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new IOException("not a JSON object");
      }
      return node;
    } catch (IOException e) {
      send(exchange, 400, refusal("the body is not a JSON object"));
      return null;
    }
  }

  private static org.bouncycastle.pkcs.PKCS10CertificationRequest csr(JsonNode request)
      throws PortcullisException {
    try {
      return Pem.csr(text(request, "csr"));
    } catch (IOException e) {
      throw CaMessage.REQUEST_UNREADABLE.causedBy(e, e.getMessage());
    }
  }

  private static String text(JsonNode request, String field) throws PortcullisException {
    JsonNode value = request.get(field);
    if (value == null || !value.isTextual()) {
      throw CaMessage.SERVER_REFUSED.exception("missing field " + field);
    }
    return value.asText();
  }

  private static Duration lifetime(JsonNode request) {
    JsonNode value = request.get("lifetimeSeconds");
    return value == null || !value.canConvertToLong() ? null : Duration.ofSeconds(value.asLong());
  }

  private static X509Certificate clientCertificate(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https)) {
      return null;
    }
    try {
      Certificate[] chain = https.getSSLSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static String peer(HttpExchange exchange) {
    X509Certificate certificate = clientCertificate(exchange);
    if (certificate != null) {
      try {
        return IdentityReader.read(certificate).principalName();
      } catch (PortcullisException e) {
        return certificate.getSubjectX500Principal().getName();
      }
    }
    return String.valueOf(exchange.getRemoteAddress().getAddress().getHostAddress());
  }

  private void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
