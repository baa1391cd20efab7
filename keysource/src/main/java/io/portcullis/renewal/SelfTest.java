package io.portcullis.renewal;

import io.portcullis.keys.KeySourceMessage;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One TLS handshake served with a new key and chain to a client in the same process, on the
 * loopback interface, before the credential is swapped in: proof that the key signs through its
 * provider (a token key included) and that JSSE presents the chain. Whether the chain is trusted is
 * checked separately, against the issuer's trust areas; the client here only records what it was
 * shown.
 */
final class SelfTest {
  private static final int TIMEOUT_MILLIS = 10_000;

  private SelfTest() {}

  /**
   * Serves one handshake with {@code key} and {@code chain}.
   *
   * @throws PortcullisException {@code PRTC0544E} when it fails or presents another certificate
   */
  static void handshake(String name, PrivateKey key, List<X509Certificate> chain)
      throws PortcullisException {
    try {
      SSLContext server = SSLContext.getInstance("TLSv1.3");
      server.init(new KeyManager[] {new FixedKeyManager(key, chain)}, null, null);
      SSLContext client = SSLContext.getInstance("TLSv1.3");
      Recorder recorder = new Recorder();
      client.init(null, new TrustManager[] {recorder}, null);
      try (SSLServerSocket listener =
          (SSLServerSocket)
              server
                  .getServerSocketFactory()
                  .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        listener.setSoTimeout(TIMEOUT_MILLIS);
        CompletableFuture<Void> served =
            CompletableFuture.runAsync(
                () -> {
                  try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(TIMEOUT_MILLIS);
                    accepted.startHandshake();
                    accepted.getOutputStream().write(1);
                    accepted.getOutputStream().flush();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        try (SSLSocket socket =
            (SSLSocket)
                client
                    .getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
          socket.setSoTimeout(TIMEOUT_MILLIS);
          socket.startHandshake();
          if (socket.getInputStream().read() != 1) {
            throw new IOException("the server closed the connection after the handshake");
          }
        }
        served.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      }
      if (recorder.shown == null || !recorder.shown.equals(chain.get(0))) {
        throw KeySourceMessage.RENEWAL_SELF_TEST_FAILED.exception(
            name, "the handshake presented another certificate");
      }
    } catch (IOException | GeneralSecurityException | TimeoutException e) {
      throw KeySourceMessage.RENEWAL_SELF_TEST_FAILED.causedBy(e, name, e.toString());
    } catch (ExecutionException e) {
      throw KeySourceMessage.RENEWAL_SELF_TEST_FAILED.causedBy(e, name, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KeySourceMessage.RENEWAL_SELF_TEST_FAILED.causedBy(e, name, "interrupted");
    }
  }

  /**
   * Records the chain the server presented; trust is decided elsewhere (against the issuer's
   * areas), so this client accepts what it records and is never used for anything but this test.
   */
  private static final class Recorder implements X509TrustManager {
    private volatile X509Certificate shown;

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("the self-test client sends no certificate");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      shown = chain.length == 0 ? null : chain[0];
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
