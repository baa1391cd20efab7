package io.portcullis.renewal;

import io.portcullis.PortcullisException;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * Where a PKCS#12 key source's renewed keys live: a fresh software key per renewal, stored with its
 * chain by replacing the file atomically (a temporary file in the same directory, mode 0600,
 * flushed to disk, then renamed over the old one). A crash at any point leaves the old file or the
 * new one, never a half-written one.
 */
final class Pkcs12Home implements KeyHome {
  private final KeySourceConfig config;
  private final SecureRandom random;

  Pkcs12Home(KeySourceConfig config, SecureRandom random) {
    this.config = config;
    this.random = random;
  }

  @Override
  public NewKey newKey(KeyType type, String currentAlias) {
    return new NewKey(currentAlias, type.generate(random));
  }

  @Override
  public void install(NewKey key, List<X509Certificate> chain) throws PortcullisException {
    KeyPair keys = key.keys();
    String alias = key.alias();
    Path file = config.file().orElseThrow().toAbsolutePath();
    char[] password = config.secret().map(Secret::chars).orElse(new char[0]);
    Path temp = null;
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(alias, keys.getPrivate(), password, chain.toArray(new Certificate[0]));
      Path directory = file.getParent();
      if (directory == null) {
        throw new IOException("the key store file has no directory");
      }
      temp =
          Files.createTempFile(
              directory,
              "." + file.getFileName() + "-",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
        store.store(out, password);
        out.flush();
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
      syncDirectory(directory);
    } catch (IOException | GeneralSecurityException e) {
      throw KeySourceMessage.RENEWAL_NOT_STORED.causedBy(e, alias, file, e.toString());
    } finally {
      Arrays.fill(password, '\0');
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // the temporary file is harmless: it is never read, the next renewal makes another
        }
      }
    }
  }

  @Override
  public void discard(NewKey key) {
    // the key was only ever in memory
  }

  @Override
  public void retire(String alias) {
    // the old key was in the file the rename replaced: nothing is left to delete
  }

  @Override
  public void cleanUp(String serving) {
    Path file = config.file().orElseThrow().toAbsolutePath();
    Path directory = file.getParent();
    if (directory == null) {
      return;
    }
    String prefix = "." + file.getFileName() + "-";
    try (var stale = Files.list(directory)) {
      for (Path temp :
          stale
              .filter(p -> p.getFileName().toString().startsWith(prefix))
              .filter(p -> p.getFileName().toString().endsWith(".tmp"))
              .toList()) {
        Files.deleteIfExists(temp); // a write a crash cut short: never renamed, never read
      }
    } catch (IOException e) {
      // harmless leftovers; the next start tries again
    }
  }

  /** Flushes the directory entry of the rename, so a power loss cannot bring the old name back. */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // not every file system lets a directory be opened; the rename itself is atomic
    }
  }
}
