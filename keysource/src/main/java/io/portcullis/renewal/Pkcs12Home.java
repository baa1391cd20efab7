package io.portcullis.renewal;

import io.portcullis.keys.Generations;
import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.keys.KeyType;
import io.portcullis.keys.Pkcs12Files;
import io.portcullis.keys.Secret;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Where a PKCS#12 key source's renewed keys live: a fresh software key per renewal, stored with its
 * chain by replacing the file atomically (a temporary file in the same directory, mode 0600,
 * flushed to disk, then renamed over the old one). A crash at any point leaves the old file or the
 * new one, never a half-written one. The new key is written first, with a placeholder certificate,
 * to a file beside the key store ({@code server.p12.next}, the same way), before its certificate is
 * asked for: a crash after the issuer issued it leaves the key the certificate certifies.
 */
final class Pkcs12Home implements KeyHome {
  private final KeySourceConfig config;
  private final SecureRandom random;

  Pkcs12Home(KeySourceConfig config, SecureRandom random) {
    this.config = config;
    this.random = random;
  }

  @Override
  public NewKey newKey(KeyType type, String currentAlias) throws PortcullisException {
    NewKey key = new NewKey(currentAlias, type.generate(random));
    try {
      write(next(), key, List.of(Generations.placeholder(currentAlias, key.keys(), type, null)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw KeySourceMessage.RENEWAL_NOT_STORED.causedBy(e, currentAlias, next(), e.toString());
    }
    return key;
  }

  @Override
  public Optional<NewKey> pending(KeyMaterial serving) throws PortcullisException {
    Path next = next();
    if (!Files.exists(next)) {
      return Optional.empty();
    }
    char[] password = password();
    try (InputStream in = Files.newInputStream(next)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      String alias = serving.alias();
      if (store.getKey(alias, password) instanceof PrivateKey key
          && store.getCertificate(alias) != null) {
        return Optional.of(
            new NewKey(alias, new KeyPair(store.getCertificate(alias).getPublicKey(), key)));
      }
    } catch (IOException | GeneralSecurityException e) {
      // written atomically, so only another program's file: not a key this agent made
    } finally {
      Arrays.fill(password, '\0');
    }
    deleteNext();
    return Optional.empty();
  }

  @Override
  public void install(NewKey key, List<X509Certificate> chain) throws PortcullisException {
    write(config.file().orElseThrow().toAbsolutePath(), key, chain);
    deleteNext();
  }

  @Override
  public void discard(NewKey key) {
    deleteNext();
  }

  @Override
  public void retire(String alias) {
    // the old key was in the file the rename replaced: nothing is left to delete
  }

  private void write(Path file, NewKey key, List<X509Certificate> chain)
      throws PortcullisException {
    char[] password = password();
    try {
      Pkcs12Files.write(file, key.alias(), password, key.keys().getPrivate(), chain);
    } catch (IOException | GeneralSecurityException e) {
      throw KeySourceMessage.RENEWAL_NOT_STORED.causedBy(e, key.alias(), file, e.toString());
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private char[] password() {
    return config.secret().map(Secret::chars).orElse(new char[0]);
  }

  /** Where a renewal keeps its new key until it is installed. */
  private Path next() {
    Path file = config.file().orElseThrow().toAbsolutePath();
    return file.resolveSibling(file.getFileName() + ".next");
  }

  private void deleteNext() {
    try {
      Files.deleteIfExists(next());
    } catch (IOException e) {
      // left for the next renewal, which overwrites it, or the next start, which reads it
    }
  }

  @Override
  public void cleanUp(String serving) {
    Path file = config.file().orElseThrow().toAbsolutePath();
    Path directory = file.getParent();
    if (directory == null) {
      return;
    }
    List<String> prefixes = List.of(Pkcs12Files.tempPrefix(file), Pkcs12Files.tempPrefix(next()));
    try (var stale = Files.list(directory)) {
      for (Path temp :
          stale
              .filter(p -> prefixes.stream().anyMatch(p.getFileName().toString()::startsWith))
              .filter(p -> p.getFileName().toString().endsWith(".tmp"))
              .toList()) {
        Files.deleteIfExists(temp); // a write a crash cut short: never renamed, never read
      }
    } catch (IOException e) {
      // harmless leftovers; the next start tries again
    }
  }
}
