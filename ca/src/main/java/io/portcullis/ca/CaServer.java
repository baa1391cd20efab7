package io.portcullis.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.portcullis.Daemons;
import io.portcullis.identity.IdentityReader;
import io.portcullis.messages.PortcullisException;
import io.portcullis.messages.RefusalLog;
import io.portcullis.trust.TrustArea;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;
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
 *   <li>{@code GET /v1/successor}: the chain that renewed the TLS client certificate, when that
 *       renewal is its workload's latest (404 when there is none): how a renewal agent that stopped
 *       between asking and storing finds the certificate for the key it kept. Only the holder of a
 *       certificate may ask about it.
 *   <li>{@code GET /v1/areas}: the areas in service, {@code {"areas": [{"name", "certificate": PEM,
 *       "spiffePrefixes": [...], "dnsSubtrees": [...]}]}}: what a renewal agent checks a new chain
 *       against, with the root it was given out of band as the only anchor.
 *   <li>{@code GET /crl/NAME.crl}: the published CRLs (DER).
 * </ul>
 *
 * Answers are JSON: {@code {"chain": PEM, "sha256": ..., "previous": ...}} or {@code {"messageId":
 * ..., "message": ...}} with status 400 (bad request), 403 (refused), 429 (this client was refused
 * too often, with {@code Retry-After}) or 503 (every issuance slot busy). The server asks every
 * client for a certificate; the renewal and successor endpoints refuse requests without one, or
 * with one that does not chain to a root of the bundle ({@code PRTC0435E}), before they read the
 * request. No extended key usage is asked of it (see {@link CaServerTls}).
 *
 * <p>It holds up against slow and hostile clients within its {@link Limits}: every request has a
 * deadline from its first byte (TLS handshake included) to its answer, a bounded worker pool takes
 * the requests, issuance and renewal may occupy only some of the workers so that CRLs are always
 * served, and a client whose requests keep being refused is answered 429 before it reaches the CA's
 * lock or its audit log.
 */
public final class CaServer implements AutoCloseable {
  private static final int MAX_BODY = 64 * 1024;
  private static final Logger LOG = Logger.getLogger(CaServer.class.getName());

  /** The JDK server's process-wide deadlines (seconds), read when its first server is created. */
  private static final List<String> DEADLINE_PROPERTIES =
      List.of(
          "sun.net.httpserver.maxReqTime",
          "sun.net.httpserver.maxRspTime",
          "sun.net.httpserver.idleInterval");

  /**
   * What {@code ca serve} gives any one request and client.
   *
   * @param requestTimeout the longest a request may take from its first byte (the TLS handshake
   *     included) until its answer starts, and the answer to be sent; idle connections are closed
   *     after it too. The JDK's HTTP server reads it once per process, when its first server is
   *     made: a JVM that ran one before keeps that one's deadlines.
   * @param workers threads that handle requests
   * @param queue requests that may wait for a worker; beyond that, new connections are closed
   * @param issuanceSlots how many workers may work on issuance or renewal at once (fewer than
   *     {@code workers}, so that CRLs are served while the CA is busy)
   * @param refusalsPerMinute refused requests per client address and minute before it is answered
   *     429 without reaching the CA
   * @param connectionsPerAddress connections one client address may hold open at once; one more is
   *     closed as it is accepted
   * @param handshakeTimeout how long a new connection may take to send its first TLS record whole
   *     before it is closed; until then it holds no worker
   */
  public record Limits(
      Duration requestTimeout,
      int workers,
      int queue,
      int issuanceSlots,
      int refusalsPerMinute,
      int connectionsPerAddress,
      Duration handshakeTimeout) {
    public Limits {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
      if (requestTimeout.compareTo(Duration.ofSeconds(1)) < 0
          || workers < 2
          || queue < 0
          || issuanceSlots < 1
          || issuanceSlots >= workers
          || refusalsPerMinute < 1
          || connectionsPerAddress < 1
          || handshakeTimeout.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException(
            "CA server limits out of range (timeout >= 1 s, workers >= 2, queue >= 0,"
                + " 1 <= issuanceSlots < workers, refusalsPerMinute >= 1,"
                + " connectionsPerAddress >= 1, handshakeTimeout >= 100 ms): "
                + List.of(
                    requestTimeout,
                    workers,
                    queue,
                    issuanceSlots,
                    refusalsPerMinute,
                    connectionsPerAddress,
                    handshakeTimeout));
      }
    }

    /**
     * 10 s per request, four workers per core (at least 4), 64 waiting, half the workers for
     * issuance, 20 refusals per client and minute, a quarter of the workers (at least 2) per client
     * address, 3 s for the first TLS record.
     */
    public static Limits forThisMachine() {
      int workers = Math.max(4, 4 * Runtime.getRuntime().availableProcessors());
      return new Limits(
          Duration.ofSeconds(10),
          workers,
          64,
          workers / 2,
          20,
          Math.max(2, workers / 4),
          Duration.ofSeconds(3));
    }

    /** These limits with another request timeout and refusal rate (the CLI's options). */
    public Limits with(Duration timeout, int refusals) {
      return new Limits(
          timeout,
          workers,
          queue,
          issuanceSlots,
          refusals,
          connectionsPerAddress,
          handshakeTimeout);
    }

    /** These limits with another cap on connections per client address (the CLI's option). */
    public Limits withConnectionsPerAddress(int connections) {
      return new Limits(
          requestTimeout,
          workers,
          queue,
          issuanceSlots,
          refusalsPerMinute,
          connections,
          handshakeTimeout);
    }

    /** Connections open at once from all addresses: twice what the server can hold or queue. */
    int totalConnections() {
      return 2 * (workers + queue);
    }
  }

