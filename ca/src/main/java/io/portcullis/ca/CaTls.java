package io.portcullis.ca;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts for {@code ca serve} and its clients: own chain and key, the CA root as anchor. */
public final class CaTls {
  private CaTls() {}

  /**
   * A TLS 1.3/1.2 context presenting {@code chain} (leaf first) with {@code key} (null for a client
   * without a certificate, for first issuance) and trusting only {@code anchor}.
   */
  public static SSLContext context(
      List<X509Certificate> chain, PrivateKey key, X509Certificate anchor, SecureRandom random)
      throws GeneralSecurityException {
    try {
      char[] transientPassword = new char[0];
      KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      if (key != null) {
        keyStore.setKeyEntry("self", key, transientPassword, chain.toArray(new Certificate[0]));
      }
      keys.init(keyStore, transientPassword);
      return context(keys.getKeyManagers()[0], List.of(anchor), random);
    } catch (IOException e) {
      throw new GeneralSecurityException("an in-memory key store cannot fail to load", e);
    }
  }

  /**
   * A TLS 1.3/1.2 context presenting what {@code keys} chooses (none when null) and trusting only
   * {@code anchors}: for a credential whose key a key store cannot hold, such as a token key.
   */
  public static SSLContext context(KeyManager keys, List<X509Certificate> anchors)
      throws GeneralSecurityException {
    return context(keys, anchors, null);
  }

  private static SSLContext context(
      KeyManager keys, List<X509Certificate> anchors, SecureRandom random)
      throws GeneralSecurityException {
    try {
      KeyStore trustStore = KeyStore.getInstance("PKCS12");
      trustStore.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        trustStore.setCertificateEntry("root-" + i, anchors.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
      trust.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : new KeyManager[] {keys}, trust.getTrustManagers(), random);
      return context;
    } catch (IOException e) {
      throw new GeneralSecurityException("an in-memory key store cannot fail to load", e);
    }
  }
}
