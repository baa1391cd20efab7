package io.portcullis.bench;

import io.portcullis.devpki.DevPki;
import io.portcullis.keys.Csr;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.TokenKeys;
import io.portcullis.keys.testing.SoftHsm;
import io.portcullis.keys.testing.SwTpm;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Full mTLS handshakes per second against a real Liberty server whose HTTPS endpoints take their
 * key from a PKCS#12 file, a SoftHSM2 token and a software TPM (swtpm through tpm2-pkcs11), all in
 * one server and one run, measured in A-B-C-C-B-A order after a warm-up. Also the server's CPU time
 * per handshake, read from /proc (steadier than wall clock on a shared machine).
 *
 * <p>Run by {@code bench/handshakes.sh}, which sets the token environment variables this JVM and
 * the server need. Arguments: wlp directory, work directory, Liberty's JAVA_HOME, warm-up seconds,
 * window seconds.
 */
public final class LibertyHandshakeBench {
  private static final String SERVER = "portcullis-bench";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<String, Integer> PORTS = new LinkedHashMap<>();

  static {
    PORTS.put("PKCS#12 file", 19543);
    PORTS.put("SoftHSM2", 19544);
    PORTS.put("swtpm", 19545);
  }

  private LibertyHandshakeBench() {}

  public static void main(String[] args) throws Exception {
    Path wlp = Path.of(args[0]).toAbsolutePath();
    Path work = Path.of(args[1]).toAbsolutePath();
    String javaHome = args[2];
    int warmup = Integer.parseInt(args[3]);
    int window = Integer.parseInt(args[4]);
    Path server = wlp.resolve("usr/servers/" + SERVER);
    Path pki = server.resolve("resources/security");
    Files.createDirectories(work);

    byte[] pinBytes = new byte[8];
    RANDOM.nextBytes(pinBytes);
    String pin = HexFormat.of().formatHex(pinBytes);
    new DevPki(Clock.systemUTC(), RANDOM)
        .generate(pki, "demo.portcullis.dev", DevPki.demoClients());
    TestPki.Ca area = area(pki);

    SoftHsm hsm = SoftHsm.start(Path.of(System.getenv("SOFTHSM2_CONF")));
    hsm.initToken("bench", pin);
    issueInToken(hsm.keySource("bench", pin, "server"), area);

    Path tpmStore = Path.of(System.getenv("TPM2_PKCS11_STORE"));
    Path bus = Path.of(System.getenv("DBUS_SESSION_BUS_ADDRESS").substring("unix:path=".length()));
    try (SwTpm tpm = SwTpm.start(work.resolve("tpm"), tpmStore, bus)) {
      tpm.addToken("bench", pin);
      issueInToken(tpm.keySource("bench", pin, "server"), area);
      writeServer(wlp, server, pki, javaHome, pin);
      BenchServers.run(wlp, "create", SERVER);
      Process liberty = BenchServers.start(wlp, SERVER);
      try {
        awaitReady(server);
        long pid = BenchServers.javaPid(liberty);
        SSLContext client = BenchServers.clientContext(pki);
        for (int port : PORTS.values()) {
          measure(client, port, warmup, pid);
        }
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(PORTS.keySet());
        List<String> abccba = new ArrayList<>(order);
        for (int i = order.size() - 1; i >= 0; i--) {
          abccba.add(order.get(i));
        }
        for (String name : abccba) {
          results
              .computeIfAbsent(name, n -> new ArrayList<>())
              .add(measure(client, PORTS.get(name), window, pid));
        }
        report(results, javaHome, warmup, window);
      } finally {
        BenchServers.run(wlp, "stop", SERVER);
        if (!liberty.waitFor(60, TimeUnit.SECONDS)) {
          liberty.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
          liberty.destroyForcibly();
        }
      }
    }
  }

  private static void issueInToken(Map<String, String> source, TestPki.Ca area) throws Exception {
    TokenKeys token = TokenKeys.open(KeySourceConfig.fromMap(source));
    token.generate("server", KeyType.P256);
    Csr csr = token.csr("server", "CN=localhost", List.of("localhost"), List.of());
    X509Certificate certificate =
        area.issue(
                "CN=localhost",
                new KeyPair(new JcaPKCS10CertificationRequest(csr.request()).getPublicKey(), null))
            .dnsSan("localhost")
            .ipSan("127.0.0.1")
            .serverAuth()
            .build();
    token.storeCertificate("server", List.of(certificate, area.certificate()));
  }

