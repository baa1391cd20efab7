package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.NameConstraints;

/** A trust area with what validation needs precomputed once. */
final class AreaState {
  private final TrustArea area;
  private final Set<TrustAnchor> anchors;
  private final Set<X509Certificate> anchorCertificates;
  private final Map<X509Certificate, NameConstraints> anchorConstraints = new HashMap<>();
  private final CertStore intermediates;
  private final CertificateMemo<Optional<TrustDecision.Rejected>> memo;

  /**
   * Per certificate: whether one of the area's CAs issued it ({@code leaf} key true) and whether it
   * is one of them (false). The JDK answers each subject, issuer and key getter by parsing an
   * attribute name, so on the uncached path these lookups cost as much as the rest of the checks.
   */
  private final CertificateMemo<Boolean> ownership;

  private final boolean constrainsUris;

  /** Every area of the validator, this one included; set once, right after construction. */
  List<AreaState> peers = List.of();

  /**
   * The area's own CAs by key, each with its subject ({@link TrustArea#ownCas()}): whether a path
   * certificate is one of them is a hash lookup on the handshake path, also for the other areas'
   * certificates it is not.
   */
  private final Map<PublicKey, Set<X500Principal>> ownCas = new HashMap<>();

  /** The subjects of the area's own CAs, to pass over chains no own CA can have issued. */
  private final Set<X500Principal> ownSubjects = new HashSet<>();

