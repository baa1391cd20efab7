package io.portcullis.bench;

import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * What the benchmarks on a real Liberty server share: starting and stopping it, its JVM's CPU time,
 * and a TLS client holding the dev PKI's reader certificate.
 */
final class BenchServers {
  private BenchServers() {}

  static String passwordOf(Path pki) throws IOException {
    String xml = Files.readString(pki.resolve("dev-pki.xml"));
    int start = xml.indexOf("value=\"") + 7;
    return xml.substring(start, xml.indexOf('"', start));
  }

  static Process start(Path wlp, String name) throws IOException {
    return new ProcessBuilder(wlp.resolve("bin/server").toString(), "run", name, "--clean")
        .redirectErrorStream(true)
        .redirectOutput(wlp.resolve("usr/servers/" + name + ".console.log").toFile())
        .start();
  }

  static void run(Path wlp, String action, String name) {
    try {
      new ProcessBuilder(wlp.resolve("bin/server").toString(), action, name)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(120, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run server " + action + " " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static long javaPid(Process liberty) {
    return liberty
        .toHandle()
        .descendants()
        .filter(p -> p.info().commandLine().orElse("").contains("ws-server"))
        .mapToLong(ProcessHandle::pid)
        .findFirst()
        .orElse(liberty.pid());
  }

  static SSLContext clientContext(Path pki) throws Exception {
    return clientContext(
        TestPki.readCertificates(pki.resolve("clients/reader.pem")),
        TestPki.readEcPrivateKey(pki.resolve("clients/reader.key.pem")),
        TestPki.readCertificates(pki.resolve("root.pem")).get(0));
  }

  /** A TLS 1.3 client presenting {@code chain} and trusting {@code root}. */
  static SSLContext clientContext(List<X509Certificate> chain, PrivateKey key, X509Certificate root)
      throws Exception {
    X509Certificate[] presented = chain.toArray(new X509Certificate[0]);
    // One fixed identity: a key manager over a PKCS#12 store would encrypt the key for every one
    // of the thousands of callers the memory run makes.
    X509ExtendedKeyManager keys =
        new X509ExtendedKeyManager() {
          @Override
          public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
            return "caller";
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return presented.clone();
          }

          @Override
          public PrivateKey getPrivateKey(String alias) {
            return key;
          }

          @Override
          public String[] getClientAliases(String type, Principal[] issuers) {
            return new String[] {"caller"};
          }

          @Override
          public String[] getServerAliases(String type, Principal[] issuers) {
            return new String[0];
          }

          @Override
          public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
            return null;
          }
        };
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", root);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(new KeyManager[] {keys}, tmf.getTrustManagers(), null);
    return context;
  }

  /**
   * The heap the server's JVM holds after a full collection, in KiB, asked of it with {@code jcmd}
   * from its own JDK.
   */
  static long heapAfterFullGcKib(String javaHome, long pid) throws IOException {
    String jcmd = Path.of(javaHome, "bin", "jcmd").toString();
    jcmd(jcmd, pid, "GC.run");
    String info = jcmd(jcmd, pid, "GC.heap_info");
    java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
    if (!used.find()) {
      throw new IOException("no heap figure in: " + info);
    }
    return Long.parseLong(used.group(1));
  }

  /** The first {@code lines} lines of the server's class histogram (live objects, by size). */
  static String histogram(String javaHome, long pid, int lines) throws IOException {
    String out = jcmd(Path.of(javaHome, "bin", "jcmd").toString(), pid, "GC.class_histogram");
    return String.join("\n", out.lines().limit(lines).toList()) + "\n";
  }

  private static String jcmd(String jcmd, long pid, String command) throws IOException {
    Process process =
        new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("jcmd " + command + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }

  /** Bytes in the server's logs directory, FFDC included. */
  static long logBytes(Path server) throws IOException {
    Path logs = server.resolve("logs");
    if (!Files.isDirectory(logs)) {
      return 0;
    }
    try (var files = Files.walk(logs)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** utime + stime of the process in ms, from /proc (clock ticks of 10 ms on Linux). */
  static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
  }
}
