package io.portcullis.ca;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One certificate in a workload's lineage, oldest first.
 *
 * @param serial the serial number (hex)
 * @param sha256 the fingerprint
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param previousSha256 the certificate it replaced (empty for a first issuance)
 * @param issuedAt when the CA issued it
 * @param operator who asked (the workload itself for renewals through {@code ca serve})
 * @param revoked whether it has been revoked
 */
public record LineageEntry(
    String serial,
    String sha256,
    Instant notBefore,
    Instant notAfter,
    Optional<String> previousSha256,
    Instant issuedAt,
    String operator,
    boolean revoked) {
  public LineageEntry {
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(previousSha256, "previousSha256");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(operator, "operator");
  }
}
