package io.portcullis.renewal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one key and chain, whatever the peer asks for, on either side of a handshake: the
 * renewal self-test's server, and a client that proves its current credential to an issuer. The key
 * may be a handle into a token; JSSE signs with it through its provider.
 */
public final class FixedKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "credential";
  private final PrivateKey key;
  private final Supplier<List<X509Certificate>> chain;

  /** {@code chain} leaf first, the leaf certifying {@code key}'s public half. */
  public FixedKeyManager(PrivateKey key, List<X509Certificate> chain) {
    this(key, fixed(chain));
  }

  /**
   * The chain {@code chain} gives at each handshake (leaf first, always the same leaf): for a
   * server whose intermediates change while it runs, such as {@code ca serve} during a root
   * rollover.
   */
  public FixedKeyManager(PrivateKey key, Supplier<List<X509Certificate>> chain) {
    this.key = key;
    this.chain = chain;
  }

  private static Supplier<List<X509Certificate>> fixed(List<X509Certificate> chain) {
    List<X509Certificate> copy = List.copyOf(chain);
    return () -> copy;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return chain.get().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return key;
  }
}
