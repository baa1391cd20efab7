package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager serving one TLS identity from a volatile snapshot, so rotation is one reference
 * write. {@link #swap} validates the new material before it is visible and keeps the last good
 * material when validation fails. The previous material stays reachable under its own alias, so a
 * handshake that chose it before a swap finishes with it.
 */
public final class SwappableKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = Logger.getLogger(SwappableKeyManager.class.getName());

  /** One generation of material; its alias is unique for the life of this key manager. */
  private record Generation(long number, KeyMaterial material) {
    String alias() {
      return number + "." + material.alias();
    }
  }

  private record Snapshot(Generation current, Generation previous) {}

  private volatile Snapshot snapshot;
  private final KeySource source;

  private SwappableKeyManager(KeyMaterial initial, KeySource source) {
    this.snapshot = new Snapshot(new Generation(1, initial), null);
    this.source = source;
  }

  /** A key manager serving what {@code source} loads now; {@link #reload()} loads again. */
  public static SwappableKeyManager from(KeySource source) throws PortcullisException {
    KeyMaterial initial = source.load();
    revalidate(initial);
    return new SwappableKeyManager(initial, source);
  }

  /**
   * Loads the key source again and swaps the result in: picks up a renewed certificate, and after a
   * token restart or logout logs in again and replaces key handles the token no longer honours.
   * Call it on a schedule and when a handshake fails; on failure the last good material stays.
   *
   * @throws IllegalStateException when this key manager was not made {@link #from} a key source
   */
  public void reload() throws PortcullisException {
    if (source == null) {
      throw new IllegalStateException("made from fixed key material; use swap");
    }
    KeyMaterial next;
    try {
      next = source.load();
    } catch (PortcullisException e) {
      LOG.log(
          Level.WARNING,
          KeySourceMessage.CREDENTIALS_REFUSED.format(current().alias(), e.getMessage()));
      throw e;
    }
    swap(next);
  }

  /** A key manager serving {@code initial}, which is validated first. */
  public static SwappableKeyManager of(KeyMaterial initial) throws PortcullisException {
    revalidate(initial);
    return new SwappableKeyManager(initial, null);
  }

  /**
   * Serves {@code next} from now on, after proving again that its certificate certifies its key
   * (the token may have changed since it was loaded). On failure the current material stays.
   *
   * @throws PortcullisException the reason, after logging PRTC0514W
   */
  public synchronized void swap(KeyMaterial next) throws PortcullisException {
    Objects.requireNonNull(next);
    Snapshot old = snapshot;
    try {
      revalidate(next);
    } catch (PortcullisException e) {
      LOG.log(
          Level.WARNING,
          KeySourceMessage.CREDENTIALS_REFUSED.format(
              old.current().material().alias(), e.getMessage()));
      throw e;
    }
    snapshot = new Snapshot(new Generation(old.current().number() + 1, next), old.current());
    X509Certificate leaf = next.certificate();
    LOG.info(
        KeySourceMessage.KEY_MANAGER_SERVES.format(
            next.alias(),
            leaf.getSubjectX500Principal().getName(),
            leaf.getNotAfter().toInstant()));
  }

  /** The material served now. */
  public KeyMaterial current() {
    return snapshot.current().material();
  }

  private static void revalidate(KeyMaterial material) throws PortcullisException {
    KeyMaterial.checkMatches(
        material.alias(), material.privateKey(), material.certificate().getPublicKey());
  }

  private String aliasFor(String keyType) {
    Generation current = snapshot.current();
    return keyType != null && matches(keyType, current.material()) ? current.alias() : null;
  }

  private String aliasFor(String[] keyTypes) {
    if (keyTypes == null) {
      return null;
    }
    for (String keyType : keyTypes) {
      String alias = aliasFor(keyType);
      if (alias != null) {
        return alias;
      }
    }
    return null;
  }

  /**
   * JSSE asks for {@code EC}, {@code RSA}, {@code RSASSA-PSS} or TLS 1.2 forms like {@code EC_EC}.
   */
  private static boolean matches(String keyType, KeyMaterial material) {
    String algorithm = material.privateKey().getAlgorithm();
    return keyType.equalsIgnoreCase(algorithm) || keyType.startsWith(algorithm + "_");
  }

  private KeyMaterial lookup(String alias) {
    Snapshot now = snapshot;
    if (alias == null) {
      return null;
    }
    if (alias.equals(now.current().alias())) {
      return now.current().material();
    }
    if (now.previous() != null && alias.equals(now.previous().alias())) {
      return now.previous().material();
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return aliasFor(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    KeyMaterial material = lookup(alias);
    return material == null ? null : material.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    KeyMaterial material = lookup(alias);
    return material == null ? null : material.privateKey();
  }
}
