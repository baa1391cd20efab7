package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A key and chain in a PKCS#11 token through SunPKCS11: SoftHSM2 in tests, a network HSM in
 * production. The token is opened on the first load; each load logs in again if the token lost the
 * login (token restart, HSM failover, explicit logout) and reads the entry afresh.
 */
public final class Pkcs11KeySource implements KeySource {
  private static final Logger LOG = Logger.getLogger(Pkcs11KeySource.class.getName());

  private final KeySourceConfig config;
  private Pkcs11Token token;
  private KeyMaterial last;

  public Pkcs11KeySource(KeySourceConfig config) {
    if (config.type() == KeySourceType.PKCS12) {
      throw new IllegalArgumentException("not a token configuration: " + config);
    }
    this.config = config;
  }

  @Override
  public synchronized KeyMaterial load() throws PortcullisException {
    if (token == null) {
      token = Pkcs11Token.open(config);
    } else if (last != null && lostLogin(last)) {
      LOG.warning(KeySourceMessage.TOKEN_RELOGIN.format(token.description()));
      token.loginLost();
    }
    KeyStore keyStore = token.refresh();
    Optional<String> alias = config.alias();
    if (config.renewal().renews() && alias.isPresent()) {
      // a renewing key source serves the newest generation of its key that holds a certificate
      try {
        alias = Optional.of(Generations.current(keyStore, alias.get()).orElse(alias.get()));
      } catch (KeyStoreException e) {
        throw Pkcs11Errors.general(e, token.description());
      }
    }
    KeyMaterial material = KeyStores.material(keyStore, alias, null, token.description());
    last = material;
    return material;
  }

  /** True when the token no longer signs with a key it signed with before: the login is gone. */
  private static boolean lostLogin(KeyMaterial material) {
    try {
      material.probeSignature();
      return false;
    } catch (GeneralSecurityException | ProviderException e) {
      return Pkcs11Errors.isLoggedOut(e);
    }
  }

  /** The token, once loaded; for key generation in the same session. */
  synchronized Pkcs11Token token() throws PortcullisException {
    if (token == null) {
      token = Pkcs11Token.open(config);
    }
    return token;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + config + "]";
  }
}
