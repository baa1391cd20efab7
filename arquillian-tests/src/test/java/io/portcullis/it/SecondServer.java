package io.portcullis.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Another real Liberty server in the same runtime as the Arquillian-managed one (so with the
 * Portcullis feature installed), with its own server.xml and server.env, started and stopped with
 * Liberty's own {@code server} script: for what must be seen from a server's start.
 */
final class SecondServer implements AutoCloseable {
  private final Path wlp;
  private final String name;
  private final Path dir;
  private boolean started;

  private SecondServer(Path wlp, String name) {
    this.wlp = wlp;
    this.name = name;
    this.dir = wlp.resolve("usr/servers/" + name);
  }

  /** Creates server {@code name} with {@code serverXml} and {@code environment} (0600). */
  static SecondServer create(String name, String serverXml, Map<String, String> environment)
      throws IOException {
    Path wlp = ItServer.serverDir().getParent().getParent().getParent();
    SecondServer server = new SecondServer(wlp, name);
    Files.createDirectories(server.dir);
    // A run's log checks ("never logged", "no secret in a log") see this run only, not the logs an
    // earlier run of the same server left in a reused build directory.
    Path logs = server.dir.resolve("logs");
    if (Files.isDirectory(logs)) {
      try (var old = Files.walk(logs)) {
        for (Path file : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
    Files.writeString(server.dir.resolve("server.xml"), serverXml);
    Path env = server.dir.resolve("server.env");
    Files.writeString(
        env,
        environment.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue() + "\n")
            .collect(Collectors.joining()));
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    return server;
  }

  /**
   * A server.xml with the Portcullis feature, plain HTTP on {@code httpPort}, and an HTTPS port on
   * {@code httpsPort} whose identity is the key source {@code keySource} (a {@code <keySource
   * name="server" ...>} element) through the feature's key store; {@code sslAttributes} go on the
   * {@code <ssl>} element.
   */
  static String keySourceServerXml(
      int httpPort, int httpsPort, String keySource, String sslAttributes) {
    return """
        <server>
          <featureManager>
            <feature>transportSecurity-1.0</feature>
            <feature>appSecurity-5.0</feature>
            <feature>usr:portcullis-1.0</feature>
          </featureManager>
          <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="%d"/>
          <usr_portcullis>
            %s
          </usr_portcullis>
          <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                    location="${server.output.dir}/portcullis/key-sources" password="unused"/>
          <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" %s/>
        </server>
        """
        .formatted(httpPort, httpsPort, keySource, sslAttributes);
  }

  /**
   * A server whose HTTPS identity is one renewing key source, {@code keySource} (its {@code
   * <keySource>} element, named {@code alias}), served through the feature's key store, which
   * Liberty reloads when a renewal is stored; {@code extra} is added as it is (e.g. {@code
   * <httpOptions>}), or empty.
   */
  static String renewingServerXml(
      int httpPort, int httpsPort, String keySource, String alias, String extra) {
    return """
        <server>
          <featureManager>
            <feature>transportSecurity-1.0</feature>
            <feature>appSecurity-5.0</feature>
            <feature>usr:portcullis-1.0</feature>
          </featureManager>
          <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="%d"/>
          %s
          <usr_portcullis>
            %s
          </usr_portcullis>
          <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
                    location="${server.output.dir}/portcullis/key-sources" password="unused"
                    updateTrigger="mbean"/>
          <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore" serverKeyAlias="%s"/>
        </server>
        """
        .formatted(httpPort, httpsPort, extra, keySource, alias);
  }

  /** Starts the server and waits until Liberty says it is ready. */
  void start() throws Exception {
    // --clean: a build directory reused from an earlier build holds that build's bundle metadata
    // in the server's workarea, and the reproducible jar looks unchanged to Liberty.
    run("start", "--clean");
    started = true;
    awaitLog("CWWKF0011I", Duration.ofSeconds(120));
  }

  /**
   * Kills the server's JVM as {@code kill -9} would (no shutdown hooks, nothing flushed) and waits
   * until it is gone.
   */
  void kill() throws Exception {
    long pid =
        Long.parseLong(Files.readString(wlp.resolve("usr/servers/.pid/" + name + ".pid")).strip());
    ProcessHandle process =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new IllegalStateException("no process " + pid + " for " + name));
    process.destroyForcibly();
    process.onExit().get(30, TimeUnit.SECONDS);
    started = false;
  }

  Path dir() {
    return dir;
  }

  List<String> log() throws IOException {
    Path messages = dir.resolve("logs/messages.log");
    return Files.exists(messages) ? Files.readAllLines(messages) : List.of();
  }

  /** The first line of messages.log containing {@code fragment}, waiting up to {@code wait}. */
  String awaitLog(String fragment, Duration wait) throws Exception {
    Instant deadline = Instant.now().plus(wait);
    while (Instant.now().isBefore(deadline)) {
      for (String line : log()) {
        if (line.contains(fragment)) {
          return line;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError(fragment + " not logged by " + name + " within " + wait);
  }

  /** Whether any of the server's log files contains {@code text}. */
  boolean logsContain(String text) throws IOException {
    try (var logs = Files.walk(dir.resolve("logs"))) {
      for (Path file : logs.filter(Files::isRegularFile).toList()) {
        if (Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    if (started) {
      try {
        run("stop");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while stopping " + name, e);
      }
      started = false;
    }
  }

  private void run(String action, String... options) throws IOException, InterruptedException {
    List<String> command =
        new java.util.ArrayList<>(List.of(wlp.resolve("bin/server").toString(), action, name));
    command.addAll(List.of(options));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(action + ".out").toFile())
            .start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("server " + action + " " + name + " did not finish");
    }
  }
}