  AreaState(TrustArea area, int memoSize) {
    this.area = area;
    this.memo = new CertificateMemo<>(memoSize);
    this.ownership = new CertificateMemo<>(memoSize);
    Set<TrustAnchor> set = new HashSet<>();
    for (X509Certificate anchor : area.anchors()) {
      // The JDK refuses TrustAnchor name constraints; AnchorChecks applies them instead.
      set.add(new TrustAnchor(anchor, null));
      NameConstraints constraints = Certificates.nameConstraintsOf(anchor);
      if (constraints != null) {
        anchorConstraints.put(anchor, constraints);
      }
    }
    this.anchors = Set.copyOf(set);
    for (X509Certificate own : area.ownCas()) {
      ownCas
          .computeIfAbsent(own.getPublicKey(), key -> new HashSet<>())
          .add(own.getSubjectX500Principal());
      ownSubjects.add(own.getSubjectX500Principal());
    }
    this.constrainsUris =
        area.anchors().stream().anyMatch(NameSyntax::constrainsUris)
            || area.intermediates().stream().anyMatch(NameSyntax::constrainsUris);
    this.anchorCertificates = Set.copyOf(area.anchors());
    try {
      this.intermediates =
          CertStore.getInstance(
              "Collection", new CollectionCertStoreParameters(area.intermediates()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has the Collection CertStore", e);
    }
  }

  /** The most subtrees this area's own certificates can put above a chain. */
  long subtrees() {
    long anchor =
        area.anchors().stream().mapToLong(a -> NameSyntax.facts(a).subtrees()).max().orElse(0);
    return anchor
        + area.intermediates().stream().mapToLong(i -> NameSyntax.facts(i).subtrees()).sum();
  }

  TrustArea area() {
    return area;
  }

  AreaOutcome validate(
      List<X509Certificate> chain,
      Purpose purpose,
      Instant now,
      DenyList denyList,
      List<NameSyntax.Facts> names,
      boolean presentedConstrainUris) {
    Optional<AreaOutcome> notOurs = notOurs(chain);
    if (notOurs.isPresent()) {
      return notOurs.get();
    }
    List<X509Certificate> presented = withoutAnchors(chain);
    if (constrainsUris || presentedConstrainUris) {
      // presented is the chain without the anchors it ends in, so its facts are names' prefix
      for (int i = 0; i < presented.size(); i++) {
        Optional<TrustDecision.Rejected> refused = names.get(i).uriHost();
        if (refused.isPresent()) {
          return AreaOutcome.rejected(refused.get());
        }
      }
    }
    CrlStore.Snapshot crls = area.revocation().crls().snapshot();
    Found first = firstPath(chain, presented, now, crls);
    if (first.refused() != null) {
      return first.refused();
    }
    AreaOutcome judged = judge(first.path(), first.anchor(), purpose, now, denyList, names, crls);
    if (judged instanceof AreaOutcome.Refused refused && first.path().size() > 1) {
      // RFC 5280 6.1 asks whether a valid path exists: a check the JDK does not make (a CA's
      // EKU, the area's scope, a deny-listed CA) may fail on this path and pass on another.
      return alternatives(chain, first.path(), refused, purpose, now, denyList, names, crls);
    }
    return judged;
  }

  /**
   * Why the chain is none of this area's business, if it is not: its leaf is one of the area's
   * anchors, or no certificate names one of the area's CAs as its issuer. Such a chain must not get
   * this area's revocation or policy verdict (a hard-fail area would report another's leaf as of
   * unknown status instead of "not ours").
   */
  private Optional<AreaOutcome> notOurs(List<X509Certificate> chain) {
    if (anchorCertificates.contains(chain.get(0))) {
      return Optional.of(
          AreaOutcome.unrecognised("the presented certificate is itself a trust anchor"));
    }
    if (!recognises(chain)) {
      return Optional.of(
          AreaOutcome.unrecognised(
              "the chain names no CA of area " + area.name() + " as its issuer (it is another's)"));
    }
    return Optional.empty();
  }

  /** The chain without the area's anchors it ends in. */
  private List<X509Certificate> withoutAnchors(List<X509Certificate> chain) {
    List<X509Certificate> presented = new ArrayList<>(chain);
    while (presented.size() > 1
        && anchorCertificates.contains(presented.get(presented.size() - 1))) {
      presented.remove(presented.size() - 1);
    }
    return presented;
  }

  /** The first path the JDK finds valid, and its anchor; or why there is none. */
  private record Found(List<X509Certificate> path, TrustAnchor anchor, AreaOutcome refused) {
    static Found refused(AreaOutcome outcome) {
      return new Found(List.of(), null, outcome);
    }
  }

  /**
   * The presented order validated by the JDK; when it fails (an expired or constrained
   * intermediate, a certificate out of order) another path through the presented and the area's
   * certificates may be valid: the builder searches them all, and only when none is valid does the
   * presented path's own failure stand.
   */
  private Found firstPath(
      List<X509Certificate> chain,
      List<X509Certificate> presented,
      Instant now,
      CrlStore.Snapshot crls) {
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      configure(params, now, crls);
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(presented);
      PKIXCertPathValidatorResult result =
          (PKIXCertPathValidatorResult)
              CertPathValidator.getInstance("PKIX").validate(certPath, params);
      return new Found(presented, result.getTrustAnchor(), null);
    } catch (CertPathValidatorException e) {
      boolean chains = !doesNotChain(e);
      try {
        PKIXCertPathBuilderResult result =
            build(
                chain.get(0),
                List.of(
                    CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)),
                    intermediates),
                now,
                crls);
        @SuppressWarnings("unchecked")
        List<X509Certificate> built =
            (List<X509Certificate>) result.getCertPath().getCertificates();
        return new Found(built, result.getTrustAnchor(), null);
      } catch (CertPathBuilderException b) {
        return Found.refused(
            chains
                ? AreaOutcome.rejected(Failures.of(e, presented, now))
                : AreaOutcome.unrecognised(e.getMessage() + " / " + b.getMessage()));
      } catch (GeneralSecurityException b) {
        return Found.refused(
            chains
                ? AreaOutcome.rejected(Failures.of(e, presented, now))
                : AreaOutcome.unrecognised(b.toString()));
      } catch (RuntimeException b) {
        return Found.refused(jdkFailure(chain.get(0), "the JDK's PKIX path builder", b));
      }
    } catch (GeneralSecurityException e) {
      return Found.refused(AreaOutcome.unrecognised(e.toString()));
    } catch (RuntimeException e) {
      return Found.refused(jdkFailure(chain.get(0), "the JDK's PKIX path validator", e));
    }
  }

  /** A path from {@code leaf} to one of the area's anchors through {@code stores}. */
  private PKIXCertPathBuilderResult build(
      X509Certificate leaf, List<CertStore> stores, Instant now, CrlStore.Snapshot crls)
      throws GeneralSecurityException {
    X509CertSelector target = new X509CertSelector();
    target.setCertificate(leaf);
    PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
    configure(params, now, crls);
    params.setMaxPathLength(area.policy().maxChainDepth());
    stores.forEach(params::addCertStore);
    return (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
  }

  /** Most paths the alternate search builds after the first one failed a check. */
  static final int MOST_PATHS = 8;

  /**
   * Searches other paths for {@code chain} once {@code first} failed a check after the JDK's: each
   * builds with one more certificate of a failed path left out, breadth first, at most {@link
   * #MOST_PATHS} builds ({@code PRTC0160E} past that). The first path's reason stands when no other
   * path is valid. Costs nothing when the first path passes.
   */
  private AreaOutcome alternatives(
      List<X509Certificate> chain,
      List<X509Certificate> first,
      AreaOutcome.Refused firstOutcome,
      Purpose purpose,
      Instant now,
      DenyList denyList,
      List<NameSyntax.Facts> names,
      CrlStore.Snapshot crls) {
    List<X509Certificate> pool = new ArrayList<>(chain);
    for (X509Certificate own : area.intermediates()) {
      if (!pool.contains(own)) {
        pool.add(own);
      }
    }
    java.util.ArrayDeque<Set<X509Certificate>> queue = new java.util.ArrayDeque<>();
    Set<Set<X509Certificate>> seen = new java.util.HashSet<>();
    leaveOut(queue, seen, Set.of(), first);
    int built = 0;
    while (!queue.isEmpty()) {
      if (built == MOST_PATHS) {
        return AreaOutcome.rejected(
            TrustDecision.reject(
                CoreMessage.PATH_SEARCH_BOUND,
                Certificates.subject(chain.get(0)),
                MOST_PATHS,
                firstOutcome.decision().reason()));
      }
      Set<X509Certificate> excluded = queue.poll();
      built++;
      List<X509Certificate> candidates = new ArrayList<>(pool);
      candidates.removeAll(excluded);
      PKIXCertPathBuilderResult result;
      try {
        result =
            build(
                chain.get(0),
                List.of(
                    CertStore.getInstance(
                        "Collection", new CollectionCertStoreParameters(candidates))),
                now,
                crls);
      } catch (GeneralSecurityException | RuntimeException e) {
        continue; // no path without these certificates
      }
      @SuppressWarnings("unchecked")
      List<X509Certificate> path = (List<X509Certificate>) result.getCertPath().getCertificates();
      AreaOutcome outcome =
          judge(path, result.getTrustAnchor(), purpose, now, denyList, names, crls);
      if (outcome instanceof AreaOutcome.Vouched) {
        return outcome;
      }
      leaveOut(queue, seen, excluded, path);
    }
    return firstOutcome;
  }

  /** Queues, for each intermediate of {@code path}, the search without it too. */
  private static void leaveOut(
      java.util.ArrayDeque<Set<X509Certificate>> queue,
      Set<Set<X509Certificate>> seen,
      Set<X509Certificate> excluded,
      List<X509Certificate> path) {
    for (X509Certificate intermediate : path.subList(1, path.size())) {
      Set<X509Certificate> next = new java.util.HashSet<>(excluded);
      next.add(intermediate);
      if (seen.add(next)) {
        queue.add(next);
      }
    }
  }

  /**
   * The checks after the JDK's on one validated {@code path} to {@code anchor}: Portcullis's
   * profile and policy, wildcards under excluded names, the area's scope, the deny-list; and how
   * long the decision holds.
   */
  private AreaOutcome judge(
      List<X509Certificate> path,
      TrustAnchor anchor,
      Purpose purpose,
      Instant now,
      DenyList denyList,
      List<NameSyntax.Facts> names,
      CrlStore.Snapshot crls) {
    if (path.isEmpty()) {
      return AreaOutcome.unrecognised("the presented certificate is itself a trust anchor");
    }
    X509Certificate anchorCert = anchor.getTrustedCert();
    if (!vouchesFor(path, anchorCert)) {
      return AreaOutcome.unrecognised(
          "no CA of area " + area.name() + " issued the leaf (it is another's)");
    }
    Optional<TrustDecision.Rejected> checks =
        PathChecks.check(
            path,
            anchor,
            anchorCert == null ? null : anchorConstraints.get(anchorCert),
            area.policy(),
            purpose,
            now,
            memo);
    if (checks.isPresent()) {
      return AreaOutcome.rejected(checks.get());
    }
    if (names.get(0).wildcard()) {
      List<X509Certificate> withAnchor = new ArrayList<>(path);
      if (anchorCert != null) {
        withAnchor.add(anchorCert);
      }
      Optional<TrustDecision.Rejected> wildcard = NameChecks.wildcardUnderExcluded(withAnchor);
      if (wildcard.isPresent()) {
        return AreaOutcome.rejected(wildcard.get());
      }
    }
    Optional<String> outside = area.scope().outside(path.get(0));
    if (outside.isPresent()) {
      return AreaOutcome.rejected(
          TrustDecision.reject(
              CoreMessage.OUTSIDE_AREA_SCOPE,
              Certificates.subject(path.get(0)),
              outside.get(),
              area.name(),
              area.scope().describe()));
    }
    Instant validUntil = anchorCert == null ? Instant.MAX : anchorCert.getNotAfter().toInstant();
    for (X509Certificate certificate : path) {
      Optional<String> denied = denyList.denies(certificate);
      if (denied.isPresent()) {
        return AreaOutcome.rejected(
            TrustDecision.reject(
                CoreMessage.DENY_LISTED, Certificates.subject(certificate), denied.get()));
      }
      Instant notAfter = certificate.getNotAfter().toInstant();
      if (notAfter.isBefore(validUntil)) {
        validUntil = notAfter;
      }
    }
    if (area.revocation().mode() != RevocationMode.OFF && crls.nextRefresh().isBefore(validUntil)) {
      validUntil = crls.nextRefresh();
    }
    return new AreaOutcome.Vouched(TrustDecision.accept(area.name()), validUntil);
  }

  /**
   * Whether the area could have issued the presented chain: its leaf names one of the area's
   * intermediates as issuer (an area that lists intermediates vouches only for their leaves), or,
   * for an area that lists only anchors, any presented certificate names one of them.
   */
  private boolean recognises(List<X509Certificate> chain) {
    return area.intermediates().isEmpty()
        ? namesAnOwnCaAsIssuer(chain)
        : namesAnOwnCaAsIssuer(chain.subList(0, 1));
  }

  private boolean namesAnOwnCaAsIssuer(List<X509Certificate> chain) {
    for (X509Certificate certificate : chain) {
      if (ownership.answer(
          certificate,
          true,
          null,
          null,
          () -> ownSubjects.contains(certificate.getIssuerX500Principal()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether this area vouches for the leaf of {@code path}. An area that lists intermediates
   * vouches for the leaves one of them issued (the certificate right above the leaf), never for
   * those of a CA below it: with nested area CAs (corp above payments) the payments leaf is
   * payments', whatever chain it is sent with and whatever the order of the areas, and no area's
   * when payments is not configured. An area that lists only anchors vouches for the leaves below
   * its anchor that no other area's CA stands nearer to (an outside CA's unlisted intermediates).
   */
  private boolean vouchesFor(List<X509Certificate> path, X509Certificate anchorCert) {
    // The CAs above the leaf, nearest first: the path's (index 1 on), then the anchor.
    int above = path.size() - 1 + (anchorCert == null ? 0 : 1);
    int checked = area.intermediates().isEmpty() ? above : Math.min(1, above);
    for (int i = 1; i <= checked; i++) {
      X509Certificate ca = i < path.size() ? path.get(i) : anchorCert;
      if (owns(ca)) {
        return true;
      }
      if (ownedByAnotherArea(ca)) {
        return false;
      }
    }
    return false;
  }

  /** Whether another area owns {@code ca} ({@link TrustArea#ambiguity}: at most one does). */
  private boolean ownedByAnotherArea(X509Certificate ca) {
    for (AreaState peer : peers) {
      if (peer != this && peer.owns(ca)) {
        return true;
      }
    }
    return false;
  }

  /** One of the area's own CAs: the same key and subject (a re-issued intermediate counts). */
  private boolean owns(X509Certificate ca) {
    return ownership.answer(
        ca,
        false,
        null,
        null,
        () -> {
          Set<X500Principal> subjects = ownCas.get(ca.getPublicKey());
          return subjects != null && subjects.contains(ca.getSubjectX500Principal());
        });
  }

  /**
   * The JDK's name-constraint code throws on some names it cannot read (a URI host ending in two
   * dots, for one): a typed refusal of the chain, not an unexpected error.
   */
  private static AreaOutcome jdkFailure(X509Certificate leaf, String where, RuntimeException e) {
    return AreaOutcome.rejected(
        TrustDecision.reject(
            CoreMessage.VALIDATOR_ERROR, Certificates.subject(leaf), where, e.toString()));
  }

  private void configure(PKIXParameters params, Instant now, CrlStore.Snapshot crls)
      throws GeneralSecurityException {
    params.setDate(Date.from(now));
    Revocation revocation = area.revocation();
    if (revocation.mode() == RevocationMode.OFF) {
      params.setRevocationEnabled(false);
      return;
    }
    // Portcullis' own CRLs only: no OCSP and no CRL fetching during a handshake, so a CA that
    // is down cannot stall callers.
    PKIXRevocationChecker checker =
        (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
    Set<PKIXRevocationChecker.Option> options =
        EnumSet.of(
            PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK);
    if (revocation.leafOnly()) {
      options.add(PKIXRevocationChecker.Option.ONLY_END_ENTITY);
    }
    if (revocation.mode() == RevocationMode.SOFT_FAIL) {
      options.add(PKIXRevocationChecker.Option.SOFT_FAIL);
    }
    checker.setOptions(options);
    params.setRevocationEnabled(true);
    params.addCertPathChecker(checker);
    params.addCertStore(crls.certStore());
  }

  private static boolean doesNotChain(CertPathValidatorException e) {
    return e.getReason() == PKIXReason.NO_TRUST_ANCHOR || e.getReason() == PKIXReason.NAME_CHAINING;
  }
}
