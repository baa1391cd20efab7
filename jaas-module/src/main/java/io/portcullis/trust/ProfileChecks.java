package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.TBSCertificate;

/**
 * RFC 5280 section 4: the certificate profile a verifier holds each certificate of a validated path
 * to (serial number, validity encoding, critical extensions, key identifiers, where an extension
 * may stand, a CA's basic constraints and key usage, a leaf's key usage for the purpose). Checks
 * the RFC puts on the issuer rather than the verifier apply only where the policy holds issuers to
 * their duties.
 */
final class ProfileChecks {
  /** Critical extensions a PKIX validator processes; anything else critical is refused. */
  private static final Set<String> UNDERSTOOD_CRITICAL =
      Set.of(
          "2.5.29.15", // key usage
          Certificates.OID_BASIC_CONSTRAINTS,
          Certificates.OID_SAN,
          Certificates.OID_NAME_CONSTRAINTS,
          "2.5.29.32", // certificate policies
          "2.5.29.33", // policy mappings
          "2.5.29.36", // policy constraints
          "2.5.29.37", // extended key usage
          "2.5.29.54"); // inhibit anyPolicy

  private static final Pattern UTC_TIME = Pattern.compile("\\d{12}Z");
  private static final Pattern GENERALIZED_TIME = Pattern.compile("\\d{14}Z");

  private ProfileChecks() {}

  /**
   * RFC 5280 4.2.1.1 and 4.2.1.2: a CA certificate names its key (subject key identifier); every
   * certificate but a self-issued one names its issuer's (authority key identifier); neither
   * extension is critical. A missing authority key identifier is the issuer's fault, not a
   * verifier's reason (the issuer is found by name): refused only with {@code duties}.
   */
  static Optional<TrustDecision.Rejected> keyIdentifiers(
      X509Certificate cert, boolean isLeaf, Set<String> critical, boolean duties) {
    Optional<TrustDecision.Rejected> criticality = criticalKeyIdentifier(cert, critical);
    if (criticality.isPresent()) {
      return criticality;
    }
    if (!isLeaf && cert.getExtensionValue(Certificates.OID_SUBJECT_KEY_IDENTIFIER) == null) {
      return Certificates.refuse(
          CoreMessage.KEY_IDENTIFIER_BROKEN,
          Certificates.subject(cert),
          "4.2.1.2",
          "a CA certificate has no subject key identifier");
    }
    boolean selfIssued = cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
    if (duties
        && !selfIssued
        && cert.getExtensionValue(Certificates.OID_AUTHORITY_KEY_IDENTIFIER) == null) {
      return Certificates.refuse(
          CoreMessage.KEY_IDENTIFIER_BROKEN,
          Certificates.subject(cert),
          "4.2.1.1",
          "it has no authority key identifier");
    }
    return Optional.empty();
  }

  /**
   * RFC 5280 4.2.1.1 and 4.2.1.2: key identifiers are never critical. Checked of every presented
   * certificate before the JDK sees the chain, which would otherwise refuse it as carrying an
   * extension it does not process.
   */
  static Optional<TrustDecision.Rejected> criticalKeyIdentifier(
      X509Certificate cert, Set<String> critical) {
    if (critical != null && critical.contains(Certificates.OID_SUBJECT_KEY_IDENTIFIER)) {
      return Certificates.refuse(
          CoreMessage.KEY_IDENTIFIER_BROKEN,
          Certificates.subject(cert),
          "4.2.1.2",
          "the subject key identifier is marked critical");
    }
    if (critical != null && critical.contains(Certificates.OID_AUTHORITY_KEY_IDENTIFIER)) {
      return Certificates.refuse(
          CoreMessage.KEY_IDENTIFIER_BROKEN,
          Certificates.subject(cert),
          "4.2.1.1",
          "the authority key identifier is marked critical");
    }
    return Optional.empty();
  }

