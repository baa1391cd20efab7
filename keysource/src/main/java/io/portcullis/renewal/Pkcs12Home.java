package io.portcullis.renewal;

import io.portcullis.PortcullisException;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.Pkcs12Files;
import io.portcullis.keys.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
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
    Path file = config.file().orElseThrow().toAbsolutePath();
    char[] password = config.secret().map(Secret::chars).orElse(new char[0]);
    try {
      Pkcs12Files.write(file, key.alias(), password, key.keys().getPrivate(), chain);
    } catch (IOException | GeneralSecurityException e) {
      throw KeySourceMessage.RENEWAL_NOT_STORED.causedBy(e, key.alias(), file, e.toString());
    } finally {
      Arrays.fill(password, '\0');
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
    String prefix = Pkcs12Files.tempPrefix(file);
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
}
