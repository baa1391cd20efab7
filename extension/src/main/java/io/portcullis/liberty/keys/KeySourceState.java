package io.portcullis.liberty.keys;

import io.portcullis.keys.KeySourceMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The small file a {@code <keyStore type="PortcullisKeySource">} names as its location, with {@code
 * updateTrigger="polled"}: the feature rewrites it whenever the key sources change, so Liberty
 * loads the key store again and the new key sources take effect without a restart. It holds no
 * secret, only which server run and which publication it describes; Liberty hands its content to
 * the key store as the load's stream.
 */
final class KeySourceState {
  /** Where the file is: {@code ${server.output.dir}/portcullis/key-sources}. */
  static final String LOCATION = "portcullis/key-sources";

  private static final Logger LOG = Logger.getLogger(KeySourceState.class.getName());

  private KeySourceState() {}

  /** The file in this server, or empty outside Liberty. */
  static Optional<Path> file() {
    String output = System.getProperty("server.output.dir");
    return output == null ? Optional.empty() : Optional.of(Path.of(output).resolve(LOCATION));
  }

  /**
   * Writes {@code generation} of this run to this server's state file, so Liberty's polling key
   * store loads it; outside Liberty nothing. A file that cannot be written is a warning
   * (PRTC0531W): key source changes then wait for a restart.
   */
  static void announce(long generation) {
    Optional<Path> file = file();
    if (file.isEmpty()) {
      return;
    }
    try {
      write(file.get(), KeySourceRegistry.RUN, generation);
    } catch (IOException e) {
      LOG.warning(KeySourceMessage.STATE_NOT_WRITTEN.format(file.get(), e.getMessage()));
    }
  }

  /** Writes {@code generation} of run {@code run} to {@code file}: temp file, then rename. */
  static void write(Path file, String run, long generation) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    if (directory == null) {
      throw new IOException("no directory for " + file);
    }
    Files.createDirectories(directory);
    Path temp = Files.createTempFile(directory, ".key-sources-", ".tmp");
    Files.writeString(
        temp,
        "# Rewritten by the Portcullis feature when its key sources change; Liberty's\n"
            + "# PortcullisKeySource keyStore polls it. No secrets.\n"
            + "run="
            + run
            + "\ngeneration="
            + generation
            + "\n",
        StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The generation {@code stream} describes when it is a state file of run {@code run}; 0 for no
   * stream, another run's file, or anything else.
   */
  static long generationIn(InputStream stream, String run) {
    if (stream == null) {
      return 0;
    }
    Properties properties = new Properties();
    try {
      properties.load(new java.io.InputStreamReader(stream, StandardCharsets.UTF_8));
      if (!run.equals(properties.getProperty("run"))) {
        return 0;
      }
      return Long.parseLong(properties.getProperty("generation", "0").strip());
    } catch (IOException | IllegalArgumentException e) {
      return 0;
    }
  }
}