  /**
   * Where an extension may stand and how it is marked: name constraints only in a CA certificate
   * and critical (4.2.1.10), policy constraints critical (4.2.1.11), subject alternative names
   * critical only when the subject is empty (4.2.1.6), information access extensions well formed
   * (4.2.2.1, 4.2.2.2; the JDK keeps a malformed non-critical one as opaque bytes). Under the web
   * PKI profile ({@code webPki}) name constraints may be non-critical, as the Baseline Requirements
   * allow.
   */
  static Optional<TrustDecision.Rejected> extensionPlacement(
      X509Certificate cert, boolean isLeaf, Set<String> critical, boolean webPki) {
    boolean hasNameConstraints = cert.getExtensionValue(Certificates.OID_NAME_CONSTRAINTS) != null;
    // An end-entity certificate is one that is not a CA's, wherever it stands: a CA certificate
    // presented as the leaf may carry the name constraints it was made with.
    if (hasNameConstraints && isLeaf && cert.getBasicConstraints() < 0) {
      return Certificates.refuse(
          CoreMessage.EXTENSION_PROFILE_BROKEN,
          Certificates.subject(cert),
          "4.2.1.10",
          "an end-entity certificate carries name constraints");
    }
    if (hasNameConstraints
        && !webPki
        && !Certificates.isCritical(critical, Certificates.OID_NAME_CONSTRAINTS)) {
      return Certificates.refuse(
          CoreMessage.EXTENSION_PROFILE_BROKEN,
          Certificates.subject(cert),
          "4.2.1.10",
          "name constraints are not marked critical");
    }
    if (hasNameConstraints) {
      Optional<String> shape = NameChecks.constraintsShape(cert);
      if (shape.isPresent()) {
        return Certificates.refuse(
            CoreMessage.EXTENSION_PROFILE_BROKEN,
            Certificates.subject(cert),
            "4.2.1.10",
            shape.get());
      }
    }
    if (cert.getExtensionValue(Certificates.OID_POLICY_CONSTRAINTS) != null
        && !Certificates.isCritical(critical, Certificates.OID_POLICY_CONSTRAINTS)) {
      return Certificates.refuse(
          CoreMessage.EXTENSION_PROFILE_BROKEN,
          Certificates.subject(cert),
          "4.2.1.11",
          "policy constraints are not marked critical");
    }
    if (Certificates.isCritical(critical, Certificates.OID_SAN)
        && cert.getSubjectX500Principal().getEncoded().length > 2) {
      return Certificates.refuse(
          CoreMessage.EXTENSION_PROFILE_BROKEN,
          Certificates.subject(cert),
          "4.2.1.6",
          "subject alternative names are critical although the subject is not empty");
    }
    return malformedAccess(cert);
  }

  private static Optional<TrustDecision.Rejected> malformedAccess(X509Certificate cert) {
    String[][] extensions = {
      {Certificates.OID_AUTHORITY_INFO_ACCESS, "4.2.2.1", "authorityInfoAccess"},
      {Certificates.OID_SUBJECT_INFO_ACCESS, "4.2.2.2", "subjectInfoAccess"}
    };
    for (String[] extension : extensions) {
      byte[] value = cert.getExtensionValue(extension[0]);
      if (value == null) {
        continue;
      }
      try {
        byte[] inner = ASN1OctetString.getInstance(value).getOctets();
        AuthorityInformationAccess parsed =
            AuthorityInformationAccess.getInstance(ASN1Primitive.fromByteArray(inner));
        if (parsed.getAccessDescriptions().length == 0) {
          return Certificates.refuse(
              CoreMessage.EXTENSION_PROFILE_BROKEN,
              Certificates.subject(cert),
              extension[1],
              extension[2] + " holds no access description");
        }
      } catch (IOException | RuntimeException e) {
        return Certificates.refuse(
            CoreMessage.EXTENSION_PROFILE_BROKEN,
            Certificates.subject(cert),
            extension[1],
            extension[2] + " is not a sequence of access descriptions");
      }
    }
    return Optional.empty();
  }

