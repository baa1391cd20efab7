package io.portcullis.trust;

import io.portcullis.identity.SubjectAltNames;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.MessageId;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;
import org.bouncycastle.asn1.x509.TBSCertificate;

/**
 * The checks Portcullis adds to a path the JDK has already validated: the RFC 5280 certificate
 * profile, the trust anchor's own name constraints, and the area's {@link TrustPolicy}. Each check
 * reads what the JDK or Bouncy Castle parsed; none re-implements path validation.
 */
final class PathChecks {
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

  /** No deployment goes below these: RSA moduli of fewer bits are refused even by the standards. */
  static final int UNIVERSAL_MIN_RSA_BITS = 2048;

  /** Digests no signature may use, whatever the policy: collisions are practical. */
  private static final List<String> BROKEN_DIGESTS = List.of("MD2", "MD5", "SHA1");

  /** Critical extensions a PKIX validator processes; anything else critical is refused. */
  private static final Set<String> UNDERSTOOD_CRITICAL =
      Set.of(
          "2.5.29.15", // key usage
          OID_BASIC_CONSTRAINTS,
          OID_SAN,
          OID_NAME_CONSTRAINTS,
          "2.5.29.32", // certificate policies
          "2.5.29.33", // policy mappings
          "2.5.29.36", // policy constraints
          "2.5.29.37", // extended key usage
          "2.5.29.54"); // inhibit anyPolicy

  private static final Instant NO_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");
  private static final Pattern UTC_TIME = Pattern.compile("\\d{12}Z");
  private static final Pattern GENERALIZED_TIME = Pattern.compile("\\d{14}Z");
  private static final int KU_DIGITAL_SIGNATURE = 0;
  private static final int KU_KEY_ENCIPHERMENT = 2;
  private static final int KU_DATA_ENCIPHERMENT = 3;
  private static final int KU_KEY_AGREEMENT = 4;
  private static final int KU_KEY_CERT_SIGN = 5;
  private static final int KU_CRL_SIGN = 6;

  private PathChecks() {}

  /**
   * Checks {@code path} (leaf first, trust anchor excluded) validated to {@code anchor}. The
   * per-certificate checks ({@link #certificate}) are pure functions of the certificate, its
   * position, the purpose and the area, so {@code memo} may answer them for a certificate it has
   * seen; path-level checks always run.
   *
   * @return the first rejection, or empty when every check passes
   */
  static Optional<TrustDecision> check(
      List<X509Certificate> path,
      TrustAnchor anchor,
      NameConstraints anchorConstraints,
      TrustPolicy policy,
      Purpose purpose,
      Instant now,
      CertificateMemo<Optional<TrustDecision>> memo) {
    X509Certificate leaf = path.get(0);
    int intermediates = path.size() - 1;
    if (intermediates > policy.maxChainDepth()) {
      // RFC 5280 6.1.4 (l): a self-issued certificate (a CA's key rollover) is not counted. Only
      // looked at past the limit: the JDK's name getters are not free on the handshake path.
      intermediates = 0;
      for (X509Certificate intermediate : path.subList(1, path.size())) {
        if (!intermediate.getSubjectX500Principal().equals(intermediate.getIssuerX500Principal())) {
          intermediates++;
        }
      }
    }
    if (intermediates > policy.maxChainDepth()) {
      return refuse(
          CoreMessage.PATH_TOO_DEEP, subject(leaf), intermediates, policy.maxChainDepth());
    }
    X509Certificate anchorCert = anchor.getTrustedCert();
    for (int i = 0; i < path.size(); i++) {
      X509Certificate cert = path.get(i);
      boolean isLeaf = i == 0;
      Optional<TrustDecision> rejection =
          memo.answer(
              cert,
              isLeaf,
              purpose,
              anchorCert,
              () -> certificate(cert, isLeaf, anchorConstraints, policy, purpose));
      if (rejection.isPresent()) {
        return rejection;
      }
    }
    if (anchorCert != null) {
      Optional<TrustDecision> validity = anchorValidity(anchorCert, now);
      if (validity.isPresent()) {
        return validity;
      }
      // The anchor's EKU is checked for the purpose: the purpose is part of the key.
      return memo.answer(
          anchorCert, false, purpose, null, () -> anchor(anchorCert, policy, purpose));
    }
    return Optional.empty();
  }

