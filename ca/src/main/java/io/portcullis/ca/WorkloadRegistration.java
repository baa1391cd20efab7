package io.portcullis.ca;

import io.portcullis.keys.KeyType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An operator's vetting of a workload before its first certificate.
 *
 * @param area the area the workload belongs to
 * @param spiffeId its SPIFFE ID (under the area's prefix)
 * @param dnsNames the DNS names it may have (within the area's subtrees)
 * @param keyType the key type its CSRs must use
 * @param maxLifetime its longest certificate lifetime (at most the area's)
 * @param usages server, client or both
 * @param approvedBy who vetted it
 * @param tokenTtl how long the join token stays valid
 */
public record WorkloadRegistration(
    String area,
    String spiffeId,
    List<String> dnsNames,
    KeyType keyType,
    Duration maxLifetime,
    Set<Usage> usages,
    String approvedBy,
    Duration tokenTtl) {
  public WorkloadRegistration {
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(spiffeId, "spiffeId");
    dnsNames = dnsNames.stream().map(d -> d.toLowerCase(Locale.ROOT)).distinct().toList();
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    usages = Set.copyOf(usages);
    Objects.requireNonNull(approvedBy, "approvedBy");
    Objects.requireNonNull(tokenTtl, "tokenTtl");
  }
}
