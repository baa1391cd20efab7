package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.security.cert.CertPathValidatorException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** Translates the JDK's PKIX failure reasons into Portcullis message IDs. */
final class Failures {
  private Failures() {}

  static TrustDecision.Rejected of(
      CertPathValidatorException e, List<X509Certificate> path, Instant now) {
    int index = e.getIndex();
    X509Certificate cert = index >= 0 && index < path.size() ? path.get(index) : path.get(0);
    String subject = Certificates.subject(cert);
    String detail = String.valueOf(e.getMessage());
    if (e.getReason() instanceof CertPathValidatorException.BasicReason basic) {
      return switch (basic) {
        case EXPIRED ->
            TrustDecision.reject(CoreMessage.EXPIRED, subject, cert.getNotAfter().toInstant(), now);
        case NOT_YET_VALID ->
            TrustDecision.reject(
                CoreMessage.NOT_YET_VALID, subject, cert.getNotBefore().toInstant());
        case REVOKED ->
            TrustDecision.reject(
                CoreMessage.REVOKED, subject, cert.getSerialNumber().toString(16), detail);
        case UNDETERMINED_REVOCATION_STATUS ->
            TrustDecision.reject(CoreMessage.REVOCATION_UNKNOWN, subject, detail);
        case INVALID_SIGNATURE ->
            TrustDecision.reject(CoreMessage.SIGNATURE_INVALID, subject, detail);
        case ALGORITHM_CONSTRAINED ->
            TrustDecision.reject(CoreMessage.ALGORITHM_FORBIDDEN, subject, detail);
        default -> TrustDecision.reject(CoreMessage.PATH_INVALID, subject, detail);
      };
    }
    if (e.getReason() instanceof PKIXReason pkix) {
      return switch (pkix) {
        case PATH_TOO_LONG ->
            TrustDecision.reject(CoreMessage.PATH_TOO_DEEP, subject, path.size() + 1, detail);
        case INVALID_NAME ->
            TrustDecision.reject(CoreMessage.NAME_CONSTRAINTS_BROKEN, subject, "issuer", detail);
        case UNRECOGNIZED_CRIT_EXT ->
            TrustDecision.reject(CoreMessage.UNKNOWN_CRITICAL_EXTENSION, subject, detail);
        case NOT_CA_CERT -> TrustDecision.reject(CoreMessage.CA_PROFILE_BROKEN, subject, detail);
        case INVALID_KEY_USAGE ->
            TrustDecision.reject(CoreMessage.KEY_USAGE_MISFIT, subject, detail);
        default -> TrustDecision.reject(CoreMessage.PATH_INVALID, subject, detail);
      };
    }
    return TrustDecision.reject(CoreMessage.PATH_INVALID, subject, detail);
  }
}
