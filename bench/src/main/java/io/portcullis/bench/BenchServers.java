package io.portcullis.bench;

import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
    List<X509Certificate> chain = TestPki.readCertificates(pki.resolve("clients/reader.pem"));
    PrivateKey privateKey = TestPki.readEcPrivateKey(pki.resolve("clients/reader.key.pem"));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("reader", privateKey, new char[0], chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", TestPki.readCertificates(pki.resolve("root.pem")).get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  /** utime + stime of the process in ms, from /proc (clock ticks of 10 ms on Linux). */
  static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
  }
}
