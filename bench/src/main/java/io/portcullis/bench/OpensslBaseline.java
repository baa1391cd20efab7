package io.portcullis.bench;

import io.portcullis.ca.Pem;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The limit of this machine for the same work, from OpenSSL in the same run: {@code openssl speed}
 * for P-256 signatures and ECDH, and {@code s_server} with {@code s_time -new} for full mTLS
 * handshakes with the same server key, client certificate and TLS version, one request each.
 *
 * @param speed the P-256 lines of {@code openssl speed}
 * @param handshakesPerSecond full handshakes per second {@code s_time} measured (wall clock)
 * @param serverCpuMillisPerHandshake {@code s_server}'s CPU per handshake
 */
record OpensslBaseline(
    List<String> speed, double handshakesPerSecond, double serverCpuMillisPerHandshake) {
  private static final int PORT = 19644;

  static OpensslBaseline measure(Path pki, int seconds) throws Exception {
    Path dir = Files.createDirectories(pki.resolveSibling("openssl"));
    KeyStore store = KeyStore.getInstance("PKCS12");
    char[] password = BenchServers.passwordOf(pki).toCharArray();
    try (var in = Files.newInputStream(pki.resolve("server.p12"))) {
      store.load(in, password);
    }
    Key key = store.getKey("server", password);
    Path keyFile = dir.resolve("server.key.pem");
    Files.writeString(
        Files.createFile(
            keyFile,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
        Pem.encode(key));
    Files.writeString(dir.resolve("server.pem"), Pem.encode(store.getCertificate("server")));
    Files.writeString(dir.resolve("chain.pem"), Files.readString(pki.resolve("area-dev.pem")));
    // The server verifies the client up to the root; the client sends its leaf only.
    Files.writeString(
        dir.resolve("client-cas.pem"),
        Files.readString(pki.resolve("root.pem")) + Files.readString(pki.resolve("area-dev.pem")));
    Path clientCert = dir.resolve("reader.pem");
    Files.writeString(
        clientCert, Pem.encode(TestPki.readCertificates(pki.resolve("clients/reader.pem")).get(0)));

    List<String> speed = new ArrayList<>();
    for (String line :
        run(dir, 120, "openssl", "speed", "-seconds", "3", "ecdsap256", "ecdhp256").split("\n")) {
      if (line.contains("nistp256")) {
        speed.add(line.strip().replaceAll("\\s+", " "));
      }
    }

    Process server =
        new ProcessBuilder(
                "openssl",
                "s_server",
                "-accept",
                "127.0.0.1:" + PORT,
                "-cert",
                dir.resolve("server.pem").toString(),
                "-key",
                keyFile.toString(),
                "-cert_chain",
                dir.resolve("chain.pem").toString(),
                "-CAfile",
                dir.resolve("client-cas.pem").toString(),
                "-Verify",
                "3",
                "-tls1_3",
                "-www",
                "-quiet")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s_server.log").toFile())
            .start();
    try {
      awaitPort();
      long cpuBefore = BenchServers.cpuMillis(server.pid());
      long start = System.nanoTime();
      String out =
          run(
              dir,
              seconds + 60L,
              "openssl",
              "s_time",
              "-connect",
              "127.0.0.1:" + PORT,
              "-new",
              "-time",
              Integer.toString(seconds),
              "-cert",
              clientCert.toString(),
              "-key",
              pki.resolve("clients/reader.key.pem").toString(),
              "-CAfile",
              pki.resolve("root.pem").toString(),
              "-www",
              "/");
      double elapsed = (System.nanoTime() - start) / 1e9;
      long cpu = BenchServers.cpuMillis(server.pid()) - cpuBefore;
      Matcher connections = Pattern.compile("(\\d+) connections in").matcher(out);
      if (!connections.find()) {
        throw new IOException("s_time gave no count: " + out);
      }
      long count = Long.parseLong(connections.group(1));
      return new OpensslBaseline(
          speed, count / elapsed, count == 0 ? Double.NaN : (double) cpu / count);
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitPort() throws Exception {
    for (int i = 0; i < 100; i++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", PORT), 1000);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException("openssl s_server did not open port " + PORT);
  }

  private static String run(Path dir, long timeoutSeconds, String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  String summary() {
    return String.format(
        Locale.ROOT,
        "openssl s_time -new: %.0f handshakes/s, s_server %.2f ms CPU each; speed: %s",
        handshakesPerSecond,
        serverCpuMillisPerHandshake,
        String.join("; ", speed));
  }

  /** The Markdown section: the limit, and each server's handshake rate as a fraction of it. */
  String report(double builtinHandshakes, double portcullisHandshakes) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%nThe limit on this machine in the same run (%s):%n%n"
                + "- `openssl s_server` + `s_time -new`, the same server key, client certificate"
                + " and TLS 1.3, one request per connection: **%.0f full handshakes/s**, %.2f ms"
                + " of s_server CPU each. The built-in login reaches %.2f of it, Portcullis"
                + " %.2f.%n",
            version(),
            handshakesPerSecond,
            serverCpuMillisPerHandshake,
            builtinHandshakes / handshakesPerSecond,
            portcullisHandshakes / handshakesPerSecond));
    out.append("- `openssl speed -seconds 3 ecdsap256 ecdhp256`:\n");
    speed.forEach(line -> out.append("  `").append(line).append("`\n"));
    return out.toString();
  }

  private static String version() {
    try {
      return run(Path.of("."), 30, "openssl", "version").strip();
    } catch (Exception e) {
      return "openssl";
    }
  }
}
