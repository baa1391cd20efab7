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

  /** Liberty's MBean that triggers monitors configured with {@code updateTrigger="mbean"}. */
  static final String FILE_NOTIFICATION =
      "WebSphere:service=com.ibm.ws.kernel.filemonitor.FileNotificationMBean";

  private KeySourceState() {}

  /** The file in this server, or empty outside Liberty. */
  static Optional<Path> file() {
    return file(LOCATION);
  }

  /** The state file at {@code location} under the server's output directory, if in Liberty. */
  static Optional<Path> file(String location) {
    String output = System.getProperty("server.output.dir");
    return output == null ? Optional.empty() : Optional.of(Path.of(output).resolve(location));
  }

  /**
   * Writes {@code generation} of this run to this server's state file, so Liberty's polling key
   * store loads it; outside Liberty nothing. A file that cannot be written is a warning
   * (PRTC0531W): key source changes then wait for a restart.
   */
  static void announce(long generation) {
    announce(LOCATION, generation);
  }

  /** {@link #announce(long)} for the state file at {@code location} (the trust store's). */
  static void announce(String location, long generation) {
    Optional<Path> file = file(location);
    if (file.isEmpty()) {
      return;
    }
    try {
      write(file.get(), KeySourceRegistry.RUN, generation);
    } catch (IOException e) {
      LOG.warning(KeySourceMessage.STATE_NOT_WRITTEN.format(file.get(), e.getMessage()));
      return;
    }
    notifyLiberty(file.get());
  }

  /**
   * Tells Liberty's file monitor that the state file changed, so a keyStore with {@code
   * updateTrigger="mbean"} loads it at once rather than at its next poll (a renewed certificate
   * then serves the next handshake). Best effort: without the MBean (no such trigger, or outside
   * Liberty) a polled key store still sees the change at its next poll.
   */
  private static void notifyLiberty(Path file) {
    try {
      javax.management.MBeanServer server =
          java.lang.management.ManagementFactory.getPlatformMBeanServer();
      javax.management.ObjectName name = new javax.management.ObjectName(FILE_NOTIFICATION);
      if (!server.isRegistered(name)) {
        return;
      }
      server.invoke(
          name,
          "notifyFileChanges",
          new Object[] {null, java.util.Set.of(file.toAbsolutePath().toString()), null},
          new String[] {
            java.util.Collection.class.getName(),
            java.util.Collection.class.getName(),
            java.util.Collection.class.getName()
          });
    } catch (javax.management.JMException | RuntimeException e) {
      LOG.fine("Liberty's file notification MBean refused the change of " + file + ": " + e);
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
