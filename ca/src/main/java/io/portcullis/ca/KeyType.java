package io.portcullis.ca;

import io.portcullis.PortcullisException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Locale;

/**
 * The key types the CA issues for and signs with. Anything weaker than these is below policy: RSA
 * under 2048 bits and curves other than P-256 and P-384 are refused.
 */
public enum KeyType {
  P256("P-256", "EC", 256, "SHA256withECDSA"),
  P384("P-384", "EC", 384, "SHA384withECDSA"),
  RSA2048("RSA-2048", "RSA", 2048, "SHA256withRSA"),
  RSA3072("RSA-3072", "RSA", 3072, "SHA256withRSA"),
  RSA4096("RSA-4096", "RSA", 4096, "SHA384withRSA");

  private final String label;
  private final String algorithm;
  private final int bits;
  private final String signatureAlgorithm;

  KeyType(String label, String algorithm, int bits, String signatureAlgorithm) {
    this.label = label;
    this.algorithm = algorithm;
    this.bits = bits;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** The operator's name for the type: {@code P-256}, {@code P-384}, {@code RSA-3072}... */
  public String label() {
    return label;
  }

  /** The JCA signature algorithm a key of this type signs with. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  /** The type named {@code text} ({@code P-256}, {@code p256}, {@code RSA-3072}...). */
  public static KeyType parse(String text) throws PortcullisException {
    String wanted = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace("_", "-");
    for (KeyType type : values()) {
      if (type.label.equals(wanted) || type.name().equals(wanted.replace("-", ""))) {
        return type;
      }
    }
    throw CaMessage.VALUE_INVALID.exception(
        "key type", text, "P-256, P-384, RSA-2048, RSA-3072, RSA-4096");
  }

  /**
   * The type of {@code key}, or a refusal when the key is of no supported type or weaker than
   * policy ({@code PRTC0416E}).
   */
  public static KeyType of(PublicKey key) throws PortcullisException {
    if (key instanceof ECPublicKey ec) {
      int size = ec.getParams().getCurve().getField().getFieldSize();
      String curve = ec.getParams().toString();
      if (size == 256 && isNamedCurve(ec, "secp256r1")) {
        return P256;
      }
      if (size == 384 && isNamedCurve(ec, "secp384r1")) {
        return P384;
      }
      throw CaMessage.KEY_NOT_ALLOWED.exception(
          "EC " + size + " bits (" + curve + ")", "P-256 or P-384");
    }
    if (key instanceof RSAPublicKey rsa) {
      int size = rsa.getModulus().bitLength();
      for (KeyType type : new KeyType[] {RSA4096, RSA3072, RSA2048}) {
        if (size == type.bits) {
          return type;
        }
      }
      throw CaMessage.KEY_NOT_ALLOWED.exception(
          "RSA " + size + " bits", "RSA 2048, 3072 or 4096 bits");
    }
    throw CaMessage.KEY_NOT_ALLOWED.exception(
        key == null ? "no key" : key.getAlgorithm(), "EC P-256/P-384 or RSA");
  }

  private static boolean isNamedCurve(ECPublicKey key, String curve) {
    try {
      java.security.AlgorithmParameters params =
          java.security.AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec(curve));
      java.security.spec.ECParameterSpec expected =
          params.getParameterSpec(java.security.spec.ECParameterSpec.class);
      java.security.spec.ECParameterSpec actual = key.getParams();
      return expected.getCurve().equals(actual.getCurve())
          && expected.getGenerator().equals(actual.getGenerator())
          && expected.getOrder().equals(actual.getOrder());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A new software key pair of this type. */
  public KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if ("EC".equals(algorithm)) {
        generator.initialize(
            new ECGenParameterSpec(bits == 256 ? "secp256r1" : "secp384r1"), random);
      } else {
        generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 17 generates " + label + " keys", e);
    }
  }

  /** Whether keys of this type are RSA keys (they also get keyEncipherment). */
  public boolean isRsa() {
    return "RSA".equals(algorithm);
  }

  @Override
  public String toString() {
    return label;
  }
}