  private final CertificateAuthority ca;

  /** Set once the contexts are in place and the HTTPS server runs: then clients are let in. */
  private volatile ConnectionGate gate;

  private final HttpsServer server;
  private final ExecutorService executor;
  private final Limits limits;
  private final Semaphore issuance;
  private final RefusalLimiter refusals;
  private final RefusalLog limitedLog =
      new RefusalLog(LOG::warning, RefusalLog.DEFAULT_INTERVAL, System::nanoTime);
  private final ObjectMapper json = new ObjectMapper();

  private CaServer(
      CertificateAuthority ca, HttpsServer server, ExecutorService executor, Limits limits) {
    this.ca = ca;
    this.server = server;
    this.executor = executor;
    this.limits = limits;
    this.issuance = new Semaphore(limits.issuanceSlots());
    this.refusals = new RefusalLimiter(limits.refusalsPerMinute(), System::nanoTime);
  }

  /** Starts serving {@code ca} on {@code address} with {@code tls} within this machine's limits. */
  public static CaServer start(CertificateAuthority ca, InetSocketAddress address, SSLContext tls)
      throws IOException {
    return start(ca, address, tls, Limits.forThisMachine());
  }

  /** Starts serving {@code ca} on {@code address} with {@code tls} (see {@link CaTls}). */
  public static CaServer start(
      CertificateAuthority ca, InetSocketAddress address, SSLContext tls, Limits limits)
      throws IOException {
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(limits, "limits");
    applyDeadlines(limits.requestTimeout());
    // The HTTPS server listens on the loopback address only; clients reach it through the gate.
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
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
    // Bounded: past the queue the JDK server closes the new connection instead of queueing it.
    ExecutorService executor =
        Daemons.boundedPool("portcullis-ca-serve", limits.workers(), limits.queue());
    server.setExecutor(executor);
    CaServer caServer = new CaServer(ca, server, executor, limits);
    server.createContext("/v1/issue", caServer.guarded(caServer::issue));
    server.createContext("/v1/renew", caServer.guarded(caServer::renew));
    server.createContext("/v1/successor", caServer.guarded(caServer::successor));
    server.createContext("/v1/areas", caServer.guarded(caServer::areas));
    server.createContext("/crl/", caServer.guarded(caServer::crl));
    server.start();
    try {
      caServer.gate =
          ConnectionGate.open(
              address,
              server.getAddress(),
              limits.connectionsPerAddress(),
              limits.totalConnections(),
              limits.handshakeTimeout());
    } catch (IOException e) {
      server.stop(0);
      executor.shutdownNow();
      throw e;
    }
    return caServer;
  }

  /** Sets the JDK server's deadlines to {@code timeout} where the process has not set its own. */
  private static synchronized void applyDeadlines(Duration timeout) {
    String seconds = String.valueOf(Math.max(1, timeout.toSeconds()));
    for (String property : DEADLINE_PROPERTIES) {
      if (System.getProperty(property) == null) {
        System.setProperty(property, seconds);
      }
    }
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return gate.port();
  }

  /** How many connections were closed as they came for being over a connection limit. */
  public long connectionsTurnedAway() {
    return gate.turnedAway();
  }

