package io.portcullis.ca;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the offline root key is, or is to be created: an encrypted PKCS#12 file (typically on
 * removable media) or a PKCS#11 token reached through a SunPKCS11 configuration file. The
 * passphrase and PIN arrays are the caller's; they are never stored or logged.
 */
public sealed interface RootKeySpec {

  /** A short description for messages: never includes the passphrase or PIN. */
  String describe();

  /**
   * @param file the PKCS#12 file; created 0600 by {@code init}
   * @param passphrase protects the key and the file
   */
  record Pkcs12(Path file, char[] passphrase) implements RootKeySpec {
    public Pkcs12 {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(passphrase, "passphrase");
    }

    @Override
    public String describe() {
      return "PKCS#12 file " + file;
    }
  }

  /**
   * @param config a SunPKCS11 configuration file (library, slot or token label)
   * @param pin the token user PIN
   * @param alias the key's label in the token
   */
  record Pkcs11(Path config, char[] pin, String alias) implements RootKeySpec {
    public Pkcs11 {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(pin, "pin");
      Objects.requireNonNull(alias, "alias");
    }

    @Override
    public String describe() {
      return "PKCS#11 key " + alias + " (config " + config + ")";
    }
  }
}
