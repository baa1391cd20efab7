package io.portcullis.acme.testing;

import io.portcullis.keys.testing.NativeTools;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Debian's {@code pebble} (an RFC 8555 test server) in a directory of its own: a listener
 * certificate made per run, External Account Binding required with one key made per run, a short
 * certificate validity, free ports, and http-01 validated for real against {@link #httpPort()} (the
 * name {@code localhost}). Pebble makes a new root at every start: {@link #writeRoot} fetches the
 * current one.
 */
public final class Pebble implements AutoCloseable {
  public static final String EAB_KID = "portcullis-test";

  private final Path binary;
  private final Path dir;
  private final int port;
  private final int managementPort;
  private final int httpPort;
  private final String eabKey;
  private final HttpClient client;
  private Process process;

  private Pebble(Path dir, int validitySeconds) throws Exception {
    Path binary = NativeTools.require("pebble", "pebble");
    this.dir = dir;
    Files.createDirectories(dir);
    this.port = freePort();
    this.managementPort = freePort();
    this.httpPort = freePort();
    byte[] mac = new byte[32];
    new SecureRandom().nextBytes(mac);
    this.eabKey = Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    TestPki.Ca listenerCa = TestPki.root("CN=pebble listener test CA");
    TestPki.Leaf listener =
        listenerCa
            .issue("CN=localhost")
            .dnsSan("localhost")
            .ipSan("127.0.0.1")
            .serverAuth()
            .issueLeaf();
    listener.writePem(dir.resolve("listener.pem"), dir.resolve("listener-key.pem"));
    Files.writeString(
        listenerTrust(), TestPki.pem(listenerCa.certificate()), StandardCharsets.US_ASCII);
    Files.writeString(
        dir.resolve("pebble.json"),
        """
        {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
          "certificate": "listener.pem", "privateKey": "listener-key.pem",
          "httpPort": %d, "tlsPort": %d, "ocspResponderURL": "",
          "externalAccountBindingRequired": true,
          "externalAccountMACKeys": {"%s": "%s"},
          "certificateValidityPeriod": %d}}
        """
            .formatted(
                port, managementPort, httpPort, freePort(), EAB_KID, eabKey, validitySeconds),
        StandardCharsets.US_ASCII);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("listener", listenerCa.certificate());
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, factory.getTrustManagers(), null);
    this.client = HttpClient.newBuilder().sslContext(tls).build();
    this.binary = binary;
  }

  /**
   * Starts pebble in {@code dir}, issuing certificates valid for {@code validitySeconds}; it
   * rejects 5% of nonces on purpose (its default), so clients must retry {@code badNonce}.
   */
  public static Pebble start(Path dir, int validitySeconds) throws Exception {
    Pebble pebble = new Pebble(dir, validitySeconds);
    pebble.start();
    return pebble;
  }

  /** (Re)starts the server on the same ports; it makes a new root. */
  public void start() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(binary.toString(), "-config", "pebble.json")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pebble.log").toFile()));
    Map<String, String> env = builder.environment();
    env.put("PEBBLE_VA_NOSLEEP", "1");
    process = builder.start();
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        if (get(directory()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "pebble did not start: " + Files.readString(dir.resolve("pebble.log")));
      }
      Thread.sleep(100);
    }
  }

  /** Stops the server (the issuer is down until {@link #start()}). */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  public URI directory() {
    return URI.create("https://localhost:" + port + "/dir");
  }

  /** The EAB HMAC key (base64url) the server accepts for {@link #EAB_KID}. */
  public String eabKey() {
    return eabKey;
  }

  /** The port pebble validates http-01 challenges on. */
  public int httpPort() {
    return httpPort;
  }

  /** A PEM file with the CA of pebble's listener certificate (for {@code acmeTrust}). */
  public Path listenerTrust() {
    return dir.resolve("listener-ca.pem");
  }

  /** Writes the root pebble issues under now to {@code file} (PEM). */
  public Path writeRoot(Path file) throws Exception {
    HttpResponse<String> root = get(URI.create("https://localhost:" + managementPort + "/roots/0"));
    if (root.statusCode() != 200) {
      throw new IllegalStateException("pebble's root: " + root.statusCode());
    }
    Files.writeString(file, root.body(), StandardCharsets.US_ASCII);
    return file;
  }

  /** pebble's log so far. */
  public List<String> log() throws IOException {
    return Files.readAllLines(dir.resolve("pebble.log"));
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