  /**
   * The trust anchor at {@code now}: RFC 5280 leaves the anchor's validity to the relying party;
   * Portcullis holds it to its own dates like every other certificate.
   */
  private static Optional<TrustDecision> anchorValidity(X509Certificate anchor, Instant now) {
    Instant notBefore = anchor.getNotBefore().toInstant();
    Instant notAfter = anchor.getNotAfter().toInstant();
    if (now.isBefore(notBefore) || now.isAfter(notAfter)) {
      return refuse(CoreMessage.ANCHOR_NOT_VALID, subject(anchor), now, notBefore, notAfter);
    }
    return Optional.empty();
  }

  /** The trust anchor certificate: the CA profile (when enforced) and its key. */
  static Optional<TrustDecision> anchor(
      X509Certificate anchor, TrustPolicy policy, Purpose purpose) {
    if (policy.enforceProfile()) {
      Optional<TrustDecision> profile = anchorProfile(anchor, policy.holdIssuersToDuties());
      if (profile.isPresent()) {
        return profile;
      }
    }
    Optional<TrustDecision> eku = caExtendedKeyUsage(anchor, purpose);
    if (eku.isPresent()) {
      return eku;
    }
    return keyStrength(anchor, anchor.getPublicKey(), policy);
  }

  /**
   * RFC 5280 section 4 rules for a CA certificate, applied to the trust anchor; with {@code duties}
   * also those the RFC puts on the CA that made it (a key usage extension, key identifiers).
   */
  private static Optional<TrustDecision> anchorProfile(X509Certificate anchor, boolean duties) {
    Set<String> critical = anchor.getCriticalExtensionOIDs();
    Optional<TrustDecision> unknown = unknownCritical(anchor, critical);
    if (unknown.isPresent()) {
      return unknown;
    }
    Optional<TrustDecision> placement = extensionPlacement(anchor, false, critical);
    if (placement.isPresent()) {
      return placement;
    }
    if (anchor.getBasicConstraints() < 0) {
      return refuse(
          CoreMessage.ANCHOR_PROFILE_BROKEN,
          subject(anchor),
          "4.2.1.9",
          "basicConstraints is missing or cA is not set");
    }
    if (critical == null || !critical.contains(OID_BASIC_CONSTRAINTS)) {
      return refuse(
          CoreMessage.ANCHOR_PROFILE_BROKEN,
          subject(anchor),
          "4.2.1.9",
          "basicConstraints is not marked critical");
    }
    // 6.1.1 (d): the anchor is an input; a key usage it does not carry restricts nothing.
    Optional<String> keyUsage = caKeyUsage(anchor, duties);
    if (keyUsage.isPresent()) {
      return refuse(CoreMessage.ANCHOR_PROFILE_BROKEN, subject(anchor), "4.2.1.3", keyUsage.get());
    }
    return keyIdentifiers(anchor, false, critical, duties);
  }

