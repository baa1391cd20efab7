package io.portcullis.ca;

import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Proof that a renewal comes from the holder of the current certificate's key: a detached signature
 * by the <em>current</em> key over {@code "portcullis-renewal-v1" || 0x00 || DER of the new CSR}.
 * The new CSR is itself signed by the <em>new</em> key, so one request proves possession of both.
 * The context prefix keeps the signature from being mistaken for (or reused as) any other signature
 * the key makes. Algorithm: SHA-256 with ECDSA for EC keys (SHA-384 for P-384), SHA-256 with RSA
 * (PKCS#1 v1.5) for RSA keys, as {@link KeyType#signatureAlgorithm()} says.
 *
 * <p>With OpenSSL: {@code { printf 'portcullis-renewal-v1\0'; cat new.csr.der; } | openssl dgst
 * -sha256 -sign current-key.pem -out proof.sig}.
 */
public final class RenewalProof {
  static final byte[] CONTEXT = "portcullis-renewal-v1\0".getBytes(StandardCharsets.US_ASCII);

  private RenewalProof() {}

  /** Signs {@code csrDer} with the current key; the result goes with the renewal request. */
  public static byte[] sign(PrivateKey currentKey, KeyType currentKeyType, byte[] csrDer)
      throws PortcullisException {
    try {
      Signature signature = Signature.getInstance(currentKeyType.signatureAlgorithm());
      signature.initSign(currentKey);
      signature.update(CONTEXT);
      signature.update(csrDer);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw CaMessage.RENEWAL_PROOF_MISSING.causedBy(e, "(signing)", e.getMessage());
    }
  }

  /** Whether {@code proof} is the current key's signature over {@code csrDer}. */
  static boolean verify(PublicKey currentKey, byte[] csrDer, byte[] proof)
      throws PortcullisException {
    try {
      Signature signature = Signature.getInstance(KeyType.of(currentKey).signatureAlgorithm());
      signature.initVerify(currentKey);
      signature.update(CONTEXT);
      signature.update(csrDer);
      return signature.verify(proof);
    } catch (GeneralSecurityException | RuntimeException e) {
      // A malformed signature is a failed proof, not an error of the CA.
      return false;
    }
  }
}
