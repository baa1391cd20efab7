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
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * Validates chains against each configured {@link TrustArea} with the JDK's PKIX {@link
 * CertPathValidator} (the presented order, as TLS peers send it) and, when that does not chain, the
 * JDK's PKIX {@link CertPathBuilder} (callers that omit or reorder intermediates the area knows).
 * On a valid path it applies {@link PathChecks}: the RFC 5280 profile, the anchor's own name
 * constraints and the area's policy. Revocation uses the area's CRLs through the JDK's {@link
 * PKIXRevocationChecker}; the {@link DenyList} is checked first.
 *
 * <p>An area that lists intermediates accepts only a leaf one of them issued (the certificate right
 * above the leaf, never a CA higher up); an area that lists only anchors accepts the leaves below
 * its anchor that no other area's CA is nearer to ({@link TrustArea#ownCas()}). So a leaf of one
 * area sent with its own intermediate is never taken for a caller of another area under the same
 * root, an area whose CA sits above another area's (nested areas) does not take the lower area's
 * leaves, whatever chain the caller sends, and the order of the areas decides nothing (every area
 * is asked; two that accept through different paths refuse the chain): areas that could not be told
 * apart are refused when the validator is made ({@link TrustArea#ambiguity}). When no area accepts,
 * the reason is the first area-specific rejection (an area whose CA issued the chain but which
 * refused it, for instance as expired or revoked); only when no area recognises the chain is it
 * {@code PRTC0105E}.
 *
 * <p>Accepted decisions are cached by the presented chain ({@link ChainCache}). {@link #validate}
 * never throws: every failure, including unexpected ones, is a REJECT with a message ID.
 */
public final class PkixTrustValidator implements TrustValidator {
  /** Longest chain accepted from a peer before any work is done. */
  public static final int MAX_PRESENTED_CHAIN = 10;

  /** Default number of cached accepted chains. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  /** Default number of per-certificate answers each area remembers. */
  public static final int DEFAULT_MEMO_SIZE = CertificateMemo.DEFAULT_SIZE;

  /** Most name × subtree comparisons a presented chain may ask for (2^16). */
  static final long MAX_NAME_CONSTRAINT_CHECKS = 1L << 16;

  private final List<AreaState> areas;
  private final Clock clock;
  private final DenyList denyList;
  private final ChainCache cache;

  /** Where cache hits and full validations are counted; null when nobody asks. */
  private final ValidationStats stats;

  /**
   * What {@link NameSyntax#facts} read of each presented certificate, remembered: the JDK answers
   * "no such extension" by throwing and catching, which would otherwise cost more than the rest of
   * an uncached validation.
   */
  private final CertificateMemo<NameSyntax.Facts> nameFacts;

  /**
   * The most subtrees an area's own certificates can put above a presented chain (its most
   * constrained anchor and all its intermediates), counted in the name-constraint work bound.
   */
  private final long areaSubtrees;

  /** Validates against {@code areas} with an empty deny-list and the default cache. */
  public PkixTrustValidator(List<TrustArea> areas, Clock clock) {
    this(areas, clock, DenyList.empty(), DEFAULT_CACHE_SIZE);
  }

  /**
   * @param areas the trust areas, tried in order
   * @param clock the time validity is checked at
   * @param denyList certificates refused regardless of CRLs
   * @param cacheSize how many accepted chains to remember; 0 turns the cache off
   */
  public PkixTrustValidator(List<TrustArea> areas, Clock clock, DenyList denyList, int cacheSize) {
    this(areas, clock, denyList, cacheSize, DEFAULT_MEMO_SIZE);
  }

  /**
   * @param areas the trust areas, tried in order
   * @param clock the time validity is checked at
   * @param denyList certificates refused regardless of CRLs
   * @param cacheSize how many accepted chains to remember; 0 turns the cache off
   * @param memoSize how many per-certificate profile and policy answers each area remembers; 0
   *     checks every certificate of every path again
   * @throws IllegalArgumentException when two areas cannot be told apart ({@link
   *     TrustArea#ambiguity})
   */
  public PkixTrustValidator(
      List<TrustArea> areas, Clock clock, DenyList denyList, int cacheSize, int memoSize) {
    this(areas, clock, denyList, cacheSize, memoSize, null);
  }

  /**
   * As {@link #PkixTrustValidator(List, Clock, DenyList, int, int)}, counting cache hits and timing
   * full validations into {@code stats}.
   */
  public PkixTrustValidator(
      List<TrustArea> areas,
      Clock clock,
      DenyList denyList,
      int cacheSize,
      int memoSize,
      ValidationStats stats) {
    TrustArea.ambiguity(areas)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(why);
            });
    this.areas = areas.stream().map(area -> new AreaState(area, memoSize)).toList();
    this.areas.forEach(state -> state.peers = this.areas);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.denyList = Objects.requireNonNull(denyList, "denyList");
    this.cache = new ChainCache(cacheSize);
    this.stats = stats;
    this.nameFacts = new CertificateMemo<>(memoSize);
    this.areaSubtrees = this.areas.stream().mapToLong(AreaState::subtrees).max().orElse(0);
  }

  /** The configured areas. */
  public List<TrustArea> areas() {
    return areas.stream().map(AreaState::area).toList();
  }

  @Override
  public TrustDecision validate(List<X509Certificate> chain, Purpose purpose) {
    Instant now;
    ChainCache.Key key;
    TrustDecision cached;
    try {
      TrustDecision early = precheck(chain, purpose);
      if (early != null) {
        missed();
        return early;
      }
      // RFC 5280 validity has whole seconds and notAfter is inclusive: a certificate valid until
      // hh:mm:59 is valid throughout that second.
      now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      key = new ChainCache.Key(List.copyOf(chain), purpose);
      cached = cache.get(key, now);
    } catch (RuntimeException | StackOverflowError e) {
      missed();
      return failed(e);
    }
    if (cached != null) {
      // A hit is not counted here: ValidationStats works hits out from the decisions counted
      // anyway, so the cached path pays for one count, not two.
      return cached;
    }
    long start = stats == null ? 0 : System.nanoTime();
    try {
      return validateInFull(chain, purpose, chain.get(0), now, key);
    } catch (RuntimeException | StackOverflowError e) {
      return failed(e);
    } finally {
      if (stats != null) {
        stats.validated(System.nanoTime() - start);
      }
    }
  }

  private void missed() {
    if (stats != null) {
      stats.missed();
    }
  }

  private static TrustDecision failed(Throwable e) {
    return TrustDecision.reject(
        CoreMessage.VALIDATION_ERROR, e.getClass().getName() + ": " + e.getMessage());
  }

  /** The refusals that need no look at the certificates' contents, or null. */
  private TrustDecision precheck(List<X509Certificate> chain, Purpose purpose) {
    if (chain == null || chain.isEmpty() || purpose == null) {
      return TrustDecision.reject(CoreMessage.CHAIN_EMPTY);
    }
    for (X509Certificate certificate : chain) {
      if (certificate == null) {
        return TrustDecision.reject(CoreMessage.CHAIN_EMPTY);
      }
    }
    if (areas.isEmpty()) {
      return TrustDecision.reject(CoreMessage.NO_TRUST_AREA);
    }
    X509Certificate leaf = chain.get(0);
    if (chain.size() > MAX_PRESENTED_CHAIN) {
      return TrustDecision.reject(
          CoreMessage.CHAIN_TOO_LONG, PathChecks.subject(leaf), chain.size(), MAX_PRESENTED_CHAIN);
    }
    if (hasDuplicates(chain)) {
      return TrustDecision.reject(CoreMessage.CHAIN_REPEATS, PathChecks.subject(leaf));
    }
    return null;
  }

  private TrustDecision validateInFull(
      List<X509Certificate> chain,
      Purpose purpose,
      X509Certificate leaf,
      Instant now,
      ChainCache.Key key) {
    long version = TrustChanges.current();
    List<NameSyntax.Facts> names = new ArrayList<>(chain.size());
    boolean presentedConstrainUris = false;
    for (X509Certificate certificate : chain) {
      // Names outside RFC 5280's syntax never reach a name-constraint engine or a rule.
      NameSyntax.Facts facts =
          nameFacts.answer(certificate, false, null, null, () -> NameSyntax.facts(certificate));
      if (facts.syntax().isPresent()) {
        return facts.syntax().get();
      }
      presentedConstrainUris |= facts.constrainsUris() && certificate != leaf;
      names.add(facts);
      if (facts.keyIdentifier().isPresent()) {
        return facts.keyIdentifier().get();
      }
    }
    Optional<TrustDecision> tooMuch = nameConstraintWork(leaf, names, areaSubtrees);
    if (tooMuch.isPresent()) {
      return tooMuch.get();
    }
    for (X509Certificate certificate : chain) {
      Optional<String> denied = denyList.denies(certificate);
      if (denied.isPresent()) {
        return TrustDecision.reject(
            CoreMessage.DENY_LISTED, PathChecks.subject(certificate), denied.get());
      }
    }
    Date date = Date.from(now);
    if (leaf.getNotAfter().before(date)) {
      return TrustDecision.reject(
          CoreMessage.EXPIRED, PathChecks.subject(leaf), leaf.getNotAfter().toInstant(), now);
    }
    if (leaf.getNotBefore().after(date)) {
      return TrustDecision.reject(
          CoreMessage.NOT_YET_VALID, PathChecks.subject(leaf), leaf.getNotBefore().toInstant());
    }
    TrustDecision firstSpecific = null;
    AreaOutcome accepted = null;
    List<String> unrecognised = new ArrayList<>();
    for (AreaState area : areas) {
      AreaOutcome outcome =
          area.validate(chain, purpose, now, denyList, names, presentedConstrainUris);
      if (outcome.decision().accepted()) {
        if (accepted != null) {
          // Each area takes only leaves its CA is nearest to, so two can accept only through
          // different paths (a cross-certified CA): the order of the areas must not choose.
          return TrustDecision.reject(
              CoreMessage.UNTRUSTED,
              PathChecks.subject(leaf),
              "areas "
                  + accepted.decision().area()
                  + " and "
                  + outcome.decision().area()
                  + " both vouch for it through different paths, so neither does");
        }
        accepted = outcome;
      } else if (outcome.specific()) {
        if (firstSpecific == null) {
          firstSpecific = outcome.decision();
        }
      } else {
        unrecognised.add(area.area().name() + ": " + outcome.decision().reason());
      }
    }
    if (accepted != null) {
      cache.put(key, accepted.decision(), accepted.validUntil(), version, now);
      return accepted.decision();
    }
    if (firstSpecific != null) {
      return firstSpecific;
    }
    return TrustDecision.reject(
        CoreMessage.UNTRUSTED, PathChecks.subject(leaf), String.join("; ", unrecognised));
  }

  /**
   * How many name × subtree comparisons the presented chain asks of a name-constraint engine (each
   * certificate's names against the subtrees of every CA certificate above it, the area's own
   * included), refused before any engine starts when past {@link #MAX_NAME_CONSTRAINT_CHECKS}: many
   * names under many subtrees is quadratic work an attacker with any CA certificate can ask for.
   *
   * @param areaSubtrees the subtrees the area's anchor and intermediates can add above the chain
   */
  static Optional<TrustDecision> nameConstraintWork(
      X509Certificate leaf, List<NameSyntax.Facts> names, long areaSubtrees) {
    long subtreesAbove = areaSubtrees;
    long work = 0;
    for (int i = names.size() - 1; i >= 0; i--) {
      work += names.get(i).names() * subtreesAbove;
      subtreesAbove += names.get(i).subtrees();
    }
    if (work > MAX_NAME_CONSTRAINT_CHECKS) {
      return Optional.of(
          TrustDecision.reject(
              CoreMessage.NAME_CONSTRAINT_WORK,
              PathChecks.subject(leaf),
              work,
              MAX_NAME_CONSTRAINT_CHECKS));
    }
    return Optional.empty();
  }

  /** Whether a certificate appears twice: a loop. Chains are short, so pairs are compared. */
  private static boolean hasDuplicates(List<X509Certificate> chain) {
    for (int i = 1; i < chain.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (chain.get(i).equals(chain.get(j))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * One area's answer: its decision, whether the rejection is specific to a chain the area
   * recognised, and until when an acceptance may be cached.
   */
  private record AreaOutcome(TrustDecision decision, boolean specific, Instant validUntil) {
    static AreaOutcome unrecognised(String why) {
      return new AreaOutcome(new TrustDecision(false, "", "", why), false, Instant.MIN);
    }

    static AreaOutcome rejected(TrustDecision decision) {
      return new AreaOutcome(decision, true, Instant.MIN);
    }
  }

  /** A trust area with what validation needs precomputed once. */
  private static final class AreaState {
    private final TrustArea area;
    private final Set<TrustAnchor> anchors;
    private final Set<X509Certificate> anchorCertificates;
    private final Map<X509Certificate, NameConstraints> anchorConstraints = new HashMap<>();
    private final CertStore intermediates;
    private final CertificateMemo<Optional<TrustDecision>> memo;

    /**
     * Per certificate: whether one of the area's CAs issued it ({@code leaf} key true) and whether
     * it is one of them (false). The JDK answers each subject, issuer and key getter by parsing an
     * attribute name, so on the uncached path these lookups cost as much as the rest of the checks.
     */
    private final CertificateMemo<Boolean> ownership;

    private final boolean constrainsUris;

    /** Every area of the validator, this one included; set once, right after construction. */
    private List<AreaState> peers = List.of();

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
        // The JDK refuses TrustAnchor name constraints; PathChecks applies them instead.
        set.add(new TrustAnchor(anchor, null));
        NameConstraints constraints = PathChecks.nameConstraintsOf(anchor);
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
      if (anchorCertificates.contains(chain.get(0))) {
        return AreaOutcome.unrecognised("the presented certificate is itself a trust anchor");
      }
      if (!recognises(chain)) {
        // A path through one of the area's CAs has a certificate that CA issued, and that one is
        // presented. Without one the chain is another area's: it must not get this area's
        // revocation or policy verdict (a hard-fail area would report another's leaf as of
        // unknown status instead of "not ours").
        return AreaOutcome.unrecognised(
            "the chain names no CA of area " + area.name() + " as its issuer (it is another's)");
      }
      List<X509Certificate> presented = new ArrayList<>(chain);
      while (presented.size() > 1
          && anchorCertificates.contains(presented.get(presented.size() - 1))) {
        presented.remove(presented.size() - 1);
      }
      if (constrainsUris || presentedConstrainUris) {
        // presented is the chain without the anchors it ends in, so its facts are names' prefix
        for (int i = 0; i < presented.size(); i++) {
          Optional<TrustDecision> refused = names.get(i).uriHost();
          if (refused.isPresent()) {
            return AreaOutcome.rejected(refused.get());
          }
        }
      }
      CrlStore.Snapshot crls = area.revocation().crls().snapshot();
      List<X509Certificate> path;
      TrustAnchor anchor;
      try {
        PKIXParameters params = new PKIXParameters(anchors);
        configure(params, now, crls);
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(presented);
        PKIXCertPathValidatorResult result =
            (PKIXCertPathValidatorResult)
                CertPathValidator.getInstance("PKIX").validate(certPath, params);
        path = presented;
        anchor = result.getTrustAnchor();
      } catch (CertPathValidatorException e) {
        // The presented order is one candidate path. When it fails (an expired or constrained
        // intermediate, a certificate out of order) another path through the presented and the
        // area's certificates may be valid: the builder searches them all, and only when none is
        // valid does the presented path's own failure stand.
        boolean chains = !doesNotChain(e);
        try {
          X509CertSelector target = new X509CertSelector();
          target.setCertificate(chain.get(0));
          PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
          configure(params, now, crls);
          params.setMaxPathLength(area.policy().maxChainDepth());
          params.addCertStore(
              CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
          params.addCertStore(intermediates);
          PKIXCertPathBuilderResult result =
              (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
          @SuppressWarnings("unchecked")
          List<X509Certificate> built =
              (List<X509Certificate>) result.getCertPath().getCertificates();
          path = built;
          anchor = result.getTrustAnchor();
        } catch (CertPathBuilderException b) {
          return chains
              ? AreaOutcome.rejected(Failures.of(e, presented, now))
              : AreaOutcome.unrecognised(e.getMessage() + " / " + b.getMessage());
        } catch (GeneralSecurityException b) {
          return chains
              ? AreaOutcome.rejected(Failures.of(e, presented, now))
              : AreaOutcome.unrecognised(b.toString());
        } catch (RuntimeException b) {
          return jdkFailure(chain.get(0), "the JDK's PKIX path builder", b);
        }
      } catch (GeneralSecurityException e) {
        return AreaOutcome.unrecognised(e.toString());
      } catch (RuntimeException e) {
        return jdkFailure(chain.get(0), "the JDK's PKIX path validator", e);
      }
      AreaOutcome judged = judge(path, anchor, purpose, now, denyList, names, crls);
      if (judged.specific() && path.size() > 1) {
        // RFC 5280 6.1 asks whether a valid path exists: a check the JDK does not make (a CA's
        // EKU, the area's scope, a deny-listed CA) may fail on this path and pass on another.
        return alternatives(chain, path, judged, purpose, now, denyList, names, crls);
      }
      return judged;
    }

    /** Most paths the alternate search builds after the first one failed a check. */
    static final int MOST_PATHS = 8;

    /**
     * Searches other paths for {@code chain} once {@code first} failed a check after the JDK's:
     * each builds with one more certificate of a failed path left out, breadth first, at most
     * {@link #MOST_PATHS} builds ({@code PRTC0160E} past that). The first path's reason stands when
     * no other path is valid. Costs nothing when the first path passes.
     */
    private AreaOutcome alternatives(
        List<X509Certificate> chain,
        List<X509Certificate> first,
        AreaOutcome firstOutcome,
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
                  PathChecks.subject(chain.get(0)),
                  MOST_PATHS,
                  firstOutcome.decision().reason()));
        }
        Set<X509Certificate> excluded = queue.poll();
        built++;
        List<X509Certificate> candidates = new ArrayList<>(pool);
        candidates.removeAll(excluded);
        PKIXCertPathBuilderResult result;
        try {
          X509CertSelector target = new X509CertSelector();
          target.setCertificate(chain.get(0));
          PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
          configure(params, now, crls);
          params.setMaxPathLength(area.policy().maxChainDepth());
          params.addCertStore(
              CertStore.getInstance("Collection", new CollectionCertStoreParameters(candidates)));
          result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
        } catch (GeneralSecurityException | RuntimeException e) {
          continue; // no path without these certificates
        }
        @SuppressWarnings("unchecked")
        List<X509Certificate> path = (List<X509Certificate>) result.getCertPath().getCertificates();
        AreaOutcome outcome =
            judge(path, result.getTrustAnchor(), purpose, now, denyList, names, crls);
        if (outcome.decision().accepted()) {
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
      Optional<TrustDecision> checks =
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
        Optional<TrustDecision> wildcard = PathChecks.wildcardUnderExcluded(withAnchor);
        if (wildcard.isPresent()) {
          return AreaOutcome.rejected(wildcard.get());
        }
      }
      Optional<String> outside = area.scope().outside(path.get(0));
      if (outside.isPresent()) {
        return AreaOutcome.rejected(
            TrustDecision.reject(
                CoreMessage.OUTSIDE_AREA_SCOPE,
                PathChecks.subject(path.get(0)),
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
                  CoreMessage.DENY_LISTED, PathChecks.subject(certificate), denied.get()));
        }
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isBefore(validUntil)) {
          validUntil = notAfter;
        }
      }
      if (area.revocation().mode() != RevocationMode.OFF
          && crls.nextRefresh().isBefore(validUntil)) {
        validUntil = crls.nextRefresh();
      }
      return new AreaOutcome(TrustDecision.accept(area.name()), false, validUntil);
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
              CoreMessage.VALIDATOR_ERROR, PathChecks.subject(leaf), where, e.toString()));
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
      return e.getReason() == PKIXReason.NO_TRUST_ANCHOR
          || e.getReason() == PKIXReason.NAME_CHAINING;
    }
  }
}
