package io.portcullis.trust;

import io.portcullis.messages.MessageId;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * What every trust check reads of a certificate: the OIDs and key usage bits it looks for, its name
 * in a message, and the refusal they return. Holds no check itself.
 */
final class Certificates {
  static final String EKU_ANY = "2.5.29.37.0";
  static final String OID_BASIC_CONSTRAINTS = "2.5.29.19";
  static final String OID_SAN = "2.5.29.17";
  static final String OID_NAME_CONSTRAINTS = "2.5.29.30";
  static final String OID_SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
  static final String OID_AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
  static final String OID_POLICY_CONSTRAINTS = "2.5.29.36";
  static final String OID_AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";
  static final String OID_SUBJECT_INFO_ACCESS = "1.3.6.1.5.5.7.1.11";
  static final String OID_EXTENDED_KEY_USAGE = "2.5.29.37";
  static final int KU_DIGITAL_SIGNATURE = 0;
  static final int KU_KEY_ENCIPHERMENT = 2;
  static final int KU_DATA_ENCIPHERMENT = 3;
  static final int KU_KEY_AGREEMENT = 4;
  static final int KU_KEY_CERT_SIGN = 5;
  static final int KU_CRL_SIGN = 6;

  private Certificates() {}

  static boolean isCritical(Set<String> critical, String oid) {
    return critical != null && critical.contains(oid);
  }

  /** The anchor certificate's own name constraints, or {@code null}. */
  static NameConstraints nameConstraintsOf(X509Certificate anchor) {
    byte[] value = anchor.getExtensionValue(OID_NAME_CONSTRAINTS);
    if (value == null) {
      return null;
    }
    return NameConstraints.getInstance(ASN1OctetString.getInstance(value).getOctets());
  }

  static Optional<TrustDecision.Rejected> refuse(MessageId message, Object... args) {
    return Optional.of(TrustDecision.reject(message, args));
  }

  static boolean bit(boolean[] bits, int index) {
    return bits != null && bits.length > index && bits[index];
  }

  static String subject(X509Certificate cert) {
    String name = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    return name.isEmpty() ? serialOf(cert) : name;
  }

  static String serialOf(X509Certificate cert) {
    return "(serial " + cert.getSerialNumber().toString(16) + ")";
  }
}
