package io.portcullis.cli;

import io.portcullis.ca.CaMessage;
import io.portcullis.ca.CaServer;
import io.portcullis.ca.CaServerTls;
import io.portcullis.ca.CertificateAuthority;
import io.portcullis.ca.Pem;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis ca serve}: issuance and renewal over HTTPS with mTLS. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve issuance (join token) and renewal (current certificate as TLS client certificate)"
            + " over HTTPS, plus the CRLs. Runs without the root key.")
final class CaServeCommand extends CaSupport {
  @CommandLine.Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address.")
  String bind;

  @CommandLine.Option(names = "--port", defaultValue = "8443", description = "Port.")
  int port;

  @CommandLine.Option(
      names = "--tls-cert",
      required = true,
      description = "The server's certificate chain (PEM), e.g. issued by this CA.")
  Path tlsCert;

  @CommandLine.Option(
      names = "--tls-key",
      required = true,
      description = "The server's private key (PEM, PKCS#8, 0600).")
  Path tlsKey;

  @CommandLine.Option(
      names = "--request-timeout",
      defaultValue = "10s",
      description =
          "Deadline per request, from its first byte (TLS handshake included) to the answer;"
              + " idle connections close after it too. Default: ${DEFAULT-VALUE}.")
  String requestTimeout;

  @CommandLine.Option(
      names = "--refusals-per-minute",
      defaultValue = "20",
      description =
          "Refused requests per client address and minute before it is answered 429."
              + " Default: ${DEFAULT-VALUE}.")
  int refusalsPerMinute;

  @CommandLine.Option(
      names = "--connections-per-address",
      description =
          "Connections one client address may hold open at once; more are closed as they come."
              + " Default: a quarter of the workers, at least 2.")
  Integer connectionsPerAddress;

  @Override
  int run() throws PortcullisException {
    CaServer.Limits limits;
    try {
      limits =
          CaServer.Limits.forThisMachine()
              .with(duration("--request-timeout", requestTimeout), refusalsPerMinute);
      if (connectionsPerAddress != null) {
        limits = limits.withConnectionsPerAddress(connectionsPerAddress);
      }
    } catch (IllegalArgumentException e) {
      throw CaMessage.VALUE_INVALID.exception(
          "--request-timeout / --refusals-per-minute / --connections-per-address",
          requestTimeout + " / " + refusalsPerMinute + " / " + connectionsPerAddress,
          "at least 1s, at least 1 and at least 1");
    }
    CertificateAuthority ca = open();
    try {
      var chain = Pem.certificates(readText(tlsCert));
      ownerOnly(tlsKey, "the CA endpoint's TLS private key");
      var key = Pem.privateKey(readText(tlsKey));
      var tls = CaServerTls.context(ca, chain, key, new SecureRandom());
      CaServer server = CaServer.start(ca, new InetSocketAddress(bind, port), tls, limits);
      info(CaMessage.SERVING, bind, server.port(), ca.directory());
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stop.countDown();
                  }));
      stop.await();
      return 0;
    } catch (IOException | GeneralSecurityException e) {
      throw CaMessage.FILE_UNUSABLE.causedBy(e, tlsCert + " / " + tlsKey, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
