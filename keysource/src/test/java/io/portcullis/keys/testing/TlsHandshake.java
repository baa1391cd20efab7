package io.portcullis.keys.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One real TLS 1.3 mutual-authentication handshake on 127.0.0.1, server and client in this JVM,
 * with TCP_NODELAY (without it each handshake waits on Nagle and delayed ACK). Returns the
 * certificates each side saw.
 */
public final class TlsHandshake {
  private TlsHandshake() {}

  /** What the handshake showed: the client's leaf as the server saw it, and the server's. */
  public record Result(
      X509Certificate clientAsSeenByServer, X509Certificate serverAsSeenByClient) {}

  public static Result run(KeyManager serverKeys, KeyManager clientKeys, X509Certificate anchor)
      throws Exception {
    SSLContext server = context(serverKeys, anchor);
    SSLContext client = context(clientKeys, anchor);
    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setEnabledProtocols(new String[] {"TLSv1.3"});
      listener.setNeedClientAuth(true);
      CompletableFuture<X509Certificate> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  socket.setTcpNoDelay(true);
                  socket.startHandshake();
                  InputStream in = socket.getInputStream();
                  OutputStream out = socket.getOutputStream();
                  out.write(in.read());
                  out.flush();
                  return (X509Certificate) socket.getSession().getPeerCertificates()[0];
                } catch (IOException e) {
                  throw new IllegalStateException("server side: " + e, e);
                }
              });
      X509Certificate serverSeen;
      try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket()) {
        socket.setTcpNoDelay(true);
        socket.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5000);
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.startHandshake();
        socket.getOutputStream().write(42);
        socket.getOutputStream().flush();
        if (socket.getInputStream().read() != 42) {
          throw new IllegalStateException("echo failed");
        }
        serverSeen = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      }
      try {
        return new Result(accepted.get(10, TimeUnit.SECONDS), serverSeen);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } catch (TimeoutException e) {
        throw new IllegalStateException("server did not finish the handshake", e);
      }
    }
  }

  private static SSLContext context(KeyManager keys, X509Certificate anchor)
      throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("anchor", anchor);
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(new KeyManager[] {keys}, trustManagers.getTrustManagers(), new SecureRandom());
    return context;
  }
}
