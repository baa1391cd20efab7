package io.portcullis.ca;

import io.portcullis.keys.KeyType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a leaf certificate may say about a workload, taken from its registration and its area:
 * the one SPIFFE ID, the DNS names, the key type, the usages and the longest lifetime.
 *
 * @param spiffeId the registered SPIFFE ID, the leaf's one URI SAN
 * @param dnsNames the registered DNS names (lower case); the leaf gets those the CSR asks for
 * @param keyType the key type the CSR's key must have
 * @param usages the extended key usages the leaf gets
 * @param maxLifetime the longest validity: the smaller of the registration's and the area's
 * @param subjectDn the subject the CA writes (the CSR's subject is not copied)
 */
public record LeafProfile(
    String spiffeId,
    List<String> dnsNames,
    KeyType keyType,
    Set<Usage> usages,
    Duration maxLifetime,
    String subjectDn) {

  public LeafProfile {
    Objects.requireNonNull(spiffeId, "spiffeId");
    dnsNames = List.copyOf(dnsNames);
    Objects.requireNonNull(keyType, "keyType");
    usages = Set.copyOf(usages);
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    Objects.requireNonNull(subjectDn, "subjectDn");
    if (usages.isEmpty() || maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new IllegalArgumentException("a leaf profile needs a usage and a positive lifetime");
    }
  }
}
