package io.portcullis.trust;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Extension;

/**
 * RFC 5280's rules for a CRL beyond its signature, which decide whether it is fit to revoke with: a
 * CRL number that is present, not critical and a whole number of at most 20 octets (5.2.3), and a
 * signer whose key usage, when it has one, allows CRL signing (4.2.1.3). The JDK ignores a CRL
 * whose signer lacks cRLSign, which under soft-fail reads as "not revoked".
 */
public final class CrlProfile {
  private static final String CRL_NUMBER = Extension.cRLNumber.getId();
  private static final int KU_CRL_SIGN = 6;
  private static final int MAX_CRL_NUMBER_OCTETS = 20;

  private CrlProfile() {}

  /**
   * What makes {@code crl} unfit, naming the clause; empty when it is fit.
   *
   * @param signer the CA certificate whose key verifies the CRL; {@code null} when not known
   */
  public static Optional<String> problem(X509CRL crl, X509Certificate signer) {
    byte[] extension = crl.getExtensionValue(CRL_NUMBER);
    if (extension == null) {
      return Optional.of("RFC 5280 5.2.3: it carries no CRL number");
    }
    Set<String> critical = crl.getCriticalExtensionOIDs();
    if (critical != null && critical.contains(CRL_NUMBER)) {
      return Optional.of("RFC 5280 5.2.3: its CRL number is marked critical");
    }
    Optional<BigInteger> number = number(crl);
    if (number.isEmpty()) {
      return Optional.of("RFC 5280 5.2.3: its CRL number is not an integer");
    }
    if (number.get().signum() < 0 || number.get().toByteArray().length > MAX_CRL_NUMBER_OCTETS) {
      return Optional.of(
          "RFC 5280 5.2.3: its CRL number is not a whole number of at most 20 octets");
    }
    if (signer != null) {
      boolean[] keyUsage = signer.getKeyUsage();
      if (keyUsage != null && (keyUsage.length <= KU_CRL_SIGN || !keyUsage[KU_CRL_SIGN])) {
        return Optional.of(
            "RFC 5280 4.2.1.3: its signer "
                + Certificates.subject(signer)
                + " may not sign CRLs (keyUsage lacks cRLSign)");
      }
    }
    return Optional.empty();
  }

  /** The CRL number of {@code crl}; empty when it has none or it does not parse. */
  static Optional<BigInteger> number(X509CRL crl) {
    byte[] extension = crl.getExtensionValue(CRL_NUMBER);
    if (extension == null) {
      return Optional.empty();
    }
    try {
      byte[] inner = ASN1OctetString.getInstance(extension).getOctets();
      return Optional.of(ASN1Integer.getInstance(ASN1Primitive.fromByteArray(inner)).getValue());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The certificate of {@code candidates} named as {@code crl}'s issuer whose key verifies it. */
  public static Optional<X509Certificate> signer(
      X509CRL crl, Collection<X509Certificate> candidates) {
    for (X509Certificate candidate : candidates) {
      if (candidate.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
        try {
          crl.verify(candidate.getPublicKey());
          return Optional.of(candidate);
        } catch (GeneralSecurityException | RuntimeException e) {
          // another certificate of the same name may hold the key
        }
      }
    }
    return Optional.empty();
  }
}
