package io.portcullis.trust;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One trust area: the anchors that end its chains, the intermediates that may sit between them and
 * a workload's certificate (seed: "different intermediate certificates for different areas"), the
 * policy its certificates must meet and where its revocation data comes from. Name constraints in
 * an anchor certificate are honoured (the JDK ignores them; Portcullis applies them with Bouncy
 * Castle's name-constraint validator).
 *
 * <p>An area is its issuing CA: a caller belongs to it only when one of its {@link #ownCas() own CA
 * certificates} (its intermediates, or its anchors when it has none) issued the caller's leaf, the
 * certificate right above the leaf in the validated path. A CA of the area higher up in the path
 * does not make the leaf the area's, so areas may nest (a corp CA above a payments CA). Several
 * areas may share a root, each vouching only for the leaves of its own intermediate; {@link
 * #ambiguity} finds configurations where that cannot tell areas apart.
 *
 * @param name the area's name; becomes part of the caller's identity
 * @param anchors the area's root certificates
 * @param intermediates intermediate CA certificates of the area, so callers need not send them;
 *     when given, only paths through one of them belong to the area
 * @param policy the checks on top of PKIX
 * @param revocation CRL checking and its failure mode
 * @param scope the names the area may vouch for, whatever its CA signs ({@link NameScope#open()}
 *     when it declares none)
 */
public record TrustArea(
    String name,
    List<X509Certificate> anchors,
    List<X509Certificate> intermediates,
    TrustPolicy policy,
    Revocation revocation,
    NameScope scope) {

  public TrustArea {
    Objects.requireNonNull(name, "name");
    anchors = List.copyOf(anchors);
    intermediates = List.copyOf(intermediates);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(revocation, "revocation");
    Objects.requireNonNull(scope, "scope");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a trust area needs a name");
    }
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("trust area " + name + " has no anchor");
    }
  }

  /** An area that declares no name scope. */
  public TrustArea(
      String name,
      List<X509Certificate> anchors,
      List<X509Certificate> intermediates,
      TrustPolicy policy,
      Revocation revocation) {
    this(name, anchors, intermediates, policy, revocation, NameScope.open());
  }

  /** An area with the {@link TrustPolicy#defaults() default policy} and no revocation checking. */
  public TrustArea(
      String name, List<X509Certificate> anchors, List<X509Certificate> intermediates) {
    this(name, anchors, intermediates, TrustPolicy.defaults(), Revocation.off());
  }

  /**
   * The CA certificates whose leaves this area vouches for: its intermediates, or its anchors when
   * it lists no intermediate (the anchor issues the area's leaves itself).
   */
  public List<X509Certificate> ownCas() {
    return intermediates.isEmpty() ? anchors : intermediates;
  }

  /**
   * Why {@code areas} cannot be told apart, if they cannot: two areas that own the same CA (the
   * same subject and key), or that share an anchor while one of them owns that anchor itself (it
   * lists no intermediate, so every path to the shared root would be its own). Order must never
   * decide which area a caller is in, so such a configuration is refused.
   */
  public static Optional<String> ambiguity(List<TrustArea> areas) {
    for (int i = 0; i < areas.size(); i++) {
      for (int j = i + 1; j < areas.size(); j++) {
        TrustArea a = areas.get(i);
        TrustArea b = areas.get(j);
        if (a.name().equals(b.name())) {
          return Optional.of("two areas are named " + a.name());
        }
        if (a.name().equalsIgnoreCase(b.name())) {
          // Area names compare exactly everywhere; two that differ only in case invite a rule
          // written for one to be read as the other.
          return Optional.of(
              "areas " + a.name() + " and " + b.name() + " differ only in case; rename one");
        }
        for (X509Certificate own : a.ownCas()) {
          if (b.ownCas().stream().anyMatch(other -> sameCa(own, other))) {
            return Optional.of(
                "areas "
                    + a.name()
                    + " and "
                    + b.name()
                    + " both own the CA "
                    + own.getSubjectX500Principal().getName()
                    + "; give each area its own intermediate");
          }
        }
        boolean sharedAnchor =
            a.anchors().stream().anyMatch(x -> b.anchors().stream().anyMatch(y -> sameCa(x, y)));
        if (sharedAnchor && (a.intermediates().isEmpty() || b.intermediates().isEmpty())) {
          String rootOwner = a.intermediates().isEmpty() ? a.name() : b.name();
          return Optional.of(
              "areas "
                  + a.name()
                  + " and "
                  + b.name()
                  + " share an anchor and area "
                  + rootOwner
                  + " lists no intermediate of its own; list each area's intermediates");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The same CA: subject and public key equal. A CA certificate re-issued for the same key (a
   * renewed intermediate) is still the same issuing CA.
   */
  static boolean sameCa(X509Certificate a, X509Certificate b) {
    return a.getSubjectX500Principal().equals(b.getSubjectX500Principal())
        && a.getPublicKey().equals(b.getPublicKey());
  }

  public TrustArea withPolicy(TrustPolicy newPolicy) {
    return new TrustArea(name, anchors, intermediates, newPolicy, revocation, scope);
  }

  public TrustArea withRevocation(Revocation newRevocation) {
    return new TrustArea(name, anchors, intermediates, policy, newRevocation, scope);
  }

  public TrustArea withScope(NameScope newScope) {
    return new TrustArea(name, anchors, intermediates, policy, revocation, newScope);
  }
}
