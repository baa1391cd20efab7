package io.portcullis.keys;

import io.portcullis.PortcullisException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Locale;

/** The key pairs Portcullis generates in a token. */
public enum KeyAlgorithm {
  EC_P256("EC", "SHA256withECDSA", "EC P-256"),
  RSA_2048("RSA", "SHA256withRSA", "RSA 2048");

  private final String keyAlgorithm;
  private final String signatureAlgorithm;
  private final String display;

  KeyAlgorithm(String keyAlgorithm, String signatureAlgorithm, String display) {
    this.keyAlgorithm = keyAlgorithm;
    this.signatureAlgorithm = signatureAlgorithm;
    this.display = display;
  }

  @Override
  public String toString() {
    return display;
  }

  /** The JCA key algorithm name ({@code EC}, {@code RSA}). */
  public String keyAlgorithm() {
    return keyAlgorithm;
  }

  /** The JCA signature algorithm used for CSRs and self-checks. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  AlgorithmParameterSpec parameters() {
    return this == EC_P256
        ? new ECGenParameterSpec("secp256r1")
        : new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4);
  }

  /** Parses {@code EC-P256}, {@code ec_p256}, {@code RSA-2048} and the like. */
  public static KeyAlgorithm parse(String value) throws PortcullisException {
    String normalised = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return valueOf(normalised);
    } catch (IllegalArgumentException e) {
      throw KeySourceMessage.CONFIG_INVALID.exception(
          "algorithm " + value + " is not one of EC-P256, RSA-2048");
    }
  }

  /** The signature algorithm that suits a key of JCA algorithm {@code keyAlgorithm}. */
  static String signatureAlgorithmFor(String keyAlgorithm) {
    return "RSA".equalsIgnoreCase(keyAlgorithm) ? "SHA256withRSA" : "SHA256withECDSA";
  }
}