  @Override
  public void close() {
    gate.close();
    server.stop(0);
    executor.shutdownNow();
    try {
      ca.flushRefusals();
    } catch (PortcullisException e) {
      LOG.warning(e.getMessage());
    }
  }

  private void issue(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, refusal("use POST"));
        return;
      }
      String client = address(exchange);
      if (limited(exchange, client)) {
        return;
      }
      JsonNode request = body(exchange, client);
      if (request == null || !enterIssuance(exchange)) {
        return;
      }
      String operator = "ca-serve:" + peer(exchange);
      try {
        IssuedCertificate issued =
            ca.issue(text(request, "token"), csr(request), lifetime(request), operator);
        send(exchange, 200, answer(issued));
      } catch (PortcullisException e) {
        refuse(exchange, client, 403, error(e.messageId(), e.getMessage()));
      } finally {
        issuance.release();
      }
    }
  }

  private void renew(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, refusal("use POST"));
        return;
      }
      String client = address(exchange);
      if (limited(exchange, client)) {
        return;
      }
      X509Certificate current =
          verifiedClient(
              exchange, client, "renewal needs the current certificate as TLS client certificate");
      if (current == null) {
        return;
      }
      JsonNode request = body(exchange, client);
      if (request == null || !enterIssuance(exchange)) {
        return;
      }
      try {
        String operator = "ca-serve:" + IdentityReader.read(current).principalName();
        byte[] proof = Base64.getDecoder().decode(text(request, "proof"));
        IssuedCertificate issued =
            ca.renew(current, csr(request), proof, lifetime(request), operator);
        send(exchange, 200, answer(issued));
      } catch (PortcullisException e) {
        refuse(exchange, client, 403, error(e.messageId(), e.getMessage()));
      } catch (IllegalArgumentException e) {
        refuse(exchange, client, 400, refusal("proof is not base64"));
      } finally {
        issuance.release();
      }
    }
  }

  private void successor(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 405, refusal("use GET"));
        return;
      }
      String client = address(exchange);
      if (limited(exchange, client)) {
        return;
      }
      X509Certificate replaced =
          verifiedClient(
              exchange,
              client,
              "asking for a successor needs the replaced certificate as TLS client certificate");
      if (replaced == null) {
        return;
      }
      try {
        Optional<IssuedCertificate> issued = ca.successor(replaced);
        if (issued.isPresent()) {
          send(exchange, 200, answer(issued.get()));
        } else {
          send(exchange, 404, refusal("no renewal of this certificate is its workload's latest"));
        }
      } catch (PortcullisException e) {
        refuse(exchange, client, 403, error(e.messageId(), e.getMessage()));
      }
    }
  }

  private void areas(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 405, refusal("use GET"));
        return;
      }
      ObjectNode body = json.createObjectNode();
      ArrayNode list = body.putArray("areas");
      try {
        for (TrustArea area : ca.trustAreas()) {
          ObjectNode node = list.addObject();
          node.put("name", area.name());
          node.put("certificate", Pem.encode(area.intermediates().toArray()));
          ArrayNode prefixes = node.putArray("spiffePrefixes");
          area.scope().spiffePrefixes().forEach(id -> prefixes.add(id.toString()));
          ArrayNode subtrees = node.putArray("dnsSubtrees");
          area.scope().dnsSubtrees().forEach(subtrees::add);
        }
      } catch (PortcullisException e) {
        send(exchange, 500, error(e.messageId(), e.getMessage()));
        return;
      }
      send(exchange, 200, body);
    }
  }

  /**
   * Whether {@code client} was refused too often this minute; if so it has been answered 429. The
   * CA is not asked, so the client holds neither its lock nor a line of its audit log.
   */
  private boolean limited(HttpExchange exchange, String client) throws IOException {
    if (refusals.allowed(client)) {
      return false;
    }
    long retry = refusals.retryAfterSeconds(client);
    exchange.getResponseHeaders().set("Retry-After", String.valueOf(retry));
    send(
        exchange,
        429,
        error(
            CaMessage.CLIENT_LIMITED.id(),
            CaMessage.CLIENT_LIMITED.format(client, retry, limits.refusalsPerMinute())));
    return true;
  }

  /** Answers a refusal and counts it against {@code client}. */
  private void refuse(HttpExchange exchange, String client, int status, ObjectNode body)
      throws IOException {
    if (refusals.refused(client)) {
      // Once per client and minute, but a flood from many addresses would be many lines: one a
      // minute, with how many more were limited.
      long retry = refusals.retryAfterSeconds(client);
      limitedLog.refused(
          CaMessage.CLIENT_LIMITED.id(),
          client,
          exchange.getRequestURI().getPath(),
          () -> CaMessage.CLIENT_LIMITED.format(client, retry, limits.refusalsPerMinute()));
    }
    send(exchange, status, body);
  }

  /**
   * Takes an issuance slot if one is free, or answers 503 at once: a request waiting for a slot
   * would hold a worker that CRLs need. The caller releases the slot.
   */
  private boolean enterIssuance(HttpExchange exchange) throws IOException {
    boolean entered = issuance.tryAcquire();
    if (!entered) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      send(
          exchange,
          503,
          error(CaMessage.SERVER_BUSY.id(), CaMessage.SERVER_BUSY.format(limits.issuanceSlots())));
    }
    return entered;
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
      closeAfter(exchange);
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** An unexpected failure answers 500 with an ID instead of dropping the connection. */
  private com.sun.net.httpserver.HttpHandler guarded(com.sun.net.httpserver.HttpHandler handler) {
    return exchange -> {
      if (client(exchange).isEmpty()) {
        // Not handed on by the gate: a process on this host that found the loopback port.
        try (exchange) {
          send(exchange, 403, refusal("connect through the public port"));
        }
        return;
      }
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

  private JsonNode body(HttpExchange exchange, String client) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      refuse(exchange, client, 413, refusal("request too large"));
      return null;
    }
    try {
      JsonNode node = json.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new IOException("not a JSON object");
      }
      return node;
    } catch (IOException e) {
      refuse(exchange, client, 400, refusal("the body is not a JSON object"));
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

  /**
   * The TLS client certificate when it chains to a root this CA trusts now ({@link
   * CaServerTls#checkClient}); otherwise answers 403 with the reason ({@code missing} when there is
   * none) and returns null.
   */
  private X509Certificate verifiedClient(HttpExchange exchange, String client, String missing)
      throws IOException {
    X509Certificate[] chain = clientChain(exchange);
    if (chain.length == 0) {
      refuse(exchange, client, 403, refusal(missing));
      return null;
    }
    try {
      CaServerTls.checkClient(ca, chain);
      return chain[0];
    } catch (CertificateException e) {
      refuse(
          exchange,
          client,
          403,
          error(
              CaMessage.CLIENT_CERTIFICATE_REFUSED.id(),
              CaMessage.CLIENT_CERTIFICATE_REFUSED.format(e.getMessage())));
      return null;
    }
  }

  /** The TLS client's chain as sent, leaf first; empty when it sent none. */
  private static X509Certificate[] clientChain(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https)) {
      return new X509Certificate[0];
    }
    try {
      Certificate[] chain = https.getSSLSession().getPeerCertificates();
      List<X509Certificate> x509 = new java.util.ArrayList<>();
      for (Certificate certificate : chain) {
        if (!(certificate instanceof X509Certificate c)) {
          return new X509Certificate[0];
        }
        x509.add(c);
      }
      return x509.toArray(new X509Certificate[0]);
    } catch (SSLPeerUnverifiedException e) {
      return new X509Certificate[0];
    }
  }

  /**
   * One request per connection: a connection kept open counts against its address's cap at the
   * gate, and a client that wants another answer connects again (renewal agents make one request
   * per connection anyway).
   */
  private static void closeAfter(HttpExchange exchange) {
    exchange.getResponseHeaders().set("Connection", "close");
  }

  /** The client's own address, as the gate accepted its connection. */
  private String address(HttpExchange exchange) {
    return client(exchange).map(a -> a.getAddress().getHostAddress()).orElse("unknown");
  }

  private Optional<InetSocketAddress> client(HttpExchange exchange) {
    ConnectionGate accepted = gate;
    return accepted == null ? Optional.empty() : accepted.client(exchange.getRemoteAddress());
  }

  /** Who the audit log names: the client certificate's identity when this CA vouches for it. */
  private String peer(HttpExchange exchange) {
    X509Certificate[] chain = clientChain(exchange);
    if (chain.length > 0) {
      try {
        CaServerTls.checkClient(ca, chain);
        return IdentityReader.read(chain[0]).principalName();
      } catch (CertificateException | PortcullisException e) {
        // a certificate this CA does not vouch for names no one
      }
    }
    return address(exchange);
  }

  private void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    closeAfter(exchange);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
