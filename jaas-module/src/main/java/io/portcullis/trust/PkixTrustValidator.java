package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Validates chains against each configured {@link TrustArea} with the JDK's PKIX {@link
 * CertPathValidator} (the presented order, as TLS peers send it) and, when that does not chain, the
 * JDK's PKIX {@link CertPathBuilder} (callers that omit or reorder intermediates the area knows).
 * On a valid path it applies {@link PathChecks}: the RFC 5280 profile, the anchor, the area's
 * policy and the certificates' names. Revocation uses the area's CRLs through the JDK's {@link
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
   * What {@link Presented} reads of each presented certificate, remembered: the JDK answers "no
   * such extension" by throwing and catching, which would otherwise cost more than the rest of an
   * uncached validation.
   */
  private final CertificateMemo<Presented> presentedFacts;

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
    this.presentedFacts = new CertificateMemo<>(memoSize);
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
    TrustDecision.Accepted cached;
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

  private static TrustDecision.Rejected failed(Throwable e) {
    return TrustDecision.reject(
        CoreMessage.VALIDATION_ERROR, e.getClass().getName() + ": " + e.getMessage());
  }

  /** The refusals that need no look at the certificates' contents, or null. */
  private TrustDecision.Rejected precheck(List<X509Certificate> chain, Purpose purpose) {
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
          CoreMessage.CHAIN_TOO_LONG,
          Certificates.subject(leaf),
          chain.size(),
          MAX_PRESENTED_CHAIN);
    }
    if (hasDuplicates(chain)) {
      return TrustDecision.reject(CoreMessage.CHAIN_REPEATS, Certificates.subject(leaf));
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
      Presented presented =
          presentedFacts.answer(certificate, false, null, null, () -> Presented.of(certificate));
      NameSyntax.Facts facts = presented.names();
      if (facts.syntax().isPresent()) {
        return facts.syntax().get();
      }
      presentedConstrainUris |= facts.constrainsUris() && certificate != leaf;
      names.add(facts);
      if (presented.keyIdentifier().isPresent()) {
        return presented.keyIdentifier().get();
      }
    }
    Optional<TrustDecision.Rejected> tooMuch = nameConstraintWork(leaf, names, areaSubtrees);
    if (tooMuch.isPresent()) {
      return tooMuch.get();
    }
    for (X509Certificate certificate : chain) {
      Optional<String> denied = denyList.denies(certificate);
      if (denied.isPresent()) {
        return TrustDecision.reject(
            CoreMessage.DENY_LISTED, Certificates.subject(certificate), denied.get());
      }
    }
    Date date = Date.from(now);
    if (leaf.getNotAfter().before(date)) {
      return TrustDecision.reject(
          CoreMessage.EXPIRED, Certificates.subject(leaf), leaf.getNotAfter().toInstant(), now);
    }
    if (leaf.getNotBefore().after(date)) {
      return TrustDecision.reject(
          CoreMessage.NOT_YET_VALID, Certificates.subject(leaf), leaf.getNotBefore().toInstant());
    }
    TrustDecision.Rejected firstSpecific = null;
    AreaOutcome.Vouched accepted = null;
    List<String> unrecognised = new ArrayList<>();
    for (AreaState area : areas) {
      AreaOutcome outcome =
          area.validate(chain, purpose, now, denyList, names, presentedConstrainUris);
      if (outcome instanceof AreaOutcome.Vouched vouched) {
        if (accepted != null) {
          // Each area takes only leaves its CA is nearest to, so two can accept only through
          // different paths (a cross-certified CA): the order of the areas must not choose.
          return TrustDecision.reject(
              CoreMessage.UNTRUSTED,
              Certificates.subject(leaf),
              "areas "
                  + accepted.decision().area()
                  + " and "
                  + vouched.decision().area()
                  + " both vouch for it through different paths, so neither does");
        }
        accepted = vouched;
      } else if (outcome instanceof AreaOutcome.Refused refused) {
        if (firstSpecific == null) {
          firstSpecific = refused.decision();
        }
      } else if (outcome instanceof AreaOutcome.NotOurs notOurs) {
        unrecognised.add(area.area().name() + ": " + notOurs.why());
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
        CoreMessage.UNTRUSTED, Certificates.subject(leaf), String.join("; ", unrecognised));
  }

  /**
   * How many name × subtree comparisons the presented chain asks of a name-constraint engine (each
   * certificate's names against the subtrees of every CA certificate above it, the area's own
   * included), refused before any engine starts when past {@link #MAX_NAME_CONSTRAINT_CHECKS}: many
   * names under many subtrees is quadratic work an attacker with any CA certificate can ask for.
   *
   * @param areaSubtrees the subtrees the area's anchor and intermediates can add above the chain
   */
  static Optional<TrustDecision.Rejected> nameConstraintWork(
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
              Certificates.subject(leaf),
              work,
              MAX_NAME_CONSTRAINT_CHECKS));
    }
    return Optional.empty();
  }

  /**
   * What is read of each presented certificate before the JDK sees the chain, remembered per
   * certificate: its names' facts, and a critical key identifier (RFC 5280 4.2.1.1, 4.2.1.2), which
   * the JDK would otherwise refuse as an extension it does not process.
   */
  private record Presented(NameSyntax.Facts names, Optional<TrustDecision.Rejected> keyIdentifier) {
    static Presented of(X509Certificate certificate) {
      return new Presented(
          NameSyntax.facts(certificate),
          ProfileChecks.criticalKeyIdentifier(certificate, certificate.getCriticalExtensionOIDs()));
    }
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
}