  /**
   * RFC 5280 4.2.1.1 and 4.2.1.2: a CA certificate names its key (subject key identifier); every
   * certificate but a self-issued one names its issuer's (authority key identifier); neither
   * extension is critical. A missing authority key identifier is the issuer's fault, not a
   * verifier's reason (the issuer is found by name): refused only with {@code duties}.
   */
  private static Optional<TrustDecision> keyIdentifiers(
      X509Certificate cert, boolean isLeaf, Set<String> critical, boolean duties) {
    Optional<TrustDecision> criticality = criticalKeyIdentifier(cert, critical);
    if (criticality.isPresent()) {
      return criticality;
    }
    if (!isLeaf && cert.getExtensionValue(OID_SUBJECT_KEY_IDENTIFIER) == null) {
      return refuse(
          CoreMessage.KEY_IDENTIFIER_BROKEN,
          subject(cert),
          "4.2.1.2",
          "a CA certificate has no subject key identifier");
    }
    boolean selfIssued = cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
    if (duties && !selfIssued && cert.getExtensionValue(OID_AUTHORITY_KEY_IDENTIFIER) == null) {
      return refuse(
          CoreMessage.KEY_IDENTIFIER_BROKEN,
          subject(cert),
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
  static Optional<TrustDecision> criticalKeyIdentifier(X509Certificate cert, Set<String> critical) {
    if (critical != null && critical.contains(OID_SUBJECT_KEY_IDENTIFIER)) {
      return refuse(
          CoreMessage.KEY_IDENTIFIER_BROKEN,
          subject(cert),
          "4.2.1.2",
          "the subject key identifier is marked critical");
    }
    if (critical != null && critical.contains(OID_AUTHORITY_KEY_IDENTIFIER)) {
      return refuse(
          CoreMessage.KEY_IDENTIFIER_BROKEN,
          subject(cert),
          "4.2.1.1",
          "the authority key identifier is marked critical");
    }
    return Optional.empty();
  }

  /**
   * Where an extension may stand and how it is marked: name constraints only in a CA certificate
   * and critical (4.2.1.10), policy constraints critical (4.2.1.11), subject alternative names
   * critical only when the subject is empty (4.2.1.6), information access extensions well formed
   * (4.2.2.1, 4.2.2.2; the JDK keeps a malformed non-critical one as opaque bytes).
   */
  private static Optional<TrustDecision> extensionPlacement(
      X509Certificate cert, boolean isLeaf, Set<String> critical) {
    boolean hasNameConstraints = cert.getExtensionValue(OID_NAME_CONSTRAINTS) != null;
    // An end-entity certificate is one that is not a CA's, wherever it stands: a CA certificate
    // presented as the leaf may carry the name constraints it was made with.
    if (hasNameConstraints && isLeaf && cert.getBasicConstraints() < 0) {
      return refuse(
          CoreMessage.EXTENSION_PROFILE_BROKEN,
          subject(cert),
          "4.2.1.10",
          "an end-entity certificate carries name constraints");
    }
    if (hasNameConstraints && !isCritical(critical, OID_NAME_CONSTRAINTS)) {
      return refuse(
          CoreMessage.EXTENSION_PROFILE_BROKEN,
          subject(cert),
          "4.2.1.10",
          "name constraints are not marked critical");
    }
    if (hasNameConstraints) {
      Optional<String> shape = nameConstraintsShape(cert);
      if (shape.isPresent()) {
        return refuse(CoreMessage.EXTENSION_PROFILE_BROKEN, subject(cert), "4.2.1.10", shape.get());
      }
    }
    if (cert.getExtensionValue(OID_POLICY_CONSTRAINTS) != null
        && !isCritical(critical, OID_POLICY_CONSTRAINTS)) {
      return refuse(
          CoreMessage.EXTENSION_PROFILE_BROKEN,
          subject(cert),
          "4.2.1.11",
          "policy constraints are not marked critical");
    }
    if (isCritical(critical, OID_SAN) && cert.getSubjectX500Principal().getEncoded().length > 2) {
      return refuse(
          CoreMessage.EXTENSION_PROFILE_BROKEN,
          subject(cert),
          "4.2.1.6",
          "subject alternative names are critical although the subject is not empty");
    }
    return malformedAccess(cert);
  }

  /**
   * RFC 5280 4.2.1.10's form of name constraints: permitted or excluded subtrees present and not
   * empty, minimum 0 and no maximum, a DNS subtree named as a domain (no leading period; that form
   * belongs to URI and e-mail constraints), and an IP subtree an address with a prefix mask.
   */
  private static Optional<String> nameConstraintsShape(X509Certificate cert) {
    ASN1Sequence sequence;
    try {
      byte[] inner =
          ASN1OctetString.getInstance(cert.getExtensionValue(OID_NAME_CONSTRAINTS)).getOctets();
      sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(inner));
    } catch (IOException | RuntimeException e) {
      return Optional.of("name constraints do not parse");
    }
    if (sequence.size() == 0) {
      return Optional.of("name constraints hold neither permitted nor excluded subtrees");
    }
    try {
      for (ASN1Encodable element : sequence) {
        ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(element);
        ASN1Sequence subtrees = ASN1Sequence.getInstance(tagged, false);
        String kind = tagged.getTagNo() == 0 ? "permitted" : "excluded";
        if (subtrees.size() == 0) {
          return Optional.of("the " + kind + " subtrees are an empty list");
        }
        for (ASN1Encodable item : subtrees) {
          GeneralSubtree subtree = GeneralSubtree.getInstance(item);
          if (subtree.getMinimum().signum() != 0 || subtree.getMaximum() != null) {
            return Optional.of("a " + kind + " subtree has a minimum other than 0 or a maximum");
          }
          GeneralName base = subtree.getBase();
          if (base.getTagNo() == GeneralName.iPAddress) {
            Optional<String> ip =
                NameSyntax.ipSubtree(ASN1OctetString.getInstance(base.getName()).getOctets());
            if (ip.isPresent()) {
              return ip;
            }
          }
          if (base.getTagNo() == GeneralName.dNSName
              && ASN1IA5String.getInstance(base.getName()).getString().startsWith(".")) {
            return Optional.of(
                "the "
                    + kind
                    + " DNS subtree '"
                    + ASN1IA5String.getInstance(base.getName()).getString()
                    + "' has a leading period");
          }
        }
      }
    } catch (RuntimeException e) {
      return Optional.of("name constraints do not parse");
    }
    return Optional.empty();
  }

  /**
   * A wildcard DNS name stands for every name one label below its base: when a CA above excludes
   * such a name (or the base itself), the wildcard covers an excluded name, which string comparison
   * of the wildcard with the subtree does not see. Only the leaf can name a wildcard ({@link
   * NameSyntax} refuses one in a CA certificate).
   *
   * @param path the path from the leaf up, ending in the trust anchor when there is one
   */
  static Optional<TrustDecision> wildcardUnderExcluded(List<X509Certificate> path) {
    List<String> excluded = new ArrayList<>();
    for (X509Certificate ca : path.subList(1, path.size())) {
      try {
        excluded.addAll(excludedDns(nameConstraintsOf(ca)));
      } catch (RuntimeException e) {
        // constraints that do not parse: the profile check refuses them with their clause
      }
    }
    if (excluded.isEmpty()) {
      return Optional.empty();
    }
    X509Certificate leaf = path.get(0);
    List<SubjectAltNames.Name> names;
    try {
      names = SubjectAltNames.of(leaf);
    } catch (CertificateParsingException e) {
      return Optional.empty(); // NameSyntax has refused a leaf whose names do not parse
    }
    for (SubjectAltNames.Name name : names) {
      if (name.type() != GeneralName.dNSName || !name.value().startsWith("*.")) {
        continue;
      }
      String base = name.value().substring(2).toLowerCase(Locale.ROOT);
      for (String subtree : excluded) {
        int dot = subtree.indexOf('.');
        if (subtree.equals(base) || (dot > 0 && subtree.substring(dot + 1).equals(base))) {
          return refuse(CoreMessage.WILDCARD_UNDER_EXCLUDED, subject(leaf), name.value(), subtree);
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> excludedDns(NameConstraints constraints) {
    List<String> names = new ArrayList<>();
    if (constraints != null && constraints.getExcludedSubtrees() != null) {
      for (GeneralSubtree subtree : constraints.getExcludedSubtrees()) {
        if (subtree.getBase().getTagNo() == GeneralName.dNSName) {
          names.add(
              ASN1IA5String.getInstance(subtree.getBase().getName())
                  .getString()
                  .toLowerCase(Locale.ROOT));
        }
      }
    }
    return names;
  }

  private static Optional<TrustDecision> malformedAccess(X509Certificate cert) {
    String[][] extensions = {
      {OID_AUTHORITY_INFO_ACCESS, "4.2.2.1", "authorityInfoAccess"},
      {OID_SUBJECT_INFO_ACCESS, "4.2.2.2", "subjectInfoAccess"}
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
          return refuse(
              CoreMessage.EXTENSION_PROFILE_BROKEN,
              subject(cert),
              extension[1],
              extension[2] + " holds no access description");
        }
      } catch (IOException | RuntimeException e) {
        return refuse(
            CoreMessage.EXTENSION_PROFILE_BROKEN,
            subject(cert),
            extension[1],
            extension[2] + " is not a sequence of access descriptions");
      }
    }
    return Optional.empty();
  }

  private static boolean isCritical(Set<String> critical, String oid) {
    return critical != null && critical.contains(oid);
  }

  private static Optional<TrustDecision> unknownCritical(
      X509Certificate cert, Set<String> critical) {
    if (critical != null) {
      for (String oid : critical) {
        if (!UNDERSTOOD_CRITICAL.contains(oid)) {
          return refuse(CoreMessage.UNKNOWN_CRITICAL_EXTENSION, subject(cert), oid);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Everything checked of one certificate of a validated path: the RFC 5280 profile, the trust
   * anchor's name constraints, for the leaf its extended key usage and lifetime, then key strength
   * and signature algorithm.
   *
   * @return the first rejection, or empty when the certificate passes
   */
  static Optional<TrustDecision> certificate(
      X509Certificate cert,
      boolean isLeaf,
      NameConstraints anchorConstraints,
      TrustPolicy policy,
      Purpose purpose) {
    // RFC 5280 4.2.1.3 and 4.2.1.9: keyCertSign only with cA. In every mode, with its own ID.
    if (isLeaf && bit(cert.getKeyUsage(), KU_KEY_CERT_SIGN) && cert.getBasicConstraints() < 0) {
      return refuse(CoreMessage.LEAF_SIGNS_CERTIFICATES, subject(cert));
    }
    // The deployment refuses a CA as a caller whatever else is wrong with it: the clearest reason.
    if (isLeaf && policy.refuseCaLeaf()) {
      Optional<TrustDecision> ca = caAsLeaf(cert);
      if (ca.isPresent()) {
        return ca;
      }
    }
    if (policy.enforceProfile()) {
      Optional<TrustDecision> profile =
          profile(cert, isLeaf, purpose, policy.holdIssuersToDuties());
      if (profile.isPresent()) {
        return profile;
      }
    }
    if (anchorConstraints != null) {
      Optional<TrustDecision> names = anchorNameConstraints(cert, isLeaf, anchorConstraints);
      if (names.isPresent()) {
        return names;
      }
    }
    Optional<TrustDecision> eku =
        isLeaf ? extendedKeyUsage(cert, purpose, policy) : caExtendedKeyUsage(cert, purpose);
    if (eku.isPresent()) {
      return eku;
    }
    if (isLeaf) {
      Optional<TrustDecision> lifetime = lifetime(cert, policy);
      if (lifetime.isPresent()) {
        return lifetime;
      }
    }
    Optional<TrustDecision> key = keyStrength(cert, cert.getPublicKey(), policy);
    if (key.isPresent()) {
      return key;
    }
    return signatureAlgorithm(cert, policy);
  }

  /**
   * What is wrong with a CA certificate's key usage: RFC 5280 6.1.4 (n) checks keyCertSign only
   * when the extension is present; its absence breaks the issuer's duty (4.2.1.3), refused only
   * with {@code duties}.
   */
  private static Optional<String> caKeyUsage(X509Certificate ca, boolean duties) {
    boolean[] keyUsage = ca.getKeyUsage();
    if (keyUsage == null) {
      return duties ? Optional.of("keyUsage is missing") : Optional.empty();
    }
    return bit(keyUsage, KU_KEY_CERT_SIGN)
        ? Optional.empty()
        : Optional.of("keyUsage lacks keyCertSign");
  }

  /**
   * Deployment policy, not the standards: RFC 5280 lets a CA certificate be an end entity, but a
   * key that can sign certificates does not authenticate as a workload here.
   */
  private static Optional<TrustDecision> caAsLeaf(X509Certificate cert) {
    if (cert.getBasicConstraints() >= 0) {
      return refuse(CoreMessage.LEAF_IS_CA, subject(cert), "basicConstraints says cA=true");
    }
    boolean[] keyUsage = cert.getKeyUsage();
    if (bit(keyUsage, KU_KEY_CERT_SIGN) || bit(keyUsage, KU_CRL_SIGN)) {
      return refuse(
          CoreMessage.LEAF_IS_CA, subject(cert), "keyUsage allows keyCertSign or cRLSign");
    }
    return Optional.empty();
  }

  /**
   * RFC 5280 4.2.1.12: anyExtendedKeyUsage is for issuers who do not want to restrict the key, so
   * the extension that holds it is not critical.
   */
  private static Optional<TrustDecision> leafExtendedKeyUsage(
      X509Certificate cert, Set<String> critical) {
    if (!isCritical(critical, OID_EXTENDED_KEY_USAGE)) {
      return Optional.empty();
    }
    try {
      List<String> eku = cert.getExtendedKeyUsage();
      if (eku != null && eku.contains(EKU_ANY)) {
        return refuse(
            CoreMessage.EXTENSION_PROFILE_BROKEN,
            subject(cert),
            "4.2.1.12",
            "a critical extended key usage holds anyExtendedKeyUsage");
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return refuse(CoreMessage.EKU_UNREADABLE, subject(cert), e.getMessage());
    }
  }

  /**
   * A CA certificate (anchor or intermediate) that carries an extended key usage limits what the
   * certificates under it may do, as OpenSSL and the other common verifiers read it: one without
   * the purpose (or anyExtendedKeyUsage) vouches for no leaf of that purpose.
   */
  static Optional<TrustDecision> caExtendedKeyUsage(X509Certificate ca, Purpose purpose) {
    if (purpose == null) {
      return Optional.empty();
    }
    try {
      List<String> eku = ca.getExtendedKeyUsage();
      if (eku == null || eku.contains(EKU_ANY) || eku.contains(purpose.ekuOid())) {
        return Optional.empty();
      }
      return refuse(CoreMessage.CA_EKU_EXCLUDES_PURPOSE, subject(ca), eku, purpose);
    } catch (CertificateParsingException e) {
      return refuse(CoreMessage.EKU_UNREADABLE, subject(ca), e.getMessage());
    }
  }

  /**
   * RFC 5280 section 4 rules for one certificate of the path; with {@code duties} also those the
   * RFC puts on the CA that made it.
   */
  static Optional<TrustDecision> profile(
      X509Certificate cert, boolean isLeaf, Purpose purpose, boolean duties) {
    BigInteger serial = cert.getSerialNumber();
    if (serial.signum() <= 0 || serial.bitLength() > 159) {
      return refuse(CoreMessage.SERIAL_INVALID, subject(cert), serial.toString(16));
    }
    Optional<TrustDecision> encoding = validityEncoding(cert);
    if (encoding.isPresent()) {
      return encoding;
    }
    Set<String> critical = cert.getCriticalExtensionOIDs();
    Optional<TrustDecision> unknown = unknownCritical(cert, critical);
    if (unknown.isPresent()) {
      return unknown;
    }
    Optional<TrustDecision> identifiers = keyIdentifiers(cert, isLeaf, critical, duties);
    if (identifiers.isPresent()) {
      return identifiers;
    }
    Optional<TrustDecision> placement = extensionPlacement(cert, isLeaf, critical);
    if (placement.isPresent()) {
      return placement;
    }
    boolean[] keyUsage = cert.getKeyUsage();
    if (!isLeaf) {
      if (cert.getBasicConstraints() < 0) {
        return refuse(
            CoreMessage.CA_PROFILE_BROKEN, subject(cert), "basicConstraints cA is not set");
      }
      if (critical == null || !critical.contains(OID_BASIC_CONSTRAINTS)) {
        return refuse(
            CoreMessage.CA_PROFILE_BROKEN,
            subject(cert),
            "basicConstraints is not marked critical");
      }
      Optional<String> caKeyUsage = caKeyUsage(cert, duties);
      if (caKeyUsage.isPresent()) {
        return refuse(CoreMessage.CA_PROFILE_BROKEN, subject(cert), caKeyUsage.get());
      }
      return Optional.empty();
    }
    Optional<TrustDecision> leafEku = leafExtendedKeyUsage(cert, critical);
    if (leafEku.isPresent()) {
      return leafEku;
    }
    if (keyUsage != null) {
      boolean ec = cert.getPublicKey() instanceof ECPublicKey;
      if (ec && (bit(keyUsage, KU_KEY_ENCIPHERMENT) || bit(keyUsage, KU_DATA_ENCIPHERMENT))) {
        return refuse(
            CoreMessage.KEY_USAGE_MISFIT,
            subject(cert),
            "an EC key cannot be used for key or data encipherment");
      }
      boolean usable =
          purpose == Purpose.CLIENT
              ? bit(keyUsage, KU_DIGITAL_SIGNATURE)
              : bit(keyUsage, KU_DIGITAL_SIGNATURE)
                  || bit(keyUsage, KU_KEY_ENCIPHERMENT)
                  || bit(keyUsage, KU_KEY_AGREEMENT);
      if (!usable) {
        return refuse(
            CoreMessage.KEY_USAGE_MISFIT,
            subject(cert),
            "keyUsage does not allow TLS " + purpose.name());
      }
    }
    if (cert.getSubjectX500Principal().getEncoded().length <= 2
        && (critical == null || !critical.contains(OID_SAN))) {
      return refuse(CoreMessage.EMPTY_SUBJECT, serialOf(cert));
    }
    return Optional.empty();
  }

  private static Optional<TrustDecision> validityEncoding(X509Certificate cert) {
    try {
      TBSCertificate tbs = Certificate.getInstance(cert.getEncoded()).getTBSCertificate();
      Optional<String> problem =
          timeProblem(tbs.getStartDate().toASN1Primitive())
              .or(() -> timeProblem(tbs.getEndDate().toASN1Primitive()));
      return problem.isEmpty()
          ? Optional.empty()
          : refuse(CoreMessage.VALIDITY_ENCODING, subject(cert), problem.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      return refuse(CoreMessage.UNDECODABLE, subject(cert), e.toString());
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

  private static Optional<TrustDecision> anchorNameConstraints(
      X509Certificate cert, boolean isLeaf, NameConstraints constraints) {
    boolean selfIssued = cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
    if (!isLeaf && selfIssued) {
      return Optional.empty(); // RFC 5280 6.1.3 (b): self-issued intermediates are exempt
    }
    PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
    GeneralSubtree[] permitted = constraints.getPermittedSubtrees();
    if (permitted != null) {
      validator.intersectPermittedSubtree(permitted);
    }
    GeneralSubtree[] excluded = constraints.getExcludedSubtrees();
    if (excluded != null) {
      for (GeneralSubtree subtree : excluded) {
        validator.addExcludedSubtree(subtree);
      }
    }
    try {
      byte[] subject = cert.getSubjectX500Principal().getEncoded();
      if (subject.length > 2) {
        X500Name dn = X500Name.getInstance(subject);
        validator.checkPermittedDN(dn);
        validator.checkExcludedDN(dn);
      }
      byte[] san = cert.getExtensionValue(OID_SAN);
      if (san != null) {
        for (GeneralName name :
            GeneralNames.getInstance(ASN1OctetString.getInstance(san).getOctets()).getNames()) {
          validator.checkPermitted(name);
          validator.checkExcluded(name);
        }
      }
    } catch (NameConstraintValidatorException e) {
      return refuse(
          CoreMessage.NAME_CONSTRAINTS_BROKEN, subject(cert), "trust anchor", e.getMessage());
    } catch (RuntimeException e) {
      return refuse(
          CoreMessage.NAME_CONSTRAINTS_BROKEN, subject(cert), "trust anchor", e.toString());
    }
    return Optional.empty();
  }

  /** The anchor certificate's own name constraints, or {@code null}. */
  static NameConstraints nameConstraintsOf(X509Certificate anchor) {
    byte[] value = anchor.getExtensionValue(OID_NAME_CONSTRAINTS);
    if (value == null) {
      return null;
    }
    return NameConstraints.getInstance(ASN1OctetString.getInstance(value).getOctets());
  }

  static Optional<TrustDecision> extendedKeyUsage(
      X509Certificate leaf, Purpose purpose, TrustPolicy policy) {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku == null) {
        // RFC 5280 4.2.1.12: without the extension the key is not restricted by EKU.
        return policy.requireEku()
            ? refuse(CoreMessage.EKU_MISSING, subject(leaf), purpose)
            : Optional.empty();
      }
      boolean any = policy.allowAnyEku() && eku.contains(EKU_ANY);
      if (!eku.contains(purpose.ekuOid()) && !any) {
        return refuse(CoreMessage.EKU_NOT_ALLOWED, subject(leaf), purpose, eku);
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return refuse(CoreMessage.EKU_UNREADABLE, subject(leaf), e.getMessage());
    }
  }

  private static Optional<TrustDecision> lifetime(X509Certificate leaf, TrustPolicy policy) {
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (policy.refuseNoExpiry() && !notAfter.isBefore(NO_EXPIRY)) {
      return refuse(CoreMessage.NO_EXPIRY, subject(leaf));
    }
    Duration max = policy.maxLeafLifetime();
    if (max != null && Duration.between(notBefore, notAfter).compareTo(max) > 0) {
      return refuse(
          CoreMessage.LIFETIME_TOO_LONG,
          subject(leaf),
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
  static Optional<TrustDecision> keyStrength(
      X509Certificate cert, PublicKey key, TrustPolicy policy) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits % 8 != 0) {
        return refuse(CoreMessage.RSA_MODULUS_MALFORMED, subject(cert), bits);
      }
      int floor = Math.max(UNIVERSAL_MIN_RSA_BITS, policy.minRsaBits());
      return bits < floor
          ? refuse(CoreMessage.KEY_TOO_SMALL, subject(cert), "RSA", bits, floor)
          : Optional.empty();
    }
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits < policy.minEcBits()
          ? refuse(CoreMessage.KEY_TOO_SMALL, subject(cert), "EC", bits, policy.minEcBits())
          : Optional.empty();
    }
    if (key instanceof EdECPublicKey) {
      return Optional.empty();
    }
    return refuse(CoreMessage.KEY_TYPE_REFUSED, subject(cert), key.getAlgorithm());
  }

  private static Optional<TrustDecision> signatureAlgorithm(
      X509Certificate cert, TrustPolicy policy) {
    String name = cert.getSigAlgName().toUpperCase(Locale.ROOT);
    for (String digest : BROKEN_DIGESTS) {
      if (name.startsWith(digest + "WITH")) {
        return refuse(CoreMessage.SIGNATURE_ALGORITHM_REFUSED, subject(cert), cert.getSigAlgName());
      }
    }
    Set<String> allowed = policy.allowedSignatureAlgorithms();
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    if (!allowed.contains(name)) {
      return refuse(CoreMessage.SIGNATURE_ALGORITHM_REFUSED, subject(cert), cert.getSigAlgName());
    }
    if (name.equals("RSASSA-PSS")) {
      try {
        AlgorithmParameters params = AlgorithmParameters.getInstance("RSASSA-PSS");
        params.init(cert.getSigAlgParams());
        String digest = params.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm();
        String normal = digest.toUpperCase(Locale.ROOT).replace("-", "");
        if (!allowed.contains(normal + "WITHRSA")) {
          return refuse(
              CoreMessage.SIGNATURE_ALGORITHM_REFUSED, subject(cert), "RSASSA-PSS with " + digest);
        }
      } catch (GeneralSecurityException | IOException | RuntimeException e) {
        return refuse(
            CoreMessage.SIGNATURE_ALGORITHM_REFUSED,
            subject(cert),
            "RSASSA-PSS: " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static Optional<TrustDecision> refuse(MessageId message, Object... args) {
    return Optional.of(TrustDecision.reject(message, args));
  }

  private static boolean bit(boolean[] bits, int index) {
    return bits != null && bits.length > index && bits[index];
  }

  static String subject(X509Certificate cert) {
    String name = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    return name.isEmpty() ? serialOf(cert) : name;
  }

  private static String serialOf(X509Certificate cert) {
    return "(serial " + cert.getSerialNumber().toString(16) + ")";
  }
}
