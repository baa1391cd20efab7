package io.portcullis.keys.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A SoftHSM2 token store in a directory of its own: a {@code softhsm2.conf} pointing at a fresh
 * token directory, and tokens initialised with {@code softhsm2-util}. Nothing outside the directory
 * is touched and no daemon runs; {@link #close()} deletes the tokens.
 *
 * <p>SoftHSM2 reads {@code SOFTHSM2_CONF} from the process environment when the library is first
 * loaded, and a JVM cannot change its own environment. So {@link #shared()} uses the path the test
 * JVM's environment already names (surefire sets it to a per-run path under {@code target/}, the
 * way server.env does for a Liberty server); for a child process (a Liberty server, the CLI) use
 * {@link #start(Path)} and pass {@link #environment()} to it.
 */
public final class SoftHsm implements AutoCloseable {
  public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  public static final String SO_PIN = "so-pin-4711";

  private static SoftHsm shared;

  private final Path configFile;
  private final Path tokenDirectory;
  private final Path util;

  private SoftHsm(Path configFile, Path tokenDirectory, Path util) {
    this.configFile = configFile;
    this.tokenDirectory = tokenDirectory;
    this.util = util;
  }

  /**
   * The token store of this JVM, at {@code $SOFTHSM2_CONF}, emptied at the first call of the run
   * and deleted when the JVM exits.
   */
  public static synchronized SoftHsm shared() {
    if (shared == null) {
      String conf = System.getenv("SOFTHSM2_CONF");
      if (conf == null || conf.isBlank()) {
        throw new IllegalStateException(
            "SOFTHSM2_CONF is not set in the test JVM's environment: run the tests through Maven"
                + " (keysource/pom.xml sets it for surefire) or set it to a writable path");
      }
      SoftHsm started = start(Path.of(conf));
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "softhsm-cleanup"));
      shared = started;
    }
    return shared;
  }

  /** A new, empty token store whose configuration file is {@code configFile}. */
  public static SoftHsm start(Path configFile) {
    Path util = NativeTools.require("softhsm2-util", "softhsm2");
    NativeTools.requireFile(LIBRARY, "softhsm2");
    NativeTools.require("pkcs11-tool", "opensc");
    Path directory = configFile.toAbsolutePath().getParent();
    Path tokens = directory.resolve("tokens");
    try {
      Files.createDirectories(directory);
      NativeTools.deleteTree(tokens);
      Files.createDirectories(
          tokens,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.writeString(
          configFile,
          "directories.tokendir = "
              + tokens
              + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + directory, e);
    }
    return new SoftHsm(configFile.toAbsolutePath(), tokens, util);
  }

  /** Initialises a token labelled {@code label} with user PIN {@code pin}. */
  public synchronized void initToken(String label, String pin) {
    NativeTools.run(
        List.of(
            util.toString(),
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            SO_PIN,
            "--pin",
            pin),
        environment(),
        null);
  }

  /**
   * Generates a key pair in token {@code label} with OpenSC's pkcs11-tool, with CKA_ID the bytes of
   * {@code id} and no certificate: what a process killed between storing a key and its certificate
   * leaves behind (the Java KeyStore API does not list such a key).
   */
  public void orphanKey(String label, String pin, String id) {
    pkcs11Tool(
        label,
        pin,
        "--keypairgen",
        "--key-type",
        "EC:prime256v1",
        "--id",
        java.util.HexFormat.of().formatHex(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        "--label",
        id);
  }

  /** How many public key objects token {@code label} holds (pkcs11-tool, a second process). */
  public int publicKeyObjects(String label, String pin) {
    String listing = pkcs11Tool(label, pin, "--list-objects", "--type", "pubkey");
    return (int) listing.lines().filter(line -> line.startsWith("Public Key Object")).count();
  }

  /** Runs OpenSC's pkcs11-tool logged in to token {@code label}; returns what it printed. */
  private String pkcs11Tool(String label, String pin, String... arguments) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "pkcs11-tool",
                "--module",
                LIBRARY.toString(),
                "--token-label",
                label,
                "--login",
                "--pin",
                pin));
    command.addAll(List.of(arguments));
    return NativeTools.run(command, environment(), null);
  }

  /** The environment a process needs to see these tokens. */
  public Map<String, String> environment() {
    return Map.of("SOFTHSM2_CONF", configFile.toString());
  }

  /** Key source attributes for {@code alias} in the token {@code label}. */
  public Map<String, String> keySource(String label, String pin, String alias) {
    Map<String, String> values = new HashMap<>();
    values.put("type", "pkcs11");
    values.put("library", LIBRARY.toString());
    values.put("tokenLabel", label);
    values.put("pin", pin);
    values.put("alias", alias);
    return values;
  }

  public Path configFile() {
    return configFile;
  }

  /** Deletes the tokens. */
  @Override
  public void close() {
    NativeTools.deleteTree(tokenDirectory);
  }
}
