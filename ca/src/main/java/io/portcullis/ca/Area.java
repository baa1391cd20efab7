package io.portcullis.ca;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One area of the CA as its users see it.
 *
 * @param name the area's name
 * @param uriPrefix the SPIFFE ID prefix of its workloads
 * @param dnsSubtrees the DNS subtrees its workloads may use
 * @param maxLeafLifetime the longest lifetime of its leaves
 * @param certificate the area's intermediate certificate
 * @param retired whether the area is retired (its leaves are refused)
 */
public record Area(
    String name,
    String uriPrefix,
    List<String> dnsSubtrees,
    Duration maxLeafLifetime,
    X509Certificate certificate,
    boolean retired) {
  public Area {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uriPrefix, "uriPrefix");
    dnsSubtrees = List.copyOf(dnsSubtrees);
    Objects.requireNonNull(maxLeafLifetime, "maxLeafLifetime");
    Objects.requireNonNull(certificate, "certificate");
  }
}
