package io.portcullis.bench;

import io.portcullis.devpki.DevPki;
import io.portcullis.testing.TestPki;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Portcullis beside Liberty's built-in certificate login on the same runtime, the same sample app,
 * keys and TLS settings: two servers, each started fresh in A-B-B-A order, warmed up under load
 * until the rate stops rising, then measured in windows: keep-alive requests/s and server CPU per
 * request with 1, 4 and 16 client threads (one HTTP/1.1 connection each, no cookies), latency p50
 * and p99, and full mTLS handshakes/s (a new connection, one request, closed) with server CPU per
 * handshake. Server CPU comes from /proc; loopback only; every loop is bounded in time.
 *
 * <p>Run by {@code bench/login.sh}. Arguments: wlp directory (with usr:portcullis-1.0 installed),
 * work directory, Liberty's JAVA_HOME, warm-up seconds, window seconds, the sample WAR.
 */
public final class LoginBench {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int PORT = 19643;
  private static final String PATH = "/portcullis-sample/api/orders";
  private static final int[] THREADS = {1, 4, 16};
  private static final String BUILTIN = "built-in CLIENT_CERT login";
  private static final String PORTCULLIS = "usr:portcullis-1.0";
  private static final String DOMAIN = "demo.portcullis.dev";

  /** Distinct client certificates of the memory run ({@code -Dbench.callers}). */
  private static final int CALLERS = Integer.getInteger("bench.callers", 10_000);

  /**
   * Requests the memory run sends from them in all; 0 skips it ({@code -Dbench.callerRequests}).
   */
  private static final long CALLER_REQUESTS = Long.getLong("bench.callerRequests", 1_000_000);

  /** How long the memory run may take at most. */
  private static final Duration MEMORY_RUN_LIMIT = Duration.ofMinutes(15);

  private LoginBench() {}

  public static void main(String[] args) throws Exception {
    Path wlp = Path.of(args[0]).toAbsolutePath();
    Path work = Path.of(args[1]).toAbsolutePath();
    String javaHome = args[2];
    int warmup = Integer.parseInt(args[3]);
    int window = Integer.parseInt(args[4]);
    Path war = Path.of(args[5]).toAbsolutePath();
    Path pki = work.resolve("pki");
    Files.createDirectories(work);
    DevPki devPki = new DevPki(Clock.systemUTC(), RANDOM);
    devPki.generate(pki, DOMAIN, DevPki.demoClients());
    X509Certificate root = TestPki.readCertificates(pki.resolve("root.pem")).get(0);
    SSLContext client = BenchServers.clientContext(pki);
    // Trusted by the handshake, refused by the login: the caller no rule and no user knows.
    SSLContext stranger =
        BenchServers.clientContext(
            TestPki.readCertificates(pki.resolve("clients/stranger.pem")),
            TestPki.readEcPrivateKey(pki.resolve("clients/stranger.key.pem")),
            root);
    // Refused by the handshake: a reader's SPIFFE ID under a root neither server trusts.
    Path outsiderPki = work.resolve("outsider");
    devPki.generate(outsiderPki, DOMAIN, Map.of("reader", "/orders/reader"));
    SSLContext outsider =
        BenchServers.clientContext(
            TestPki.readCertificates(outsiderPki.resolve("clients/reader.pem")),
            TestPki.readEcPrivateKey(outsiderPki.resolve("clients/reader.key.pem")),
            root);
    // Distinct certificates, keys and SPIFFE IDs, all with the reader's CN: the built-in login
    // maps the CN to a registry user, and a registry of 10,000 users keeps Liberty from starting.
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      paths.add("/callers/" + i);
    }
    List<DevPki.Client> callers = devPki.clients(pki, DOMAIN, "reader", paths);
    OpensslBaseline openssl = OpensslBaseline.measure(pki, window);
    System.out.println(openssl.summary());

    Map<String, String> servers = new LinkedHashMap<>();
    servers.put(BUILTIN, "bench-builtin");
    servers.put(PORTCULLIS, "bench-portcullis");
    writeServer(wlp, "bench-builtin", builtinXml(pki), javaHome, war);
    writeServer(wlp, "bench-portcullis", portcullisXml(pki), javaHome, war);

