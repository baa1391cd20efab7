package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Reads one private key entry from a loaded key store, with messages that name what is there. */
final class KeyStores {
  private KeyStores() {}

  static KeyMaterial material(
      KeyStore keyStore, Optional<String> alias, char[] keyPassword, String where)
      throws PortcullisException {
    try {
      List<String> keyAliases = keyAliases(keyStore);
      String chosen;
      if (alias.isPresent()) {
        chosen = alias.get();
        if (!keyStore.isKeyEntry(chosen)) {
          throw KeySourceMessage.ALIAS_MISSING.exception(chosen, where, describe(keyAliases));
        }
      } else if (keyAliases.size() == 1) {
        chosen = keyAliases.get(0);
      } else {
        throw KeySourceMessage.CONFIG_INVALID.exception(
            "alias is required because "
                + where
                + " holds "
                + keyAliases.size()
                + " keys: "
                + describe(keyAliases));
      }
      Key key = keyStore.getKey(chosen, keyPassword);
      if (!(key instanceof PrivateKey privateKey)) {
        throw KeySourceMessage.ALIAS_MISSING.exception(chosen, where, describe(keyAliases));
      }
      Certificate[] certificates = keyStore.getCertificateChain(chosen);
      List<X509Certificate> chain = new ArrayList<>();
      if (certificates != null) {
        for (Certificate certificate : certificates) {
          if (certificate instanceof X509Certificate x509) {
            chain.add(x509);
          }
        }
      }
      return KeyMaterial.of(chosen, privateKey, chain, keyStore);
    } catch (GeneralSecurityException | java.security.ProviderException e) {
      throw Pkcs11Errors.general(e, where);
    }
  }

  static List<String> keyAliases(KeyStore keyStore) throws GeneralSecurityException {
    List<String> aliases = new ArrayList<>();
    for (String alias : Collections.list(keyStore.aliases())) {
      if (keyStore.isKeyEntry(alias)) {
        aliases.add(alias);
      }
    }
    Collections.sort(aliases);
    return aliases;
  }

  private static String describe(List<String> aliases) {
    return aliases.isEmpty() ? "none" : String.join(", ", aliases);
  }
}
