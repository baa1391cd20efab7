package io.portcullis.keys;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Writes a PKCS#12 key store so that a crash never leaves a half-written one: a temporary file in
 * the same directory, created mode 0600, written and flushed to disk, renamed over the target, the
 * directory flushed. Readers see the old file or the new one.
 */
public final class Pkcs12Files {
  private Pkcs12Files() {}

  /** The prefix of the temporary files {@link #write} makes beside {@code file}. */
  public static String tempPrefix(Path file) {
    return "." + file.getFileName() + "-";
  }

  /**
   * Writes {@code key} with {@code chain} under {@code alias} to {@code file}, replacing it.
   *
   * @throws IOException when the file cannot be written (the old one, if any, is untouched)
   */
  public static void write(
      Path file, String alias, char[] password, PrivateKey key, List<X509Certificate> chain)
      throws IOException, GeneralSecurityException {
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    if (directory == null) {
      throw new IOException("the key store file has no directory");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(alias, key, password, chain.toArray(new Certificate[0]));
    Path temp =
        Files.createTempFile(
            directory,
            tempPrefix(target),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(channel)) {
        store.store(out, password);
        out.flush();
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