    Map<String, List<Run>> runs = new LinkedHashMap<>();
    for (String mode : List.of(BUILTIN, PORTCULLIS, PORTCULLIS, BUILTIN)) {
      String name = servers.get(mode);
      Path server = wlp.resolve("usr/servers/" + name);
      System.out.println("==> " + mode + ": fresh server " + name);
      profile(server, name + "-" + (runs.values().stream().mapToInt(List::size).sum() + 1));
      Process liberty = BenchServers.start(wlp, name);
      try {
        awaitReady(server);
        awaitFirstAnswer(client);
        long pid = BenchServers.javaPid(liberty);
        Run run = new Run();
        run.warmupCurve = warmUp(client, warmup, pid);
        for (int threads : THREADS) {
          run.keepAlive.put(threads, keepAlive(client, threads, window, pid));
        }
        run.handshakes = handshakes(client, window, pid, Expect.ANSWERED);
        run.resumed = handshakes(client, window, pid, Expect.RESUMED);
        long logs = BenchServers.logBytes(server);
        // A new connection for each: both servers close the connection after a refusal.
        run.refusedRequests = handshakes(stranger, window, pid, Expect.REFUSED_REQUEST);
        run.refusedRequestLogBytes = BenchServers.logBytes(server) - logs;
        logs = BenchServers.logBytes(server);
        run.refusedHandshakes = handshakes(outsider, window, pid, Expect.REFUSED_HANDSHAKE);
        run.refusedHandshakeLogBytes = BenchServers.logBytes(server) - logs;
        List<Run> earlier = runs.computeIfAbsent(mode, m -> new ArrayList<>());
        if (earlier.isEmpty() && CALLER_REQUESTS > 0) {
          // Once per server kind: the first run of each, so both are measured at the same point.
          run.memory = memory(callers, root, javaHome, pid, work.resolve(name + "-histogram.txt"));
        }
        earlier.add(run);
        System.out.println(run.summary());
      } finally {
        stop(wlp, name, liberty);
      }
    }
    System.out.print(report(runs, openssl, javaHome, warmup, window, wlp));
  }

  /** What one fresh server gave. */
  private static final class Run {
    List<Double> warmupCurve = new ArrayList<>();
    final Map<Integer, Window> keepAlive = new LinkedHashMap<>();
    Window handshakes;
    Window resumed;
    Window refusedRequests;
    long refusedRequestLogBytes;
    Window refusedHandshakes;
    long refusedHandshakeLogBytes;
    Memory memory;

    String summary() {
      StringBuilder out = new StringBuilder("    warm-up req/s per 10 s: ");
      warmupCurve.forEach(r -> out.append(String.format(Locale.ROOT, "%.0f ", r)));
      keepAlive.forEach(
          (t, w) ->
              out.append(
                  String.format(
                      Locale.ROOT,
                      "%n    %2d threads: %.0f req/s, %.1f µs CPU/req, p50 %.2f ms, p99 %.2f ms",
                      t,
                      w.rate,
                      w.cpuMicrosPerOp,
                      w.p50Millis,
                      w.p99Millis)));
      out.append(
          String.format(
              Locale.ROOT,
              "%n    handshakes: %.0f/s, %.2f ms CPU each, %d failed; resumed: %.0f/s, %.2f ms CPU"
                  + " each, %d failed",
              handshakes.rate,
              handshakes.cpuMicrosPerOp / 1000,
              handshakes.failed,
              resumed.rate,
              resumed.cpuMicrosPerOp / 1000,
              resumed.failed));
      out.append(
          String.format(
              Locale.ROOT,
              "%n    refused requests: %.0f/s, %.2f ms CPU each, %.0f log bytes per 1000, %d"
                  + " unexpected%n    refused handshakes: %.0f/s, %.2f ms CPU each, %.0f log"
                  + " bytes per 1000, %d unexpected",
              refusedRequests.rate,
              refusedRequests.cpuMicrosPerOp / 1000,
              perThousand(refusedRequestLogBytes, refusedRequests),
              refusedRequests.failed,
              refusedHandshakes.rate,
              refusedHandshakes.cpuMicrosPerOp / 1000,
              perThousand(refusedHandshakeLogBytes, refusedHandshakes),
              refusedHandshakes.failed));
      if (memory != null) {
        out.append("\n    ").append(memory.summary());
      }
      return out.toString();
    }
  }

  /** One measured window. */
  private record Window(
      double rate,
      double cpuMicrosPerOp,
      double p50Millis,
      double p99Millis,
      long failed,
      long count) {}

  private static String builtinXml(Path pki) throws IOException {
    return """
        <server description="built-in certificate login (baseline)">
          %COMMON%
          <keyStore id="trust" location="%PKI%/trust.p12" type="PKCS12" password="%PASSWORD%"/>
          <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" trustStoreRef="trust"
               clientAuthentication="true" sslProtocol="TLSv1.3,TLSv1.2"/>
          <webAppSecurity overrideHttpAuthMethod="CLIENT_CERT" allowFailOverToBasicAuth="false"
                          allowFailOverToFormLogin="false" singleSignonEnabled="false"/>
          <basicRegistry id="basic" realm="BasicRealm" certificateMapMode="PRINCIPAL_CN">
            <user name="reader" password="%USERPASSWORD%"/>
            <group name="reader"><member name="reader"/></group>
          </basicRegistry>
          <webApplication id="portcullis-sample" location="portcullis-sample.war"
                          contextRoot="/portcullis-sample">
            <application-bnd>
              <security-role name="reader"><group name="reader"/></security-role>
            </application-bnd>
          </webApplication>
        </server>
        """
        .replace("%COMMON%", common(pki))
        .replace("%PKI%", pki.toString())
        .replace("%PASSWORD%", BenchServers.passwordOf(pki))
        .replace("%USERPASSWORD%", Long.toHexString(RANDOM.nextLong()));
  }

  private static String portcullisXml(Path pki) throws IOException {
    return """
        <server description="usr:portcullis-1.0">
          <featureManager>
            <feature>usr:portcullis-1.0</feature>
          </featureManager>
          %COMMON%
          <keyStore id="portcullisTrust" type="PortcullisTrust" provider="Portcullis"
                    location="${server.output.dir}/portcullis/trust-areas" password="unused"
                    updateTrigger="mbean"/>
          <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" trustStoreRef="portcullisTrust"
               clientAuthentication="true" sslProtocol="TLSv1.3,TLSv1.2"/>
          <webAppSecurity allowFailOverToBasicAuth="false" allowFailOverToFormLogin="false"
                          singleSignonEnabled="false"/>
          <usr_portcullis realm="portcullis" unmatched="refuse">
            <trustArea name="dev" anchors="%PKI%/root.pem" intermediates="%PKI%/area-dev.pem"/>
            <roleRule name="reader" attribute="uriSan"
                      pattern="spiffe://demo.portcullis.dev/orders/reader" groups="reader"/>
            <roleRule name="callers" attribute="uriSan" match="glob"
                      pattern="spiffe://demo.portcullis.dev/callers/*" groups="reader"/>
          </usr_portcullis>
          <webApplication id="portcullis-sample" location="portcullis-sample.war"
                          contextRoot="/portcullis-sample">
            <application-bnd>
              <security-role name="reader">
                <group name="reader" access-id="group:portcullis/reader"/>
              </security-role>
            </application-bnd>
          </webApplication>
        </server>
        """
        .replace("%COMMON%", common(pki) + trustAssociation())
        .replace("%PKI%", pki.toString());
  }

  /** The trust association settings the shipped {@code mtls.xml} names. */
  private static String trustAssociation() {
    return "  <trustAssociation id=\"portcullis\" invokeForUnprotectedURI=\"false\""
        + " failOverToAppAuthType=\"false\"/>\n";
  }

  /**
   * What both servers share: the application's features (Liberty merges feature managers), the
   * server key, the port, keep-alive without a request limit.
   */
  private static String common(Path pki) throws IOException {
    return """
          <featureManager>
            <feature>restfulWS-3.1</feature>
            <feature>jsonp-2.1</feature>
            <feature>appSecurity-5.0</feature>
            <feature>transportSecurity-1.0</feature>
          </featureManager>
          <keyStore id="defaultKeyStore" location="%PKI%/server.p12" type="PKCS12"
                    password="%PASSWORD%"/>
          <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="-1" httpsPort="%PORT%">
            <httpOptions maxKeepAliveRequests="-1"/>
          </httpEndpoint>
          <applicationManager autoExpand="true"/>
        """
        .replace("%PKI%", pki.toString())
        .replace("%PASSWORD%", BenchServers.passwordOf(pki))
        .replace("%PORT%", Integer.toString(PORT));
  }

  private static void writeServer(Path wlp, String name, String xml, String javaHome, Path war)
      throws IOException {
    Path server = wlp.resolve("usr/servers/" + name);
    if (!Files.isDirectory(server)) {
      BenchServers.run(wlp, "create", name);
    }
    Files.writeString(server.resolve("server.xml"), xml);
    Files.writeString(server.resolve("server.env"), "JAVA_HOME=" + javaHome + "\n");
    Files.createDirectories(server.resolve("apps"));
    Files.copy(
        war, server.resolve("apps/portcullis-sample.war"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * With {@code -Dbench.jfr=DIR}, a Flight Recorder profile of the next run's whole life, {@code
   * DIR/RUN.jfr}, for docs/performance.md.
   */
  private static void profile(Path server, String run) throws IOException {
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null) {
      Files.createDirectories(Path.of(jfr));
      Files.writeString(
          server.resolve("jvm.options"),
          "-XX:StartFlightRecording=settings=profile,filename="
              + Path.of(jfr).toAbsolutePath().resolve(run + ".jfr")
              + "\n");
    }
  }

  private static void stop(Path wlp, String name, Process liberty) throws InterruptedException {
    BenchServers.run(wlp, "stop", name);
    if (!liberty.waitFor(60, TimeUnit.SECONDS)) {
      liberty.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      liberty.destroyForcibly();
    }
  }

  /** Waits for the application and the TLS port. */
  private static void awaitReady(Path server) throws Exception {
    Path log = server.resolve("logs/messages.log");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(log)) {
        String text = Files.readString(log, StandardCharsets.ISO_8859_1);
        if (text.contains("CWWKZ0001I") && text.contains("CWWKO0219I") && text.contains("-ssl")) {
          return;
        }
        if (text.contains("CWWKZ0002E") || text.contains("CWWKF0001E")) {
          throw new IllegalStateException("the server did not start its app; see " + log);
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the server did not open its TLS port; see " + log);
  }

  /**
   * Until one request is answered 200 (at most a minute): the TLS port opens before the feature has
   * published its trust areas, and a warm-up must not start on refused handshakes.
   */
  private static void awaitFirstAnswer(SSLContext client) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      try (SSLSocket socket = connect(client)) {
        int status =
            request(socket.getOutputStream(), new BufferedInputStream(socket.getInputStream()));
        if (status == 200) {
          return;
        }
        last = "HTTP " + status;
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the server never answered 200: " + last);
  }

  /**
   * Keep-alive load with 4 threads for {@code seconds}, then on until the rate of a 10 s window
   * rises by less than 2% over the one before (at most as long again): the curve, per window.
   */
  private static List<Double> warmUp(SSLContext client, int seconds, long pid) throws Exception {
    List<Double> curve = new ArrayList<>();
    int windows = Math.max(1, seconds / 10);
    for (int i = 0; i < 2 * windows; i++) {
      curve.add(keepAlive(client, 4, 10, pid).rate);
      int n = curve.size();
      if (n >= windows && n >= 2 && curve.get(n - 1) < curve.get(n - 2) * 1.02) {
        break;
      }
    }
    return curve;
  }

  /** {@code threads} clients, one kept-alive connection each, for {@code seconds}. */
  private static Window keepAlive(SSLContext client, int threads, int seconds, long pid)
      throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    long[] failures = new long[threads];
    Thread[] workers = new Thread[threads];
    long cpuBefore = BenchServers.cpuMillis(pid);
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int index = t;
      workers[t] =
          new Thread(
              () -> {
                long[] own = new long[1 << 16];
                int n = 0;
                while (!done.get()) {
                  try (SSLSocket socket = connect(client)) {
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    while (!done.get()) {
                      long begin = System.nanoTime();
                      if (request(out, in) != 200) {
                        failures[index]++;
                      }
                      if (n == own.length) {
                        own = Arrays.copyOf(own, n * 2);
                      }
                      own[n++] = System.nanoTime() - begin;
                    }
                  } catch (IOException e) {
                    failures[index]++;
                  }
                }
                latencies[index] = own;
                counts[index] = n;
              });
      workers[t].start();
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    done.set(true);
    for (Thread worker : workers) {
      worker.join(30_000);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = BenchServers.cpuMillis(pid) - cpuBefore;
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    return new Window(
        total / elapsed,
        total == 0 ? Double.NaN : cpu * 1000.0 / total,
        percentile(all, 0.50),
        percentile(all, 0.99),
        Arrays.stream(failures).sum(),
        total);
  }

  /** What each new connection of a handshake window is expected to end in. */
  private enum Expect {
    /** A full handshake and a 200. */
    ANSWERED,
    /** As {@link #ANSWERED}, the client offering to resume its last TLS session. */
    RESUMED,
    /** A full handshake, then the request refused (401 or 403): a trusted caller not let in. */
    REFUSED_REQUEST,
    /** No handshake: the server does not trust the client's certificate. */
    REFUSED_HANDSHAKE
  }

  /**
   * Sequential new connections: full handshake, one request, close; anything else than {@code
   * expect} counts as a failure.
   */
  private static Window handshakes(SSLContext client, int seconds, long pid, Expect expect)
      throws Exception {
    long cpuBefore = BenchServers.cpuMillis(pid);
    long count = 0;
    long failed = 0;
    long[] latencies = new long[1 << 14];
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      long begin = System.nanoTime();
      try (SSLSocket socket = connect(client)) {
        int status =
            request(socket.getOutputStream(), new BufferedInputStream(socket.getInputStream()));
        boolean expected =
            switch (expect) {
              case ANSWERED, RESUMED -> status == 200;
              case REFUSED_REQUEST -> status == 401 || status == 403;
              case REFUSED_HANDSHAKE -> false;
            };
        if (!expected) {
          failed++;
        }
        if (expect != Expect.RESUMED) {
          socket.getSession().invalidate(); // no resumption: every connection is a full handshake
        }
      } catch (IOException e) {
        if (expect != Expect.REFUSED_HANDSHAKE) {
          failed++;
        }
      }
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, latencies.length * 2);
      }
      latencies[(int) count++] = System.nanoTime() - begin;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = BenchServers.cpuMillis(pid) - cpuBefore;
    long[] sorted = Arrays.copyOf(latencies, (int) count);
    Arrays.sort(sorted);
    return new Window(
        count / elapsed,
        count == 0 ? Double.NaN : cpu * 1000.0 / count,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        failed,
        count);
  }

  private static double perThousand(long bytes, Window window) {
    return window.count() == 0 ? Double.NaN : bytes * 1000.0 / window.count();
  }

  /** The server's heap before and after many distinct callers. */
  private record Memory(
      long heapBeforeKib, long heapAfterKib, long answered, long failed, double seconds) {
    String summary() {
      return String.format(
          Locale.ROOT,
          "memory: heap after full GC %.1f MiB before, %.1f MiB after %d requests (%d failed)"
              + " from %d callers in %.0f s",
          heapBeforeKib / 1024.0,
          heapAfterKib / 1024.0,
          answered,
          failed,
          CALLERS,
          seconds);
    }
  }

  /**
   * Sends {@link #CALLER_REQUESTS} requests from {@link #CALLERS} distinct certificates, each on a
   * connection of its own, and measures the heap the server keeps after a full collection before
   * and after: every cache and memo on the path must stay bounded.
   */
  private static Memory memory(
      List<DevPki.Client> callers, X509Certificate root, String javaHome, long pid, Path histogram)
      throws Exception {
    long before = BenchServers.heapAfterFullGcKib(javaHome, pid);
    long perCaller = Math.max(1, CALLER_REQUESTS / callers.size());
    AtomicInteger next = new AtomicInteger();
    AtomicLong answered = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long deadline = System.nanoTime() + MEMORY_RUN_LIMIT.toNanos();
    long start = System.nanoTime();
    Thread[] workers = new Thread[8];
    for (int t = 0; t < workers.length; t++) {
      workers[t] =
          new Thread(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < callers.size()
                    && System.nanoTime() < deadline) {
                  DevPki.Client caller = callers.get(i);
                  try (SSLSocket socket =
                      connect(
                          BenchServers.clientContext(
                              List.of(caller.certificate(), caller.area()), caller.key(), root))) {
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    for (long n = 0; n < perCaller; n++) {
                      (request(out, in) == 200 ? answered : failed).incrementAndGet();
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              });
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join(MEMORY_RUN_LIMIT.toMillis() + 60_000);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long after = BenchServers.heapAfterFullGcKib(javaHome, pid);
    // What holds the heap, for the note: the largest classes after the run.
    Files.writeString(histogram, BenchServers.histogram(javaHome, pid, 40));
    return new Memory(before, after, answered.get(), failed.get(), seconds);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }

  private static SSLSocket connect(SSLContext client) throws IOException {
    SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    socket.connect(new InetSocketAddress("127.0.0.1", PORT), 10_000);
    socket.startHandshake();
    return socket;
  }

  private static final byte[] REQUEST =
      ("GET " + PATH + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  /** Sends one GET and reads the whole response; its status. Never sends a cookie. */
  private static int request(OutputStream out, InputStream in) throws IOException {
    out.write(REQUEST);
    out.flush();
    String status = line(in);
    if (status == null) {
      throw new IOException("the server closed the connection");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = -1;
    boolean chunked = false;
    String header;
    while ((header = line(in)) != null && !header.isEmpty()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      long size;
      while ((size = Long.parseLong(line(in).split(";")[0].trim(), 16)) > 0) {
        skip(in, size);
        line(in);
      }
      line(in);
    } else if (length > 0) {
      skip(in, length);
    }
    return code;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int last = line.length() - 1;
        return last >= 0 && line.charAt(last) == '\r' ? line.substring(0, last) : line.toString();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }

  private static void skip(InputStream in, long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() == -1) {
          throw new IOException("the response ended early");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private static String report(
      Map<String, List<Run>> runs,
      OpensslBaseline openssl,
      String javaHome,
      int warmup,
      int window,
      Path wlp)
      throws IOException {
    StringBuilder out = new StringBuilder();
    String liberty =
        Files.readString(wlp.resolve("lib/versions/openliberty.properties"))
            .lines()
            .filter(l -> l.startsWith("com.ibm.websphere.productVersion"))
            .map(l -> l.substring(l.indexOf('=') + 1))
            .findFirst()
            .orElse("?");
    out.append(
        String.format(
            Locale.ROOT,
            "%n## Portcullis beside the built-in certificate login (issue 40, %s)%n%n"
                + "`bench/login.sh`: Open Liberty %s on %s (server), client JDK %s, %d cores;"
                + " fresh servers in A-B-B-A order, warm-up at least %d s under 4 keep-alive"
                + " threads, then %d s windows. GET %s (`@RolesAllowed(\"reader\")`), no"
                + " cookies, `maxKeepAliveRequests=\"-1\"` and single sign-on off on both.%n%n",
            LocalDate.now(Clock.systemUTC()),
            liberty,
            javaHome,
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(),
            warmup,
            window,
            PATH));
    for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
      out.append("Warm-up curves, ").append(entry.getKey()).append(" (req/s per 10 s): ");
      for (Run run : entry.getValue()) {
        out.append('[');
        run.warmupCurve.forEach(r -> out.append(String.format(Locale.ROOT, "%.0f ", r)));
        out.setLength(out.length() - 1);
        out.append("] ");
      }
      out.append("\n\n");
    }
    out.append(
        "| figure | built-in (two runs) | Portcullis (two runs) | Portcullis ÷ built-in |\n");
    out.append("|---|---|---|---|\n");
    List<Run> a = runs.get(BUILTIN);
    List<Run> b = runs.get(PORTCULLIS);
    for (int threads : THREADS) {
      row(
          out,
          "keep-alive req/s, " + threads + " threads",
          a,
          b,
          r -> r.keepAlive.get(threads).rate);
      row(
          out,
          "server CPU µs/request, " + threads + " threads",
          a,
          b,
          r -> r.keepAlive.get(threads).cpuMicrosPerOp);
      row(out, "p50 ms, " + threads + " threads", a, b, r -> r.keepAlive.get(threads).p50Millis);
      row(out, "p99 ms, " + threads + " threads", a, b, r -> r.keepAlive.get(threads).p99Millis);
    }
    row(out, "full handshakes/s (new connection + request)", a, b, r -> r.handshakes.rate);
    row(out, "server CPU ms/handshake", a, b, r -> r.handshakes.cpuMicrosPerOp / 1000);
    row(out, "handshake p50 ms", a, b, r -> r.handshakes.p50Millis);
    row(out, "handshake p99 ms", a, b, r -> r.handshakes.p99Millis);
    row(out, "TLS 1.3 resumed connections/s (+ request)", a, b, r -> r.resumed.rate);
    row(out, "server CPU ms/resumed connection", a, b, r -> r.resumed.cpuMicrosPerOp / 1000);
    row(
        out,
        "refused requests/s (trusted certificate, no user or rule)",
        a,
        b,
        r -> r.refusedRequests.rate);
    row(
        out,
        "server CPU ms/refused request (new connection each)",
        a,
        b,
        r -> r.refusedRequests.cpuMicrosPerOp / 1000);
    row(
        out,
        "log + FFDC bytes per 1000 refused requests",
        a,
        b,
        r -> perThousand(r.refusedRequestLogBytes, r.refusedRequests));
    row(
        out,
        "refused handshakes/s (certificate under an unknown root)",
        a,
        b,
        r -> r.refusedHandshakes.rate);
    row(
        out,
        "server CPU ms/refused handshake",
        a,
        b,
        r -> r.refusedHandshakes.cpuMicrosPerOp / 1000);
    row(
        out,
        "log + FFDC bytes per 1000 refused handshakes",
        a,
        b,
        r -> perThousand(r.refusedHandshakeLogBytes, r.refusedHandshakes));
    long failed = 0;
    for (List<Run> list : runs.values()) {
      for (Run run : list) {
        failed +=
            run.handshakes.failed
                + run.resumed.failed
                + run.refusedRequests.failed
                + run.refusedHandshakes.failed;
        for (Window w : run.keepAlive.values()) {
          failed += w.failed;
        }
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nFailed requests in all windows (an answer other than the one expected): %d.%n",
            failed));
    out.append(
        openssl.report(
            a.stream().mapToDouble(r -> r.handshakes.rate).average().orElse(0),
            b.stream().mapToDouble(r -> r.handshakes.rate).average().orElse(0)));
    out.append(
        String.format(
            Locale.ROOT,
            "%nMemory, the first run of each server (heap after a full collection, jcmd):%n%n"
                + "| server | after warm-up and the windows | after %d requests from %d client"
                + " certificates | requests failed | seconds |%n|---|---|---|---|---|%n",
            CALLER_REQUESTS,
            CALLERS));
    for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
      Memory memory = entry.getValue().get(0).memory;
      if (memory != null) {
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %.1f MiB | %.1f MiB | %d | %.0f |%n",
                entry.getKey(),
                memory.heapBeforeKib() / 1024.0,
                memory.heapAfterKib() / 1024.0,
                memory.failed(),
                memory.seconds()));
      }
    }
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      String figure,
      List<Run> a,
      List<Run> b,
      java.util.function.ToDoubleFunction<Run> value) {
    double[] as = a.stream().mapToDouble(value).toArray();
    double[] bs = b.stream().mapToDouble(value).toArray();
    double meanA = Arrays.stream(as).average().orElse(Double.NaN);
    double meanB = Arrays.stream(bs).average().orElse(Double.NaN);
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %s |%n",
            figure,
            values(as),
            values(bs),
            meanA == 0 ? "-" : String.format(Locale.ROOT, "**%.2f**", meanB / meanA)));
  }

  private static String values(double[] values) {
    StringBuilder text = new StringBuilder();
    for (double v : values) {
      text.append(text.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v));
    }
    return text.toString();
  }
}
