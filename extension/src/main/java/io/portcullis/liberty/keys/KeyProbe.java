package io.portcullis.liberty.keys;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySourceMessage;
import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Notices a served key that no longer signs (a token restarted, an HSM failed over, the session
 * logged out): Liberty's key managers hold key handles that the token then refuses, and nothing
 * else would make Liberty load the key store again. A probe signs a few bytes with each served key;
 * when one fails, the key sources are published again, so the state file changes, Liberty reloads,
 * and the token key source logs in again (PRTC0515W).
 */
final class KeyProbe {
  private static final Logger LOG = Logger.getLogger(KeyProbe.class.getName());

  private KeyProbe() {}

  /** Whether {@code material}'s private key still signs. */
  static boolean signs(KeyMaterial material) {
    try {
      material.probeSignature();
      return true;
    } catch (GeneralSecurityException | ProviderException e) {
      return false;
    }
  }

  /**
   * Probes every served key with {@code signs}; when one fails, publishes the key sources again.
   *
   * @return the new generation to announce, or 0 when every key signs
   */
  static long probe(Map<String, KeyMaterial> served, Predicate<KeyMaterial> signs) {
    List<String> dead = new ArrayList<>();
    served.forEach(
        (name, material) -> {
          if (!signs.test(material)) {
            dead.add(name);
          }
        });
    if (dead.isEmpty()) {
      return 0;
    }
    LOG.warning(KeySourceMessage.KEY_NO_LONGER_SIGNS.format(String.join(", ", dead)));
    dead.forEach(
        name -> KeySourceKeyStore.problem(name, KeySourceMessage.KEY_NO_LONGER_SIGNS.format(name)));
    return KeySourceRegistry.republish();
  }
}
