package io.portcullis.trust;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One trust area: the anchors that end its chains and the intermediates that may sit between them
 * and a workload's certificate (seed: "different intermediate certificates for different areas").
 *
 * @param name the area's name; becomes part of the caller's identity
 * @param anchors the area's root certificates
 * @param intermediates intermediate CA certificates of the area, so callers need not send them
 */
public record TrustArea(
    String name, List<X509Certificate> anchors, List<X509Certificate> intermediates) {

  public TrustArea {
    Objects.requireNonNull(name, "name");
    anchors = List.copyOf(anchors);
    intermediates = List.copyOf(intermediates);
    if (name.isBlank()) {
      throw new IllegalArgumentException("a trust area needs a name");
    }
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("trust area " + name + " has no anchor");
    }
  }

  /** The anchors as JDK {@link TrustAnchor}s (without name constraints of their own). */
  Set<TrustAnchor> trustAnchors() {
    return anchors.stream().map(a -> new TrustAnchor(a, null)).collect(Collectors.toSet());
  }
}
