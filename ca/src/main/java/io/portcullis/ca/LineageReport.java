package io.portcullis.ca;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A workload's registration and every certificate from its first issuance to the one asked about.
 *
 * @param spiffeId the workload
 * @param area its area
 * @param approvedBy who vetted it
 * @param registeredAt when
 * @param certificates oldest first; the last one is the certificate asked about
 */
public record LineageReport(
    String spiffeId,
    String area,
    String approvedBy,
    Instant registeredAt,
    List<LineageEntry> certificates) {
  public LineageReport {
    Objects.requireNonNull(spiffeId, "spiffeId");
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(approvedBy, "approvedBy");
    Objects.requireNonNull(registeredAt, "registeredAt");
    certificates = List.copyOf(certificates);
  }
}
