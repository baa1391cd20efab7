package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The deployment's {@link TrustPolicy}, beyond what RFC 5280 asks: a CA refused as a caller, the
 * leaf's extended key usage and lifetime, key strength and signature algorithms, and a CA's
 * extended key usage limiting the certificates under it as the common verifiers read it.
 */
final class PolicyChecks {
  /** No deployment goes below these: RSA moduli of fewer bits are refused even by the standards. */
  static final int UNIVERSAL_MIN_RSA_BITS = 2048;

  /** Digests no signature may use, whatever the policy: collisions are practical. */
  private static final List<String> BROKEN_DIGESTS = List.of("MD2", "MD5", "SHA1");

  private PolicyChecks() {}

  /**
   * Deployment policy, not the standards: RFC 5280 lets a CA certificate be an end entity, but a
   * key that can sign certificates does not authenticate as a workload here.
   */
  static Optional<TrustDecision.Rejected> caAsLeaf(X509Certificate cert) {
    if (cert.getBasicConstraints() >= 0) {
      return Certificates.refuse(
          CoreMessage.LEAF_IS_CA, Certificates.subject(cert), "basicConstraints says cA=true");
    }
    boolean[] keyUsage = cert.getKeyUsage();
    if (Certificates.bit(keyUsage, Certificates.KU_KEY_CERT_SIGN)
        || Certificates.bit(keyUsage, Certificates.KU_CRL_SIGN)) {
      return Certificates.refuse(
          CoreMessage.LEAF_IS_CA,
          Certificates.subject(cert),
          "keyUsage allows keyCertSign or cRLSign");
    }
    return Optional.empty();
  }

  /**
   * A CA certificate (anchor or intermediate) that carries an extended key usage limits what the
   * certificates under it may do, as OpenSSL and the other common verifiers read it: one without
   * the purpose (or anyExtendedKeyUsage) vouches for no leaf of that purpose.
   */
  static Optional<TrustDecision.Rejected> caExtendedKeyUsage(X509Certificate ca, Purpose purpose) {
    if (purpose == null) {
      return Optional.empty();
    }
    try {
      List<String> eku = ca.getExtendedKeyUsage();
      if (eku == null || eku.contains(Certificates.EKU_ANY) || eku.contains(purpose.ekuOid())) {
        return Optional.empty();
      }
      return Certificates.refuse(
          CoreMessage.CA_EKU_EXCLUDES_PURPOSE, Certificates.subject(ca), eku, purpose);
    } catch (CertificateParsingException e) {
      return Certificates.refuse(
          CoreMessage.EKU_UNREADABLE, Certificates.subject(ca), e.getMessage());
    }
  }

  static Optional<TrustDecision.Rejected> extendedKeyUsage(
      X509Certificate leaf, Purpose purpose, TrustPolicy policy) {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku == null) {
        // RFC 5280 4.2.1.12: without the extension the key is not restricted by EKU.
        return policy.requireEku()
            ? Certificates.refuse(CoreMessage.EKU_MISSING, Certificates.subject(leaf), purpose)
            : Optional.empty();
      }
      boolean any = policy.allowAnyEku() && eku.contains(Certificates.EKU_ANY);
      if (!eku.contains(purpose.ekuOid()) && !any) {
        return Certificates.refuse(
            CoreMessage.EKU_NOT_ALLOWED, Certificates.subject(leaf), purpose, eku);
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return Certificates.refuse(
          CoreMessage.EKU_UNREADABLE, Certificates.subject(leaf), e.getMessage());
    }
  }

  static Optional<TrustDecision.Rejected> lifetime(X509Certificate leaf, TrustPolicy policy) {
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (policy.refuseNoExpiry() && !notAfter.isBefore(NO_EXPIRY)) {
      return Certificates.refuse(CoreMessage.NO_EXPIRY, Certificates.subject(leaf));
    }
    Duration max = policy.maxLeafLifetime();
    if (max != null && Duration.between(notBefore, notAfter).compareTo(max) > 0) {
      return Certificates.refuse(
          CoreMessage.LIFETIME_TOO_LONG,
          Certificates.subject(leaf),
          Duration.between(notBefore, notAfter).toDays(),
          max.toDays());
    }
    return Optional.empty();
  }

  /**
   * The key of {@code cert}: RSA of at least {@value #UNIVERSAL_MIN_RSA_BITS} bits (or the policy's
   * floor, if higher) in whole bytes, EC at or above the policy's floor, EdDSA; any other type
   * (DSA) is refused. The universal floors hold whatever the policy says.
   */
  static Optional<TrustDecision.Rejected> keyStrength(
      X509Certificate cert, PublicKey key, TrustPolicy policy) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits % 8 != 0) {
        return Certificates.refuse(
            CoreMessage.RSA_MODULUS_MALFORMED, Certificates.subject(cert), bits);
      }
      int floor = Math.max(UNIVERSAL_MIN_RSA_BITS, policy.minRsaBits());
      return bits < floor
          ? Certificates.refuse(
              CoreMessage.KEY_TOO_SMALL, Certificates.subject(cert), "RSA", bits, floor)
          : Optional.empty();
    }
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits < policy.minEcBits()
          ? Certificates.refuse(
              CoreMessage.KEY_TOO_SMALL, Certificates.subject(cert), "EC", bits, policy.minEcBits())
          : Optional.empty();
    }
    if (key instanceof EdECPublicKey) {
      return Optional.empty();
    }
    return Certificates.refuse(
        CoreMessage.KEY_TYPE_REFUSED, Certificates.subject(cert), key.getAlgorithm());
  }

  static Optional<TrustDecision.Rejected> signatureAlgorithm(
      X509Certificate cert, TrustPolicy policy) {
    String name = cert.getSigAlgName().toUpperCase(Locale.ROOT);
    for (String digest : BROKEN_DIGESTS) {
      if (name.startsWith(digest + "WITH")) {
        return Certificates.refuse(
            CoreMessage.SIGNATURE_ALGORITHM_REFUSED,
            Certificates.subject(cert),
            cert.getSigAlgName());
      }
    }
    Set<String> allowed = policy.allowedSignatureAlgorithms();
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    if (!allowed.contains(name)) {
      return Certificates.refuse(
          CoreMessage.SIGNATURE_ALGORITHM_REFUSED,
          Certificates.subject(cert),
          cert.getSigAlgName());
    }
    if (name.equals("RSASSA-PSS")) {
      try {
        AlgorithmParameters params = AlgorithmParameters.getInstance("RSASSA-PSS");
        params.init(cert.getSigAlgParams());
        String digest = params.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm();
        String normal = digest.toUpperCase(Locale.ROOT).replace("-", "");
        if (!allowed.contains(normal + "WITHRSA")) {
          return Certificates.refuse(
              CoreMessage.SIGNATURE_ALGORITHM_REFUSED,
              Certificates.subject(cert),
              "RSASSA-PSS with " + digest);
        }
      } catch (GeneralSecurityException | IOException | RuntimeException e) {
        return Certificates.refuse(
            CoreMessage.SIGNATURE_ALGORITHM_REFUSED,
            Certificates.subject(cert),
            "RSASSA-PSS: " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static final Instant NO_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");
}
