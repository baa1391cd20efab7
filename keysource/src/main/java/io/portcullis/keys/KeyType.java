package io.portcullis.keys;

import io.portcullis.messages.PortcullisException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The key types Portcullis generates, in software or inside a token, and signs with: the CA's root
 * and area keys, workload keys, key-source keys. Anything weaker is below policy: RSA under 2048
 * bits and curves other than P-256 and P-384 have no type here.
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

  /** The JCA key algorithm ({@code EC}, {@code RSA}). */
  public String keyAlgorithm() {
    return algorithm;
  }

  /** The JCA signature algorithm a key of this type signs with. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  /** Whether keys of this type are RSA keys (they also get keyEncipherment). */
  public boolean isRsa() {
    return "RSA".equals(algorithm);
  }

  /** The parameters a {@link KeyPairGenerator} of {@link #keyAlgorithm()} takes. */
  public AlgorithmParameterSpec parameters() {
    return isRsa()
        ? new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4)
        : new ECGenParameterSpec(bits == 256 ? "secp256r1" : "secp384r1");
  }

  /** A new software key pair of this type. */
  public KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize(parameters(), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 17 generates " + label + " keys", e);
    }
  }

  /**
   * The type named {@code text}: {@code P-256}, {@code p256}, {@code EC-P256}, {@code RSA-3072},
   * {@code rsa_3072}... ({@code PRTC0533E} when it names none).
   */
  public static KeyType parse(String text) throws PortcullisException {
    String wanted =
        text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replaceAll("[-_ ]", "");
    if (wanted.startsWith("ECP")) {
      wanted = wanted.substring(2);
    }
    for (KeyType type : values()) {
      if (type.name().equals(wanted)) {
        return type;
      }
    }
    throw KeySourceMessage.KEY_TYPE_UNSUPPORTED.exception(text, labels());
  }

  /** The type of {@code key}, if it has one (a key weaker than policy has none). */
  public static Optional<KeyType> find(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      for (KeyType type : new KeyType[] {P256, P384}) {
        if (ec.getParams().getCurve().getField().getFieldSize() == type.bits && type.isCurve(ec)) {
          return Optional.of(type);
        }
      }
    } else if (key instanceof RSAPublicKey rsa) {
      int size = rsa.getModulus().bitLength();
      return Arrays.stream(values()).filter(t -> t.isRsa() && t.bits == size).findFirst();
    }
    return Optional.empty();
  }

  /** The type of {@code key}, or {@code PRTC0533E} when it has none. */
  public static KeyType of(PublicKey key) throws PortcullisException {
    return find(key)
        .orElseThrow(
            () -> KeySourceMessage.KEY_TYPE_UNSUPPORTED.exception(describe(key), labels()));
  }

  /** What {@code key} is, for a refusal: {@code EC 521 bits}, {@code RSA 1024 bits}, ... */
  public static String describe(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return "EC " + ec.getParams().getCurve().getField().getFieldSize() + " bits";
    }
    if (key instanceof RSAPublicKey rsa) {
      return "RSA " + rsa.getModulus().bitLength() + " bits";
    }
    return key == null ? "no key" : key.getAlgorithm();
  }

  /** The signature algorithm that suits a key of JCA algorithm {@code keyAlgorithm}. */
  static String signatureAlgorithmFor(String keyAlgorithm) {
    return "RSA".equalsIgnoreCase(keyAlgorithm) ? "SHA256withRSA" : "SHA256withECDSA";
  }

  private static String labels() {
    return Arrays.stream(values()).map(KeyType::label).collect(Collectors.joining(", "));
  }

  private boolean isCurve(ECPublicKey key) {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(parameters());
      ECParameterSpec expected = params.getParameterSpec(ECParameterSpec.class);
      ECParameterSpec actual = key.getParams();
      return expected.getCurve().equals(actual.getCurve())
          && expected.getGenerator().equals(actual.getGenerator())
          && expected.getOrder().equals(actual.getOrder());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return label;
  }
}