  static Optional<TrustDecision.Rejected> unknownCritical(
      X509Certificate cert, Set<String> critical) {
    if (critical != null) {
      for (String oid : critical) {
        if (!UNDERSTOOD_CRITICAL.contains(oid)) {
          return Certificates.refuse(
              CoreMessage.UNKNOWN_CRITICAL_EXTENSION, Certificates.subject(cert), oid);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * What is wrong with a CA certificate's key usage: RFC 5280 6.1.4 (n) checks keyCertSign only
   * when the extension is present; its absence breaks the issuer's duty (4.2.1.3), refused only
   * with {@code duties}.
   */
  static Optional<String> caKeyUsage(X509Certificate ca, boolean duties) {
    boolean[] keyUsage = ca.getKeyUsage();
    if (keyUsage == null) {
      return duties ? Optional.of("keyUsage is missing") : Optional.empty();
    }
    return Certificates.bit(keyUsage, Certificates.KU_KEY_CERT_SIGN)
        ? Optional.empty()
        : Optional.of("keyUsage lacks keyCertSign");
  }

  /**
   * RFC 5280 4.2.1.12: anyExtendedKeyUsage is for issuers who do not want to restrict the key, so
   * the extension that holds it is not critical.
   */
  private static Optional<TrustDecision.Rejected> leafExtendedKeyUsage(
      X509Certificate cert, Set<String> critical) {
    if (!Certificates.isCritical(critical, Certificates.OID_EXTENDED_KEY_USAGE)) {
      return Optional.empty();
    }
    try {
      List<String> eku = cert.getExtendedKeyUsage();
      if (eku != null && eku.contains(Certificates.EKU_ANY)) {
        return Certificates.refuse(
            CoreMessage.EXTENSION_PROFILE_BROKEN,
            Certificates.subject(cert),
            "4.2.1.12",
            "a critical extended key usage holds anyExtendedKeyUsage");
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return Certificates.refuse(
          CoreMessage.EKU_UNREADABLE, Certificates.subject(cert), e.getMessage());
    }
  }

  /**
   * RFC 5280 section 4 rules for one certificate of the path; where the policy holds issuers to
   * their duties, also those the RFC puts on the CA that made it.
   */
  static Optional<TrustDecision.Rejected> profile(
      X509Certificate cert, boolean isLeaf, Purpose purpose, TrustPolicy policy) {
    boolean duties = policy.holdIssuersToDuties();
    BigInteger serial = cert.getSerialNumber();
    if (serial.signum() <= 0 || serial.bitLength() > 159) {
      return Certificates.refuse(
          CoreMessage.SERIAL_INVALID, Certificates.subject(cert), serial.toString(16));
    }
    Optional<TrustDecision.Rejected> encoding = validityEncoding(cert);
    if (encoding.isPresent()) {
      return encoding;
    }
    Set<String> critical = cert.getCriticalExtensionOIDs();
    Optional<TrustDecision.Rejected> unknown = unknownCritical(cert, critical);
    if (unknown.isPresent()) {
      return unknown;
    }
    Optional<TrustDecision.Rejected> identifiers = keyIdentifiers(cert, isLeaf, critical, duties);
    if (identifiers.isPresent()) {
      return identifiers;
    }
    Optional<TrustDecision.Rejected> placement =
        extensionPlacement(cert, isLeaf, critical, policy.webPki() != null);
    if (placement.isPresent()) {
      return placement;
    }
    boolean[] keyUsage = cert.getKeyUsage();
    if (!isLeaf) {
      if (cert.getBasicConstraints() < 0) {
        return Certificates.refuse(
            CoreMessage.CA_PROFILE_BROKEN,
            Certificates.subject(cert),
            "basicConstraints cA is not set");
      }
      if (critical == null || !critical.contains(Certificates.OID_BASIC_CONSTRAINTS)) {
        return Certificates.refuse(
            CoreMessage.CA_PROFILE_BROKEN,
            Certificates.subject(cert),
            "basicConstraints is not marked critical");
      }
      Optional<String> caKeyUsage = caKeyUsage(cert, duties);
      if (caKeyUsage.isPresent()) {
        return Certificates.refuse(
            CoreMessage.CA_PROFILE_BROKEN, Certificates.subject(cert), caKeyUsage.get());
      }
      return Optional.empty();
    }
    Optional<TrustDecision.Rejected> leafEku = leafExtendedKeyUsage(cert, critical);
    if (leafEku.isPresent()) {
      return leafEku;
    }
    if (keyUsage != null) {
      boolean ec = cert.getPublicKey() instanceof ECPublicKey;
      if (ec
          && (Certificates.bit(keyUsage, Certificates.KU_KEY_ENCIPHERMENT)
              || Certificates.bit(keyUsage, Certificates.KU_DATA_ENCIPHERMENT))) {
        return Certificates.refuse(
            CoreMessage.KEY_USAGE_MISFIT,
            Certificates.subject(cert),
            "an EC key cannot be used for key or data encipherment");
      }
      boolean usable =
          purpose == Purpose.CLIENT
              ? Certificates.bit(keyUsage, Certificates.KU_DIGITAL_SIGNATURE)
              : Certificates.bit(keyUsage, Certificates.KU_DIGITAL_SIGNATURE)
                  || Certificates.bit(keyUsage, Certificates.KU_KEY_ENCIPHERMENT)
                  || Certificates.bit(keyUsage, Certificates.KU_KEY_AGREEMENT);
      if (!usable) {
        return Certificates.refuse(
            CoreMessage.KEY_USAGE_MISFIT,
            Certificates.subject(cert),
            "keyUsage does not allow TLS " + purpose.name());
      }
    }
    if (cert.getSubjectX500Principal().getEncoded().length <= 2
        && (critical == null || !critical.contains(Certificates.OID_SAN))) {
      return Certificates.refuse(CoreMessage.EMPTY_SUBJECT, Certificates.serialOf(cert));
    }
    return Optional.empty();
  }

  private static Optional<TrustDecision.Rejected> validityEncoding(X509Certificate cert) {
    try {
      TBSCertificate tbs = Certificate.getInstance(cert.getEncoded()).getTBSCertificate();
      Optional<String> problem =
          timeProblem(tbs.getStartDate().toASN1Primitive())
              .or(() -> timeProblem(tbs.getEndDate().toASN1Primitive()));
      return problem.isEmpty()
          ? Optional.empty()
          : Certificates.refuse(
              CoreMessage.VALIDITY_ENCODING, Certificates.subject(cert), problem.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      return Certificates.refuse(CoreMessage.UNDECODABLE, Certificates.subject(cert), e.toString());
    }
  }

  /** What is wrong with a validity time's encoding (RFC 5280 4.1.2.5), or empty. */
  private static Optional<String> timeProblem(ASN1Primitive time) {
    if (time instanceof ASN1UTCTime utc) {
      String text = utc.getTime();
      String raw = new String(rawTime(utc), java.nio.charset.StandardCharsets.US_ASCII);
      return UTC_TIME.matcher(raw).matches()
          ? Optional.empty()
          : Optional.of("UTCTime " + text + " is not YYMMDDHHMMSSZ");
    }
    if (time instanceof ASN1GeneralizedTime generalized) {
      String raw = generalized.getTimeString();
      if (!GENERALIZED_TIME.matcher(raw).matches()) {
        return Optional.of("GeneralizedTime " + raw + " is not YYYYMMDDHHMMSSZ");
      }
      if (Integer.parseInt(raw.substring(0, 4)) < 2050) {
        return Optional.of(
            "GeneralizedTime " + raw + " is used for a date before 2050 (must be UTCTime)");
      }
      return Optional.empty();
    }
    return Optional.of("validity is neither UTCTime nor GeneralizedTime");
  }

  private static byte[] rawTime(ASN1UTCTime utc) {
    try {
      byte[] der = utc.getEncoded();
      // tag, one-byte length, then the characters: UTCTime is always shorter than 128 bytes
      return java.util.Arrays.copyOfRange(der, 2, der.length);
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
