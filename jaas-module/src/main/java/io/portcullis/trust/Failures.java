package io.portcullis.trust;

import java.security.cert.CertPathValidatorException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** Translates the JDK's PKIX failure reasons into Portcullis message IDs. */
final class Failures {
  private Failures() {}

  static TrustDecision of(CertPathValidatorException e, List<X509Certificate> path, Instant now) {
    int index = e.getIndex();
    X509Certificate cert = index >= 0 && index < path.size() ? path.get(index) : path.get(0);
    String subject = PathChecks.subject(cert);
    String detail = String.valueOf(e.getMessage());
    if (e.getReason() instanceof CertPathValidatorException.BasicReason basic) {
      return switch (basic) {
        case EXPIRED ->
            TrustDecision.reject("PRTC0103E", subject, cert.getNotAfter().toInstant(), now);
        case NOT_YET_VALID ->
            TrustDecision.reject("PRTC0104E", subject, cert.getNotBefore().toInstant());
        case REVOKED ->
            TrustDecision.reject("PRTC0118E", subject, cert.getSerialNumber().toString(16), detail);
        case UNDETERMINED_REVOCATION_STATUS -> TrustDecision.reject("PRTC0119E", subject, detail);
        case INVALID_SIGNATURE -> TrustDecision.reject("PRTC0126E", subject, detail);
        case ALGORITHM_CONSTRAINED -> TrustDecision.reject("PRTC0133E", subject, detail);
        default -> TrustDecision.reject("PRTC0129E", subject, detail);
      };
    }
    if (e.getReason() instanceof PKIXReason pkix) {
      return switch (pkix) {
        case PATH_TOO_LONG -> TrustDecision.reject("PRTC0109E", subject, path.size() + 1, detail);
        case INVALID_NAME -> TrustDecision.reject("PRTC0117E", subject, "issuer", detail);
        case UNRECOGNIZED_CRIT_EXT -> TrustDecision.reject("PRTC0116E", subject, detail);
        case NOT_CA_CERT -> TrustDecision.reject("PRTC0121E", subject, detail);
        case INVALID_KEY_USAGE -> TrustDecision.reject("PRTC0123E", subject, detail);
        default -> TrustDecision.reject("PRTC0129E", subject, detail);
      };
    }
    return TrustDecision.reject("PRTC0129E", subject, detail);
  }
}
