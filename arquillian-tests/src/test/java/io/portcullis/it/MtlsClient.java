package io.portcullis.it;

import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.net.CookieManager;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A real TLS client for the end-to-end tests: presents one client certificate (or none), trusts the
 * dev root, keeps no cookies unless asked, and opens fresh connections per client.
 */
final class MtlsClient {
  private final HttpClient http;

  private MtlsClient(SSLContext context) {
    this.http =
        HttpClient.newBuilder()
            .sslContext(context)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .cookieHandler(new CookieManager(null, (uri, cookie) -> false))
            .build();
  }

  /** A client presenting {@code chain} and {@code key}. */
  static MtlsClient withCertificate(List<X509Certificate> chain, PrivateKey key) {
    return new MtlsClient(context(chain, key));
  }

  /** A client presenting the certificate and key PEM files dev-pki wrote for {@code name}. */
  static MtlsClient devClient(String name) {
    Path dir = ItServer.pkiDir().resolve("clients");
    return withCertificate(
        readCertificates(dir.resolve(name + ".pem")), readKey(dir.resolve(name + ".key.pem")));
  }

  /** A key manager presenting the certificate dev-pki wrote for {@code name}. */
  static KeyManager devKeyManager(String name) {
    Path dir = ItServer.pkiDir().resolve("clients");
    return new AlwaysPresent(
        readCertificates(dir.resolve(name + ".pem")), readKey(dir.resolve(name + ".key.pem")));
  }

  /** A client that presents no certificate at all. */
  static MtlsClient anonymous() {
    return new MtlsClient(context(null, null));
  }

  HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String url, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(
        request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext context(List<X509Certificate> chain, PrivateKey key) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(
          "root", readCertificates(ItServer.pkiDir().resolve("root.pem")).get(0));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManager[] keyManagers =
          chain == null ? new KeyManager[0] : new KeyManager[] {new AlwaysPresent(chain, key)};
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Presents its one certificate whatever issuers the server asks for. The JDK's own key manager
   * would send an empty chain for a certificate from a CA the server does not list, and the tests
   * must show the server refusing such certificates, not the client withholding them.
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final X509Certificate[] chain;
    private final PrivateKey key;

    AlwaysPresent(List<X509Certificate> chain, PrivateKey key) {
      this.chain = chain.toArray(new X509Certificate[0]);
      this.key = key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  /** The {@code JSESSIONID=...} cookie {@code response} set, to send back as a Cookie header. */
  static String sessionCookie(HttpResponse<?> response) {
    return response.headers().allValues("Set-Cookie").stream()
        .map(c -> c.split(";", 2)[0])
        .filter(c -> c.startsWith("JSESSIONID="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie in " + response.headers()));
  }

  static List<X509Certificate> readCertificates(Path pem) {
    return TestPki.readCertificates(pem);
  }

  static PrivateKey readKey(Path pem) {
    return TestPki.readEcPrivateKey(pem);
  }

  /**
   * The leaf certificate the server on {@code port} presents, read from a raw TLS handshake that
   * trusts anything and offers the dev reader's certificate; completing it proves the server signed
   * with the key of that certificate.
   */
  static X509Certificate presentedCertificate(int port) throws Exception {
    javax.net.ssl.TrustManager[] recordOnly = {
      new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {devKeyManager("reader")}, recordOnly, null);
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket()) {
      socket.setTcpNoDelay(true);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }
}
