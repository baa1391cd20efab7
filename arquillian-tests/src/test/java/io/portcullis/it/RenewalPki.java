package io.portcullis.it;

import io.portcullis.ca.AreaSpec;
import io.portcullis.ca.CaSpec;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.IssuedCertificate;
import io.portcullis.ca.RootKey;
import io.portcullis.ca.RootKeySpec;
import io.portcullis.ca.Usage;
import io.portcullis.ca.WorkloadRegistration;
import io.portcullis.keys.Csr;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The PKI of the renewal tests: a Portcullis CA made in a temporary directory with one area, {@code
 * web}, whose workloads are {@code spiffe://<domain>/web/<name>} with DNS name localhost, and the
 * first certificates of the key sources the tests renew (a PKCS#12 file, a key generated in the
 * build's SoftHSM2 token).
 */
final class RenewalPki {
  final Path work;
  final Path caDir;
  final CertificateAuthority ca;
  final RootKeySpec rootKey;
  final Map<String, String> serverEnv;
  private final String domain;
  private final SecureRandom random = new SecureRandom();

  private RenewalPki(Path work, String domain) throws Exception {
    this.work = work;
    this.caDir = work.resolve("ca");
    this.domain = domain;
    this.rootKey =
        new RootKeySpec.Pkcs12(
            work.resolve("usb/root.p12"), "the renewal test's ceremony".toCharArray());
    CertificateAuthority.init(
        caDir,
        // A name of its own: SunPKCS11 rebuilds a token key's chain by subject name, and the
        // build's token may hold another run's intermediate of the same name.
        CaSpec.of(
            "Renewal IT " + Long.toHexString(random.nextLong()),
            domain,
            null,
            KeyType.P256,
            Duration.ofDays(30)),
        rootKey,
        "it",
        Clock.systemUTC(),
        random);
    ca = CertificateAuthority.open(caDir, Clock.systemUTC(), random);
    ca.createArea(
        AreaSpec.of(
            "web",
            "spiffe://" + domain + "/web/",
            List.of("localhost"),
            Duration.ofMinutes(30),
            KeyType.P256,
            Duration.ofDays(20)),
        RootKey.open(rootKey),
        "it");
    serverEnv = new HashMap<>();
    for (String line : Files.readAllLines(ItServer.serverDir().resolve("server.env"))) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        serverEnv.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
  }

  /** A CA for trust domain {@code domain} in a new temporary directory. */
  static RenewalPki create(String domain) throws Exception {
    return new RenewalPki(Files.createTempDirectory("portcullis-renewal-it"), domain);
  }

  /** The PIN of the build's token (server.env of the Arquillian server). */
  String tokenPin() {
    return serverEnv.get("PORTCULLIS_IT_TOKEN_PIN");
  }

  /** What a second server needs to reach the build's token. */
  Map<String, String> tokenEnvironment() {
    return Map.of(
        "SOFTHSM2_CONF", serverEnv.get("SOFTHSM2_CONF"), "PORTCULLIS_IT_TOKEN_PIN", tokenPin());
  }

  /** A registration of workload {@code name} in area web; returns its join token. */
  String register(String name) throws Exception {
    return ca.register(
            new WorkloadRegistration(
                "web",
                "spiffe://" + domain + "/web/" + name,
                List.of("localhost"),
                KeyType.P256,
                Duration.ofMinutes(30),
                Set.of(Usage.SERVER, Usage.CLIENT),
                "it",
                Duration.ofHours(1)),
            "it")
        .token();
  }

  /** A fresh key and a certificate for {@code workload} in PKCS#12 file {@code p12}. */
  IssuedCertificate issueToPkcs12(String workload, Path p12, String password, Duration lifetime)
      throws Exception {
    KeyPair keys = KeyType.P256.generate(random);
    IssuedCertificate issued = ca.issue(register(workload), keys, lifetime, "it");
    Files.createDirectories(p12.getParent());
    try (OutputStream out = Files.newOutputStream(p12)) {
      keyStore(workload, keys, issued, password).store(out, password.toCharArray());
    }
    return issued;
  }

  /** A key generated in the build's token under {@code alias}, and its certificate stored there. */
  IssuedCertificate issueToToken(String workload, String alias, Duration lifetime)
      throws Exception {
    TokenKeys token = TokenKeys.open(tokenConfig(alias));
    token.generate(alias, KeyType.P256);
    Csr csr = token.csr(alias, "", List.of("localhost"), List.of());
    IssuedCertificate issued = ca.issue(register(workload), csr.request(), lifetime, "it");
    token.storeCertificate(alias, issued.chain());
    return issued;
  }

  private static KeyStore keyStore(
      String alias, KeyPair keys, IssuedCertificate issued, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        alias,
        keys.getPrivate(),
        password.toCharArray(),
        issued.chain().toArray(new Certificate[0]));
    return store;
  }

  /**
   * The key source settings of the build's token with {@code alias}, renewed by this CA: loaded, it
   * serves the newest generation of the key, as the server does.
   */
  KeySourceConfig tokenConfig(String alias) throws Exception {
    return KeySourceConfig.fromMap(
        Map.of(
            "renew",
            "ca",
            "caDirectory",
            caDir.toString(),
            "type",
            "pkcs11",
            "library",
            "/usr/lib/softhsm/libsofthsm2.so",
            "tokenLabel",
            TokenSetup.LABEL,
            "pin",
            tokenPin(),
            "alias",
            alias));
  }

  /** A key store holding only the CA's root as a trusted certificate. */
  KeyStore rootTrust() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", ca.rootCertificate());
    return trust;
  }

  /**
   * A TLS context that trusts the CA's root and presents a fresh key of {@code workload} with the
   * certificate the CA issues for it (20 minutes), or no certificate when {@code workload} is null.
   */
  SSLContext tls(String workload) throws Exception {
    KeyManager[] keyManagers = null;
    if (workload != null) {
      KeyPair keys = KeyType.P256.generate(random);
      char[] password = "in-memory".toCharArray();
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(
          keyStore(
              workload,
              keys,
              ca.issue(register(workload), keys, Duration.ofMinutes(20), "it"),
              new String(password)),
          password);
      keyManagers = factory.getKeyManagers();
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(rootTrust());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers, trust.getTrustManagers(), null);
    return tls;
  }

  /** A client TLS context that trusts {@code anchors} and presents no certificate. */
  static SSLContext trusting(java.util.Collection<X509Certificate> anchors) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate anchor : anchors) {
      trust.setCertificateEntry("anchor-" + i++, anchor);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, factory.getTrustManagers(), null);
    return tls;
  }

  /** The CA as another process would see it now: opened again from its directory. */
  CertificateAuthority reopened() throws Exception {
    return CertificateAuthority.open(caDir, Clock.systemUTC(), random);
  }

  /**
   * One HTTP/1.0 request to {@code /} on a TLS connection of its own to 127.0.0.1:{@code port};
   * returns the certificate the server showed.
   *
   * @throws IllegalStateException when the answer is not 200
   */
  static X509Certificate requestOnANewConnection(SSLContext tls, int port) throws IOException {
    return requestOnANewConnection(tls, port, "/");
  }

  /** {@link #requestOnANewConnection(SSLContext, int)} for {@code path}. */
  static X509Certificate requestOnANewConnection(SSLContext tls, int port, String path)
      throws IOException {
    try (SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!response.startsWith("HTTP/1.0 200 ")) {
        throw new IllegalStateException(
            "unexpected response: " + response.substring(0, Math.min(60, response.length())));
      }
      return served;
    }
  }

  /**
   * Requests on new connections to 127.0.0.1:{@code port} until one is served a certificate with
   * another serial than {@code serial}, and returns it.
   *
   * @throws AssertionError when none is within {@code wait}
   */
  static X509Certificate awaitServedOtherThan(
      SSLContext tls, int port, BigInteger serial, Duration wait) throws Exception {
    Instant deadline = Instant.now().plus(wait);
    while (true) {
      X509Certificate served = requestOnANewConnection(tls, port);
      if (!served.getSerialNumber().equals(serial)) {
        return served;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("port " + port + " still serves serial " + serial.toString(16));
      }
      Thread.sleep(50);
    }
  }
}
