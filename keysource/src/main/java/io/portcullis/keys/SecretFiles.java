package io.portcullis.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file that holds a secret (a key store, an account key) so that a crash never leaves a
 * half-written one and no other user can read it: a temporary file in the same directory, created
 * mode 0600, written and flushed to disk, renamed over the target, the directory flushed. Readers
 * see the old file or the new one.
 */
public final class SecretFiles {
  private SecretFiles() {}

  /**
   * What lets another user at the secret in {@code file}: permissions for group or others, or an
   * owner other than the user running this process; empty when only its owner, this user, can reach
   * it (0600, 0400), or when the file system has no POSIX permissions.
   */
  public static java.util.Optional<String> exposure(Path file) throws IOException {
    java.nio.file.attribute.PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class);
    } catch (UnsupportedOperationException e) {
      return java.util.Optional.empty();
    }
    boolean open = attributes.permissions().stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
    if (open) {
      return java.util.Optional.of(
          "mode " + PosixFilePermissions.toString(attributes.permissions()));
    }
    String user = System.getProperty("user.name");
    String owner = attributes.owner().getName();
    if (user != null && !owner.equals(user)) {
      return java.util.Optional.of("owned by " + owner + ", not by " + user);
    }
    return java.util.Optional.empty();
  }

  /** The prefix of the temporary files {@link #write} makes beside {@code file}. */
  public static String tempPrefix(Path file) {
    return "." + file.getFileName() + "-";
  }

  /**
   * Replaces {@code file} with {@code content}.
   *
   * @throws IOException when it cannot be written (the old file, if any, is untouched)
   */
  public static void write(Path file, byte[] content) throws IOException {
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    if (directory == null) {
      throw new IOException(file + " has no directory");
    }
    Path temp =
        Files.createTempFile(
            directory,
            tempPrefix(target),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true); // the rename's directory entry, so a power loss keeps the new name
    } catch (IOException e) {
      // not every file system lets a directory be opened; the rename itself is atomic
    }
  }
}