  private static void writeServer(Path wlp, Path server, Path pki, String javaHome, String pin)
      throws IOException {
    String password = BenchServers.passwordOf(pki);
    Path hsmConfig = server.resolve("pkcs11-softhsm.cfg");
    Files.writeString(
        hsmConfig, "name = bench-softhsm\nlibrary = " + SoftHsm.LIBRARY + "\nslotListIndex = 0\n");
    Path tpmConfig = server.resolve("pkcs11-tpm.cfg");
    Files.writeString(
        tpmConfig, "name = bench-tpm\nlibrary = " + SwTpm.LIBRARY + "\nslotListIndex = 0\n");
    int slot = 1;
    while (Security.getProperty("security.provider." + slot) != null) {
      slot++;
    }
    Path providers = server.resolve("java.security.bench");
    Files.writeString(
        providers,
        "security.provider."
            + slot
            + "=SunPKCS11 "
            + hsmConfig
            + "\n"
            + "security.provider."
            + (slot + 1)
            + "=SunPKCS11 "
            + tpmConfig
            + "\n");
    Files.writeString(
        server.resolve("jvm.options"), "-Djava.security.properties=" + providers + "\n");
    StringBuilder env = new StringBuilder();
    for (String name :
        List.of(
            "SOFTHSM2_CONF", "TPM2_PKCS11_STORE", "TPM2_PKCS11_TCTI", "DBUS_SESSION_BUS_ADDRESS")) {
      env.append(name).append('=').append(System.getenv(name)).append('\n');
    }
    env.append("JAVA_HOME=").append(javaHome).append('\n');
    env.append("BENCH_PIN=").append(pin).append('\n');
    Files.writeString(server.resolve("server.env"), env.toString());
    String security = pki.toString();
    Files.writeString(
        server.resolve("server.xml"),
        """
        <server description="Portcullis handshake benchmark">
          <featureManager>
            <feature>transportSecurity-1.0</feature>
            <feature>servlet-6.0</feature>
          </featureManager>
          <keyStore id="trust" location="%1$s/trust.p12" type="PKCS12" password="%2$s"/>
          <keyStore id="file" location="%1$s/server.p12" type="PKCS12" password="%2$s"/>
          <keyStore id="softhsm" type="PKCS11" fileBased="false" location="%3$s"
                    provider="SunPKCS11-bench-softhsm" password="${env.BENCH_PIN}"/>
          <keyStore id="tpm" type="PKCS11" fileBased="false" location="%4$s"
                    provider="SunPKCS11-bench-tpm" password="${env.BENCH_PIN}"/>
          <ssl id="defaultSSLConfig" keyStoreRef="file" trustStoreRef="trust" clientAuthentication="true"/>
          <ssl id="softhsmSSL" keyStoreRef="softhsm" trustStoreRef="trust" clientAuthentication="true"/>
          <ssl id="tpmSSL" keyStoreRef="tpm" trustStoreRef="trust" clientAuthentication="true"/>
          <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="-1" httpsPort="19543"/>
          <httpEndpoint id="softhsmEndpoint" host="127.0.0.1" httpPort="-1" httpsPort="19544">
            <sslOptions sslRef="softhsmSSL"/>
          </httpEndpoint>
          <httpEndpoint id="tpmEndpoint" host="127.0.0.1" httpPort="-1" httpsPort="19545">
            <sslOptions sslRef="tpmSSL"/>
          </httpEndpoint>
        </server>
        """
            .replace("%1$s", security)
            .replace("%2$s", password)
            .replace("%3$s", hsmConfig.toString())
            .replace("%4$s", tpmConfig.toString()));
  }

  /** Waits for the three TLS listeners. */
  private static void awaitReady(Path server) throws Exception {
    Path log = server.resolve("logs/messages.log");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(log)) {
        String text = Files.readString(log, StandardCharsets.ISO_8859_1);
        long listening =
            text.lines().filter(l -> l.contains("CWWKO0219I") && l.contains("-ssl")).count();
        if (listening >= 3 || (text.contains("CWWKO0219I") && countSsl(text) >= 3)) {
          return;
        }
        if (text.contains("CWPKI0814E") || text.contains("CWPKI0809W")) {
          throw new IllegalStateException("a keystore did not load; see " + log);
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("Liberty did not open its three TLS ports; see " + log);
  }

  private static long countSsl(String text) {
    return PORTS.values().stream().filter(p -> text.contains("port " + p + ".")).count();
  }

  /**
   * Sequential full handshakes for {@code seconds}: {handshakes/s, server CPU ms per handshake}.
   */
  private static double[] measure(SSLContext client, int port, int seconds, long pid)
      throws Exception {
    long cpuBefore = BenchServers.cpuMillis(pid);
    long count = 0;
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket()) {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.startHandshake();
        // No resumption: every connection pays for a full handshake with the server key.
        socket.getSession().invalidate();
        count++;
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = BenchServers.cpuMillis(pid) - cpuBefore;
    return new double[] {count / elapsed, count == 0 ? Double.NaN : (double) cpu / count};
  }

  private static void report(
      Map<String, List<double[]>> results, String javaHome, int warmup, int window) {
    double base = mean(results.get("PKCS#12 file"), 0);
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Liberty JDK: %s; client JDK: %s; warm-up %d s per endpoint; windows %d s, A-B-C-C-B-A%n%n",
            javaHome,
            System.getProperty("java.version"),
            warmup,
            window));
    out.append(
        "| server key | handshakes/s (windows) | mean | vs file | server CPU ms/handshake |\n");
    out.append("|---|---|---|---|---|\n");
    for (Map.Entry<String, List<double[]>> entry : results.entrySet()) {
      StringBuilder windows = new StringBuilder();
      for (double[] w : entry.getValue()) {
        windows
            .append(windows.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%.0f", w[0]));
      }
      double mean = mean(entry.getValue(), 0);
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.0f | %.2f | %.2f |%n",
              entry.getKey(),
              windows,
              mean,
              mean / base,
              mean(entry.getValue(), 1)));
    }
    System.out.print(out);
  }

  private static double mean(List<double[]> values, int index) {
    return values.stream().mapToDouble(v -> v[index]).average().orElse(Double.NaN);
  }

  private static TestPki.Ca area(Path pki) {
    return TestPki.existingCa(
        TestPki.readCertificates(pki.resolve("area-dev.pem")).get(0),
        TestPki.readEcPrivateKey(pki.resolve("area-dev.key.pem")),
        TestPki.readCertificates(pki.resolve("root.pem")).get(0));
  }
}
