package io.portcullis.ca;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate the CA just issued.
 *
 * @param chain the leaf then the area intermediate, as a TLS peer sends it
 * @param spiffeId the workload
 * @param area the area
 * @param sha256 the leaf's SHA-256 fingerprint (lower-case hex)
 * @param previousSha256 the replaced certificate's fingerprint, for a renewal
 */
public record IssuedCertificate(
    List<X509Certificate> chain,
    String spiffeId,
    String area,
    String sha256,
    Optional<String> previousSha256) {
  public IssuedCertificate {
    chain = List.copyOf(chain);
    Objects.requireNonNull(spiffeId, "spiffeId");
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(previousSha256, "previousSha256");
  }

  /** The leaf. */
  public X509Certificate certificate() {
    return chain.get(0);
  }
}
