package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * One TLS identity at one instant: the private key (perhaps only a handle into a token), its
 * certificate chain leaf first, and the key store and provider it lives in. Built only through
 * {@link #of}, which proves with a signature that the leaf certifies this private key.
 */
public final class KeyMaterial {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String alias;
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;
  private final KeyStore keyStore;

  private KeyMaterial(
      String alias, PrivateKey privateKey, List<X509Certificate> chain, KeyStore keyStore) {
    this.alias = alias;
    this.privateKey = privateKey;
    this.chain = chain;
    this.keyStore = keyStore;
  }

  /**
   * Validated key material.
   *
   * @throws PortcullisException PRTC0508E when the chain is empty or its leaf does not certify
   *     {@code privateKey}
   */
  public static KeyMaterial of(
      String alias, PrivateKey privateKey, List<X509Certificate> chain, KeyStore keyStore)
      throws PortcullisException {
    Objects.requireNonNull(alias);
    Objects.requireNonNull(privateKey);
    Objects.requireNonNull(keyStore);
    List<X509Certificate> copy = List.copyOf(chain);
    if (copy.isEmpty()) {
      throw KeySourceMessage.CERTIFICATE_KEY_MISMATCH.exception(
          alias, "the certificate chain is empty");
    }
    checkMatches(alias, privateKey, copy.get(0).getPublicKey());
    return new KeyMaterial(alias, privateKey, copy, keyStore);
  }

  /**
   * Proves that {@code publicKey} belongs to {@code privateKey} by signing a random challenge: the
   * only check that works for a key that never leaves its token.
   */
  static void checkMatches(String alias, PrivateKey privateKey, PublicKey publicKey)
      throws PortcullisException {
    if (!privateKey.getAlgorithm().equalsIgnoreCase(publicKey.getAlgorithm())) {
      throw KeySourceMessage.CERTIFICATE_KEY_MISMATCH.exception(
          alias,
          "the key is "
              + privateKey.getAlgorithm()
              + " but the certificate holds a "
              + publicKey.getAlgorithm()
              + " key");
    }
    String algorithm = KeyType.signatureAlgorithmFor(privateKey.getAlgorithm());
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    boolean verified;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      verified = verifier.verify(signature);
    } catch (GeneralSecurityException | java.security.ProviderException e) {
      throw Pkcs11Errors.translate(e, "the key under alias " + alias)
          .orElseGet(
              () ->
                  KeySourceMessage.CERTIFICATE_KEY_MISMATCH.causedBy(
                      e, alias, "a test signature failed: " + e.getMessage()));
    }
    if (!verified) {
      throw KeySourceMessage.CERTIFICATE_KEY_MISMATCH.exception(
          alias, "the certificate's public key does not verify the key's signature");
    }
  }

  /**
   * Signs a few bytes with the private key: a token that restarted, failed over or logged the
   * session out refuses a key handle it once honoured, and this is how to find out.
   *
   * @throws GeneralSecurityException or {@link java.security.ProviderException} (a PKCS#11 error)
   *     when the key no longer signs
   */
  public void probeSignature() throws GeneralSecurityException {
    Signature probe =
        Signature.getInstance(KeyType.signatureAlgorithmFor(privateKey.getAlgorithm()));
    probe.initSign(privateKey);
    probe.update(new byte[] {1});
    probe.sign();
  }

  public String alias() {
    return alias;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  public KeyStore keyStore() {
    return keyStore;
  }

  /** The provider of the key store: SunPKCS11 for tokens, where the key's operations run. */
  public Provider provider() {
    return keyStore.getProvider();
  }

  @Override
  public String toString() {
    return "KeyMaterial[alias="
        + alias
        + ", subject="
        + certificate().getSubjectX500Principal().getName()
        + ", notAfter="
        + certificate().getNotAfter().toInstant()
        + ", provider="
        + provider().getName()
        + "]";
  }
}
