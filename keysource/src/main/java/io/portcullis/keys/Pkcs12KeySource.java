package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;

/** A key and chain in a PKCS#12 file, read afresh on every load so a replaced file is seen. */
public final class Pkcs12KeySource implements KeySource {
  private final KeySourceConfig config;

  public Pkcs12KeySource(KeySourceConfig config) {
    if (config.type() != KeySourceType.PKCS12) {
      throw new IllegalArgumentException("not a pkcs12 configuration: " + config);
    }
    this.config = config;
  }

  @Override
  public KeyMaterial load() throws PortcullisException {
    Path file = config.file().orElseThrow();
    char[] password = config.secret().map(Secret::chars).orElse(null);
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(file)) {
        keyStore.load(in, password);
      } catch (IOException e) {
        if (e instanceof NoSuchFileException
            || !(e.getCause() instanceof UnrecoverableKeyException)) {
          throw KeySourceMessage.PKCS12_UNREADABLE.causedBy(e, file, e.getMessage());
        }
        throw KeySourceMessage.PKCS12_WRONG_PASSWORD.exception(file);
      }
      return KeyStores.material(keyStore, config.alias(), password, "key store " + file);
    } catch (GeneralSecurityException e) {
      throw KeySourceMessage.PKCS12_UNREADABLE.causedBy(e, file, e.getMessage());
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  @Override
  public String toString() {
    return "Pkcs12KeySource[" + config + "]";
  }
}
