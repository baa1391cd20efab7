package io.portcullis.trust;

import java.security.cert.X509Certificate;
import java.util.List;

/** Decides whether a presented certificate chain is trusted, and by which area. */
@FunctionalInterface
public interface TrustValidator {

  /**
   * Validates {@code chain} (leaf first, as a TLS peer sends it) for {@code purpose}. Never throws
   * for bad input: every failure is a {@link TrustDecision#reject REJECT} with a reason ID.
   */
  TrustDecision validate(List<X509Certificate> chain, Purpose purpose);
}
