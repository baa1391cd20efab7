package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * The checks Portcullis adds to a path the JDK has already validated, in the order a refusal names
 * the clearest reason: {@link ProfileChecks} (RFC 5280's certificate profile), {@link
 * AnchorChecks}, {@link PolicyChecks} (the area's {@link TrustPolicy}) and {@link NameChecks}. Each
 * check reads what the JDK or Bouncy Castle parsed; none re-implements path validation.
 */
final class PathChecks {

  private PathChecks() {}

  /**
   * Checks {@code path} (leaf first, trust anchor excluded) validated to {@code anchor}. The
   * per-certificate checks ({@link #certificate}) are pure functions of the certificate, its
   * position, the purpose and the area, so {@code memo} may answer them for a certificate it has
   * seen; path-level checks always run.
   *
   * @return the first rejection, or empty when every check passes
   */
  static Optional<TrustDecision.Rejected> check(
      List<X509Certificate> path,
      TrustAnchor anchor,
      NameConstraints anchorConstraints,
      TrustPolicy policy,
      Purpose purpose,
      Instant now,
      CertificateMemo<Optional<TrustDecision.Rejected>> memo) {
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
      return Certificates.refuse(
          CoreMessage.PATH_TOO_DEEP,
          Certificates.subject(leaf),
          intermediates,
          policy.maxChainDepth());
    }
    X509Certificate anchorCert = anchor.getTrustedCert();
    for (int i = 0; i < path.size(); i++) {
      X509Certificate cert = path.get(i);
      boolean isLeaf = i == 0;
      Optional<TrustDecision.Rejected> rejection =
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
      Optional<TrustDecision.Rejected> validity = AnchorChecks.validity(anchorCert, now);
      if (validity.isPresent()) {
        return validity;
      }
      // The anchor's EKU is checked for the purpose: the purpose is part of the key.
      return memo.answer(
          anchorCert, false, purpose, null, () -> AnchorChecks.check(anchorCert, policy, purpose));
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
  static Optional<TrustDecision.Rejected> certificate(
      X509Certificate cert,
      boolean isLeaf,
      NameConstraints anchorConstraints,
      TrustPolicy policy,
      Purpose purpose) {
    // RFC 5280 4.2.1.3 and 4.2.1.9: keyCertSign only with cA. In every mode, with its own ID.
    if (isLeaf
        && Certificates.bit(cert.getKeyUsage(), Certificates.KU_KEY_CERT_SIGN)
        && cert.getBasicConstraints() < 0) {
      return Certificates.refuse(CoreMessage.LEAF_SIGNS_CERTIFICATES, Certificates.subject(cert));
    }
    // The deployment refuses a CA as a caller whatever else is wrong with it: the clearest reason.
    if (isLeaf && policy.refuseCaLeaf()) {
      Optional<TrustDecision.Rejected> ca = PolicyChecks.caAsLeaf(cert);
      if (ca.isPresent()) {
        return ca;
      }
    }
    if (policy.enforceProfile()) {
      Optional<TrustDecision.Rejected> profile =
          ProfileChecks.profile(cert, isLeaf, purpose, policy);
      if (profile.isPresent()) {
        return profile;
      }
    }
    if (isLeaf && policy.webPki() != null) {
      Optional<TrustDecision.Rejected> web = WebPkiChecks.leaf(cert, policy.webPki());
      if (web.isPresent()) {
        return web;
      }
    }
    if (anchorConstraints != null) {
      Optional<TrustDecision.Rejected> names =
          AnchorChecks.nameConstraints(cert, isLeaf, anchorConstraints);
      if (names.isPresent()) {
        return names;
      }
    }
    Optional<TrustDecision.Rejected> eku =
        isLeaf
            ? PolicyChecks.extendedKeyUsage(cert, purpose, policy)
            : PolicyChecks.caExtendedKeyUsage(cert, purpose);
    if (eku.isPresent()) {
      return eku;
    }
    if (isLeaf) {
      Optional<TrustDecision.Rejected> lifetime = PolicyChecks.lifetime(cert, policy);
      if (lifetime.isPresent()) {
        return lifetime;
      }
    }
    Optional<TrustDecision.Rejected> key =
        PolicyChecks.keyStrength(cert, cert.getPublicKey(), policy);
    if (key.isPresent()) {
      return key;
    }
    return PolicyChecks.signatureAlgorithm(cert, policy);
  }
}
