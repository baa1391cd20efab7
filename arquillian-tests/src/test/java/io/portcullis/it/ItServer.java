package io.portcullis.it;

import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the test server lives and what it logged; paths come from the Maven build. */
final class ItServer {
  private ItServer() {}

  static Path serverDir() {
    return Path.of(System.getProperty("portcullis.it.server.dir"));
  }

  static Path pkiDir() {
    return serverDir().resolve("resources/security");
  }

  static String https(String path) {
    return "https://127.0.0.1:" + System.getProperty("portcullis.it.https.port") + path;
  }

  static String http(String path) {
    return "http://127.0.0.1:" + System.getProperty("portcullis.it.http.port") + path;
  }

  static Path messagesLog() {
    return serverDir().resolve("logs/messages.log");
  }

  /** The number of lines messages.log has now; pass it to {@link #awaitLogLine}. */
  static int logMark() {
    return log().size();
  }

  /**
   * Waits (up to 20 s: Liberty writes its log asynchronously) for a line after {@code mark} that
   * contains every one of {@code fragments}.
   */
  static Optional<String> awaitLogLine(int mark, String... fragments) throws InterruptedException {
    return awaitLogLine(Duration.ofSeconds(20), mark, fragments);
  }

  /** {@link #awaitLogLine(int, String...)} with a wait of {@code wait}. */
  static Optional<String> awaitLogLine(Duration wait, int mark, String... fragments)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(wait);
    do {
      List<String> lines = log();
      for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
        if (List.of(fragments).stream().allMatch(line::contains)) {
          return Optional.of(line);
        }
      }
      Thread.sleep(200);
    } while (Instant.now().isBefore(deadline));
    return Optional.empty();
  }

  /** The whole of messages.log. */
  static List<String> log() {
    try {
      return Files.readAllLines(messagesLog());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The dev area CA, whose key dev-pki left beside the server so tests can mint callers. */
  static TestPki.Ca devArea() {
    return devArea(pkiDir());
  }

  static TestPki.Ca devArea(Path pki) {
    List<X509Certificate> area = MtlsClient.readCertificates(pki.resolve("area-dev.pem"));
    List<X509Certificate> root = MtlsClient.readCertificates(pki.resolve("root.pem"));
    return TestPki.existingCa(
        area.get(0), MtlsClient.readKey(pki.resolve("area-dev.key.pem")), root.get(0));
  }
}
