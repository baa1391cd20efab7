package io.portcullis.keys.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A software TPM 2.0 usable through tpm2-pkcs11, in a directory of its own: {@code swtpm} on two
 * free loopback ports, a private session {@code dbus-daemon} (no system bus, no root), {@code
 * tpm2-abrmd} on that bus as the resource manager (bare swtpm runs out of object slots under
 * tpm2-pkcs11), and a tpm2-pkcs11 store made with {@code tpm2_ptool}. All three daemons are child
 * processes of this JVM; {@link #close()} stops them and checks that none is left.
 *
 * <p>tpm2-pkcs11 reads {@code TPM2_PKCS11_STORE} and {@code TPM2_PKCS11_TCTI}, and the D-Bus client
 * reads {@code DBUS_SESSION_BUS_ADDRESS}, from the process environment. {@link #shared()} uses the
 * paths the test JVM's environment names (surefire sets them per run under {@code target/}); {@link
 * #start(Path, Path, Path)} makes one for a child process, see {@link #environment()}.
 */
public final class SwTpm implements AutoCloseable {
  public static final Path LIBRARY = Path.of("/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so");
  public static final String TCTI = "tabrmd:bus_type=session";
  public static final String SO_PIN = "so-pin-4711";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

  private static SwTpm shared;

  private final Path directory;
  private final Path store;
  private final Path bus;
  private final List<Process> daemons;

  private SwTpm(Path directory, Path store, Path bus, List<Process> daemons) {
    this.directory = directory;
    this.store = store;
    this.bus = bus;
    this.daemons = List.copyOf(daemons);
  }

  /** The TPM of this JVM, at the paths of its environment, stopped when the JVM exits. */
  public static synchronized SwTpm shared() {
    if (shared == null) {
      String storeVariable = System.getenv("TPM2_PKCS11_STORE");
      String busVariable = System.getenv("DBUS_SESSION_BUS_ADDRESS");
      if (storeVariable == null
          || busVariable == null
          || !busVariable.startsWith("unix:path=")
          || !TCTI.equals(System.getenv("TPM2_PKCS11_TCTI"))) {
        throw new IllegalStateException(
            "TPM2_PKCS11_STORE, TPM2_PKCS11_TCTI="
                + TCTI
                + " and DBUS_SESSION_BUS_ADDRESS=unix:path=... must be set in the test JVM's"
                + " environment: run the tests through Maven (keysource/pom.xml sets them)");
      }
      Path store = Path.of(storeVariable);
      Path bus = Path.of(busVariable.substring("unix:path=".length()));
      SwTpm started = start(store.getParent(), store, bus);
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "swtpm-cleanup"));
      shared = started;
    }
    return shared;
  }

  /** Starts a TPM with its state under {@code directory}, its store and its bus socket. */
  public static SwTpm start(Path directory, Path store, Path bus) {
    Path swtpm = NativeTools.require("swtpm", "swtpm");
    Path dbusDaemon = NativeTools.require("dbus-daemon", "dbus");
    Path abrmd = NativeTools.require("tpm2-abrmd", "tpm2-abrmd");
    NativeTools.require("tpm2_ptool", "libtpm2-pkcs11-tools");
    NativeTools.require("tpm2_getrandom", "tpm2-tools");
    NativeTools.require("pkcs11-tool", "opensc");
    NativeTools.requireFile(LIBRARY, "libtpm2-pkcs11-1");
    NativeTools.requireFile(
        Path.of("/usr/lib/x86_64-linux-gnu/libtss2-tcti-tabrmd.so.0"), "libtss2-tcti-tabrmd0");
    Path pidFile = directory.resolve("daemons.pid");
    killLeftovers(pidFile);
    NativeTools.deleteTree(directory);
    List<Process> daemons = new ArrayList<>();
    try {
      Path state = Files.createDirectories(directory.resolve("state"));
      Files.createDirectories(store);
      Files.deleteIfExists(bus);
      // The swtpm TCTI reaches the control channel at the data port + 1.
      int port = freePortPair();
      int control = port + 1;
      Map<String, String> busEnvironment = Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + bus);
      daemons.add(
          daemon(
              directory,
              "swtpm",
              Map.of(),
              swtpm.toString(),
              "socket",
              "--tpm2",
              "--tpmstate",
              "dir=" + state,
              "--server",
              "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
              "--ctrl",
              "type=tcp,port=" + control + ",bindaddr=127.0.0.1",
              "--flags",
              "not-need-init,startup-clear"));
      writePids(pidFile, daemons);
      awaitPort(port, daemons.get(0));
      daemons.add(
          daemon(
              directory,
              "dbus",
              Map.of(),
              dbusDaemon.toString(),
              "--session",
              "--nofork",
              "--nopidfile",
              "--address=unix:path=" + bus));
      writePids(pidFile, daemons);
      awaitFile(bus, daemons.get(1));
      daemons.add(
          daemon(
              directory,
              "abrmd",
              busEnvironment,
              abrmd.toString(),
              "--session",
              "--allow-root",
              "--flush-all",
              "--tcti=swtpm:host=127.0.0.1,port=" + port));
      writePids(pidFile, daemons);
      SwTpm tpm = new SwTpm(directory, store, bus, daemons);
      tpm.awaitResourceManager(daemons.get(2));
      NativeTools.run(
          List.of("tpm2_ptool", "init", "--path=" + store), tpm.environment(), directory);
      return tpm;
    } catch (IOException | RuntimeException e) {
      stop(daemons);
      throw new IllegalStateException("cannot start swtpm in " + directory + ": " + e, e);
    }
  }

  /** Adds a token labelled {@code label} with user PIN {@code pin} (primary object 1). */
  public void addToken(String label, String pin) {
    NativeTools.run(
        List.of(
            "tpm2_ptool",
            "addtoken",
            "--pid=1",
            "--label=" + label,
            "--sopin=" + SO_PIN,
            "--userpin=" + pin,
            "--path=" + store),
        environment(),
        directory);
  }

  /** The environment a process needs to use this TPM through tpm2-pkcs11. */
  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + bus);
    env.put("TPM2_PKCS11_STORE", store.toString());
    env.put("TPM2_PKCS11_TCTI", TCTI);
    env.put("TPM2TOOLS_TCTI", TCTI);
    env.put("TPM2_PKCS11_LOG_LEVEL", "0");
    return env;
  }

  /** Key source attributes for {@code alias} in the token {@code label}. */
  public Map<String, String> keySource(String label, String pin, String alias) {
    Map<String, String> values = new HashMap<>();
    values.put("type", "tpm");
    values.put("library", LIBRARY.toString());
    values.put("tokenLabel", label);
    values.put("pin", pin);
    values.put("alias", alias);
    return values;
  }

  /** The process IDs of swtpm, dbus-daemon and tpm2-abrmd. */
  public List<Long> pids() {
    return daemons.stream().map(Process::pid).toList();
  }

  /** Stops the three daemons and deletes the TPM's state. */
  @Override
  public void close() {
    stop(daemons);
    NativeTools.deleteTree(directory);
  }

  private static void stop(List<Process> daemons) {
    List<Process> reversed = new ArrayList<>(daemons);
    java.util.Collections.reverse(reversed);
    for (Process process : reversed) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      if (process.isAlive()) {
        throw new IllegalStateException("daemon " + process.pid() + " did not stop");
      }
    }
  }

  private void awaitResourceManager(Process abrmd) {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    IllegalStateException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!abrmd.isAlive()) {
        throw new IllegalStateException(
            "tpm2-abrmd exited with " + abrmd.exitValue() + "; see " + directory + "/abrmd.log");
      }
      try {
        NativeTools.run(List.of("tpm2_getrandom", "--hex", "4"), environment(), directory);
        return;
      } catch (IllegalStateException e) {
        last = e;
        pause();
      }
    }
    throw new IllegalStateException("tpm2-abrmd did not become ready", last);
  }

  private static Process daemon(
      Path directory, String name, Map<String, String> environment, String... command)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve(name + ".log").toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static boolean bindable(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = first.getLocalPort();
        if (port >= 65535) {
          continue;
        }
        if (bindable(port + 1)) {
          return port;
        }
      }
    }
    throw new IOException("no two adjacent free ports on 127.0.0.1");
  }

  private static void awaitPort(int port, Process owner) {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline) && owner.isAlive()) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException e) {
        pause();
      }
    }
    throw new IllegalStateException("swtpm did not listen on port " + port);
  }

  private static void awaitFile(Path file, Process owner) {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline) && owner.isAlive()) {
      if (Files.exists(file)) {
        return;
      }
      pause();
    }
    throw new IllegalStateException("dbus-daemon did not create " + file);
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Records the daemons' PIDs so a run killed hard is cleaned up by the next one. */
  private static void writePids(Path pidFile, List<Process> daemons) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Process process : daemons) {
      text.append(process.pid()).append('\n');
    }
    Files.writeString(pidFile, text, StandardCharsets.UTF_8);
  }

  private static void killLeftovers(Path pidFile) {
    if (!Files.isReadable(pidFile)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(pidFile, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        ProcessHandle.of(Long.parseLong(line.trim()))
            .filter(
                p ->
                    p.info()
                        .command()
                        .map(
                            c ->
                                c.endsWith("swtpm")
                                    || c.endsWith("dbus-daemon")
                                    || c.endsWith("tpm2-abrmd"))
                        .orElse(false))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    } catch (IOException | NumberFormatException e) {
      // A damaged PID file only means there is nothing safe to clean up.
    }
  }
}
