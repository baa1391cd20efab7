package io.portcullis.ca;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Durable file writes. A file is replaced by writing a temp file in the same directory, forcing it
 * to disk, renaming it over the target and forcing the directory, so a crash at any point leaves
 * either the old or the new content, never a mix. Secret files are created 0600 from the start
 * (never widened and then narrowed).
 */
public final class AtomicFiles {
  static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

  /** Test hook: runs after the temp file is durable and before the rename. */
  static volatile Runnable beforeRename = () -> {};

  private AtomicFiles() {}

  public static void writeString(Path target, String text, boolean secret) throws IOException {
    write(target, text.getBytes(StandardCharsets.UTF_8), secret);
  }

  public static void write(Path target, byte[] data, boolean secret) throws IOException {
    Path dir = parent(target);
    Files.createDirectories(dir);
    Path temp =
        Files.createTempFile(
            dir,
            "." + target.getFileName() + ".",
            ".tmp",
            PosixFilePermissions.asFileAttribute(SECRET));
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (!secret) {
        Files.setPosixFilePermissions(temp, PUBLIC);
      }
      beforeRename.run();
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system cannot rename atomically in " + dir, e);
      }
      moved = true;
      forceDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Creates {@code target} with {@code data}; fails if it exists. Used for write-once files. */
  static void create(Path target, byte[] data, boolean secret) throws IOException {
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    write(target, data, secret);
  }

  /** Appends {@code line} and a newline, forcing it to disk before returning. */
  static void appendLine(Path file, String line) throws IOException {
    Files.createDirectories(parent(file));
    try (FileChannel channel =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")))) {
      ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  private static Path parent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IOException("no directory above " + file);
    }
    return parent;
  }

  static void forceDirectory(Path dir) throws IOException {
    // Makes the rename itself durable (Linux); without it a power cut can undo the rename.
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
