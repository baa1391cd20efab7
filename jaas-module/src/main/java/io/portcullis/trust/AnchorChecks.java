package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;

/**
 * The trust anchor: its dates, its CA profile when the policy enforces one, its extended key usage
 * and key, and its own name constraints applied to the path below it (RFC 5280 6.1.1 (d) makes the
 * anchor an input; the JDK refuses constraints on a {@code TrustAnchor}, so they are applied here).
 */
final class AnchorChecks {
  private AnchorChecks() {}

  /**
   * The trust anchor at {@code now}: RFC 5280 leaves the anchor's validity to the relying party;
   * Portcullis holds it to its own dates like every other certificate.
   */
  static Optional<TrustDecision.Rejected> validity(X509Certificate anchor, Instant now) {
    Instant notBefore = anchor.getNotBefore().toInstant();
    Instant notAfter = anchor.getNotAfter().toInstant();
    if (now.isBefore(notBefore) || now.isAfter(notAfter)) {
      return Certificates.refuse(
          CoreMessage.ANCHOR_NOT_VALID, Certificates.subject(anchor), now, notBefore, notAfter);
    }
    return Optional.empty();
  }

  /**
   * The trust anchor certificate: the web PKI profile's rules for a root (when it applies), the CA
   * profile (when enforced) and its key.
   */
  static Optional<TrustDecision.Rejected> check(
      X509Certificate anchor, TrustPolicy policy, Purpose purpose) {
    if (policy.webPki() != null) {
      Optional<TrustDecision.Rejected> root = WebPkiChecks.root(anchor);
      if (root.isPresent()) {
        return root;
      }
    }
    if (policy.enforceProfile()) {
      Optional<TrustDecision.Rejected> profile = profile(anchor, policy);
      if (profile.isPresent()) {
        return profile;
      }
    }
    Optional<TrustDecision.Rejected> eku = PolicyChecks.caExtendedKeyUsage(anchor, purpose);
    if (eku.isPresent()) {
      return eku;
    }
    return PolicyChecks.keyStrength(anchor, anchor.getPublicKey(), policy);
  }

  /**
   * RFC 5280 section 4 rules for a CA certificate, applied to the trust anchor; with {@code duties}
   * also those the RFC puts on the CA that made it (a key usage extension, key identifiers).
   */
  private static Optional<TrustDecision.Rejected> profile(
      X509Certificate anchor, TrustPolicy policy) {
    boolean duties = policy.holdIssuersToDuties();
    Set<String> critical = anchor.getCriticalExtensionOIDs();
    Optional<TrustDecision.Rejected> unknown = ProfileChecks.unknownCritical(anchor, critical);
    if (unknown.isPresent()) {
      return unknown;
    }
    Optional<TrustDecision.Rejected> placement =
        ProfileChecks.extensionPlacement(anchor, false, critical, policy.webPki() != null);
    if (placement.isPresent()) {
      return placement;
    }
    if (anchor.getBasicConstraints() < 0) {
      return Certificates.refuse(
          CoreMessage.ANCHOR_PROFILE_BROKEN,
          Certificates.subject(anchor),
          "4.2.1.9",
          "basicConstraints is missing or cA is not set");
    }
    if (critical == null || !critical.contains(Certificates.OID_BASIC_CONSTRAINTS)) {
      return Certificates.refuse(
          CoreMessage.ANCHOR_PROFILE_BROKEN,
          Certificates.subject(anchor),
          "4.2.1.9",
          "basicConstraints is not marked critical");
    }
    // 6.1.1 (d): the anchor is an input; a key usage it does not carry restricts nothing.
    Optional<String> keyUsage = ProfileChecks.caKeyUsage(anchor, duties);
    if (keyUsage.isPresent()) {
      return Certificates.refuse(
          CoreMessage.ANCHOR_PROFILE_BROKEN,
          Certificates.subject(anchor),
          "4.2.1.3",
          keyUsage.get());
    }
    return ProfileChecks.keyIdentifiers(anchor, false, critical, duties);
  }

  static Optional<TrustDecision.Rejected> nameConstraints(
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
      byte[] san = cert.getExtensionValue(Certificates.OID_SAN);
      if (san != null) {
        for (GeneralName name :
            GeneralNames.getInstance(ASN1OctetString.getInstance(san).getOctets()).getNames()) {
          validator.checkPermitted(name);
          validator.checkExcluded(name);
        }
      }
    } catch (NameConstraintValidatorException e) {
      return Certificates.refuse(
          CoreMessage.NAME_CONSTRAINTS_BROKEN,
          Certificates.subject(cert),
          "trust anchor",
          e.getMessage());
    } catch (RuntimeException e) {
      return Certificates.refuse(
          CoreMessage.NAME_CONSTRAINTS_BROKEN,
          Certificates.subject(cert),
          "trust anchor",
          e.toString());
    }
    return Optional.empty();
  }
}
