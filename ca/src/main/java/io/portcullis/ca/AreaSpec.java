package io.portcullis.ca;

import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an operator asks for when creating an area. Built by {@link #of}, which validates.
 *
 * @param name lower-case letters, digits and hyphens
 * @param uriPrefix the SPIFFE ID prefix every workload of the area must have, ending in {@code /}
 * @param dnsSubtrees DNS names (and their subdomains) the area's workloads may have; empty = none
 * @param maxLeafLifetime the longest lifetime of a leaf of this area
 * @param keyType the intermediate's key type
 * @param validity the intermediate's validity (capped at the root's)
 */
public record AreaSpec(
    String name,
    String uriPrefix,
    List<String> dnsSubtrees,
    Duration maxLeafLifetime,
    KeyType keyType,
    Duration validity) {
  private static final Pattern DNS =
      Pattern.compile(
          "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  public AreaSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uriPrefix, "uriPrefix");
    dnsSubtrees = List.copyOf(dnsSubtrees);
    Objects.requireNonNull(maxLeafLifetime, "maxLeafLifetime");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(validity, "validity");
  }

  /** A validated spec; {@code PRTC0410E} names what is wrong. */
  public static AreaSpec of(
      String name,
      String uriPrefix,
      List<String> dnsSubtrees,
      Duration maxLeafLifetime,
      KeyType keyType,
      Duration validity)
      throws PortcullisException {
    if (!CaStore.validAreaName(name)) {
      throw CaMessage.AREA_INVALID.exception(name, "the name must match [a-z0-9][a-z0-9-]*");
    }
    if (uriPrefix == null || !uriPrefix.startsWith("spiffe://") || !uriPrefix.endsWith("/")) {
      throw CaMessage.AREA_INVALID.exception(
          name, "the URI prefix must look like spiffe://trust-domain/path/");
    }
    List<String> subtrees = dnsSubtrees.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
    for (String subtree : subtrees) {
      if (!validDnsName(subtree)) {
        throw CaMessage.AREA_INVALID.exception(name, "bad DNS subtree " + subtree);
      }
    }
    if (maxLeafLifetime.compareTo(Duration.ofMinutes(5)) < 0
        || maxLeafLifetime.compareTo(Duration.ofDays(398)) > 0) {
      throw CaMessage.AREA_INVALID.exception(
          name, "the maximum leaf lifetime must be between 5 minutes and 398 days");
    }
    if (validity.compareTo(maxLeafLifetime) <= 0) {
      throw CaMessage.AREA_INVALID.exception(
          name, "the intermediate must outlive its longest leaf");
    }
    return new AreaSpec(name, uriPrefix, subtrees, maxLeafLifetime, keyType, validity);
  }

  /** A host name without wildcards: letters, digits, hyphens, dots. */
  static boolean validDnsName(String name) {
    return name != null && DNS.matcher(name).matches();
  }

  /** The trust domain (host part) of {@code spiffe://host/...}. */
  String trustDomain() {
    String rest = uriPrefix.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** Whether {@code dns} is one of the subtrees or below one. */
  static boolean withinSubtrees(String dns, List<String> subtrees) {
    for (String subtree : subtrees) {
      if (dns.equals(subtree) || dns.endsWith("." + subtree)) {
        return true;
      }
    }
    return false;
  }
}
