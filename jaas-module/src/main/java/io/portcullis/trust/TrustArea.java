package io.portcullis.trust;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * One trust area: the anchors that end its chains, the intermediates that may sit between them and
 * a workload's certificate (seed: "different intermediate certificates for different areas"), the
 * policy its certificates must meet and where its revocation data comes from. Name constraints in
 * an anchor certificate are honoured (the JDK ignores them; Portcullis applies them with Bouncy
 * Castle's name-constraint validator).
 *
 * @param name the area's name; becomes part of the caller's identity
 * @param anchors the area's root certificates
 * @param intermediates intermediate CA certificates of the area, so callers need not send them
 * @param policy the checks on top of PKIX
 * @param revocation CRL checking and its failure mode
 */
public record TrustArea(
    String name,
    List<X509Certificate> anchors,
    List<X509Certificate> intermediates,
    TrustPolicy policy,
    Revocation revocation) {

  public TrustArea {
    Objects.requireNonNull(name, "name");
    anchors = List.copyOf(anchors);
    intermediates = List.copyOf(intermediates);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(revocation, "revocation");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a trust area needs a name");
    }
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("trust area " + name + " has no anchor");
    }
  }

  /** An area with the {@link TrustPolicy#defaults() default policy} and no revocation checking. */
  public TrustArea(
      String name, List<X509Certificate> anchors, List<X509Certificate> intermediates) {
    this(name, anchors, intermediates, TrustPolicy.defaults(), Revocation.off());
  }

  public TrustArea withPolicy(TrustPolicy newPolicy) {
    return new TrustArea(name, anchors, intermediates, newPolicy, revocation);
  }

  public TrustArea withRevocation(Revocation newRevocation) {
    return new TrustArea(name, anchors, intermediates, policy, newRevocation);
  }
}
