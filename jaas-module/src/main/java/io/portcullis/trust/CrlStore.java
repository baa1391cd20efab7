package io.portcullis.trust;

import io.portcullis.Daemons;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.security.auth.x500.X500Principal;

/**
 * A trust area's current CRLs. Readers see one immutable snapshot (a volatile reference); {@link
 * #refresh()} builds the next one from the sources and swaps it in. A source that fails keeps its
 * last good CRLs and logs {@code PRTC0131W}; once their nextUpdate passes, the JDK no longer uses
 * them, so a hard-fail area refuses instead of trusting stale data.
 *
 * <p>CRLs only move forward: per issuer, a CRL with a lower CRL number or an earlier thisUpdate
 * than the newest one accepted is refused ({@code PRTC0143W}) and the newer one stays, so replaying
 * an old CRL (over the plain-HTTP URL a CRL distribution point names, say) cannot un-revoke a
 * certificate. A store that knows its area's CA certificates also refuses a CRL none of them signed
 * ({@code PRTC0144W}), so a forged CRL cannot raise the bar the genuine ones must clear.
 */
public final class CrlStore {
  private static final System.Logger LOG = System.getLogger(CrlStore.class.getName());
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

  /**
   * Where background refreshes download: never on the scheduler's thread, so a slow CRL server
   * cannot hold the deny-list watch or another area's refresh that share the scheduler.
   */
  private static final ExecutorService FETCHES = Daemons.pool("portcullis-crl-fetch");

  private final List<CrlSource> sources;
  private final Duration refreshInterval;
  private final Clock clock;
  private final List<X509Certificate> issuers;
  private final Map<CrlSource, List<X509CRL>> lastGood = new HashMap<>();
  private final Map<X500Principal, X509CRL> newest = new HashMap<>();
  private volatile Snapshot snapshot;
  private final AtomicBoolean fetching = new AtomicBoolean();

  /** The CRLs at one instant, the CertStore the JDK reads them from, and when to look again. */
  record Snapshot(List<X509CRL> crls, CertStore certStore, Instant nextRefresh) {}

  private CrlStore(
      List<CrlSource> sources,
      Duration refreshInterval,
      Clock clock,
      List<X509Certificate> issuers) {
    this.sources = List.copyOf(sources);
    this.issuers = List.copyOf(issuers);
    this.refreshInterval = refreshInterval;
    this.clock = clock;
    this.snapshot = snapshotOf(List.of(), Instant.MAX);
  }

  /** A store with no CRLs. */
  public static CrlStore empty() {
    return new CrlStore(List.of(), Duration.ofDays(1), Clock.systemUTC(), List.of());
  }

  /** A store holding fixed CRLs (tests, batch verify). */
  public static CrlStore of(List<X509CRL> crls) {
    CrlStore store = new CrlStore(List.of(), Duration.ofDays(1), Clock.systemUTC(), List.of());
    store.snapshot = snapshotOf(List.copyOf(crls), Instant.MAX);
    return store;
  }

  /**
   * A store loading from {@code sources} now and again at the earliest of each CRL's nextUpdate and
   * {@code refreshInterval}. A first load that fails is logged and leaves the store empty.
   */
  public static CrlStore loading(List<CrlSource> sources, Duration refreshInterval, Clock clock) {
    return loading(sources, refreshInterval, clock, List.of());
  }

  /**
   * As {@link #loading(List, Duration, Clock)}, accepting only CRLs that one of {@code issuers}
   * (the area's anchors and intermediates) signed.
   */
  public static CrlStore loading(
      List<CrlSource> sources,
      Duration refreshInterval,
      Clock clock,
      List<X509Certificate> issuers) {
    CrlStore store =
        new CrlStore(
            sources,
            Objects.requireNonNull(refreshInterval),
            Objects.requireNonNull(clock),
            issuers);
    store.refresh();
    return store;
  }

  /** Reloads every source; failed sources keep their last good CRLs. Returns true if all loaded. */
  public synchronized boolean refresh() {
    boolean allLoaded = true;
    for (CrlSource source : sources) {
      try {
        lastGood.put(source, accepted(source, source.load()));
      } catch (PortcullisException e) {
        allLoaded = false;
        LOG.log(
            System.Logger.Level.WARNING,
            CoreMessage.CRL_REFRESH_FAILED.format(source.describe(), e.getMessage()));
      }
    }
    List<X509CRL> crls = new ArrayList<>();
    for (CrlSource source : sources) {
      crls.addAll(lastGood.getOrDefault(source, List.of()));
    }
    Instant now = clock.instant();
    Instant next = now.plus(allLoaded ? refreshInterval : RETRY_AFTER_FAILURE);
    for (X509CRL crl : crls) {
      if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(next)) {
        next = crl.getNextUpdate().toInstant();
      }
    }
    if (!next.isAfter(now)) {
      next = now.plus(RETRY_AFTER_FAILURE);
    }
    snapshot = snapshotOf(List.copyOf(crls), next);
    TrustChanges.changed();
    return allLoaded;
  }

  /**
   * The CRLs of {@code loaded} that move forward; for an issuer whose new CRL is refused, the CRL
   * of that issuer this source gave before stays.
   */
  private List<X509CRL> accepted(CrlSource source, List<X509CRL> loaded) {
    List<X509CRL> kept = new ArrayList<>();
    for (X509CRL crl : loaded) {
      X500Principal issuer = crl.getIssuerX500Principal();
      Optional<String> refused = refusal(crl);
      X509CRL current = newest.get(issuer);
      Optional<String> older = refused.isPresent() ? Optional.empty() : older(crl, current);
      if (refused.isPresent() || older.isPresent()) {
        LOG.log(
            System.Logger.Level.WARNING,
            refused.isPresent()
                ? CoreMessage.CRL_NOT_SIGNED.format(
                    issuer.getName(), source.describe(), refused.get())
                : CoreMessage.CRL_OLDER.format(issuer.getName(), source.describe(), older.get()));
        for (X509CRL previous : lastGood.getOrDefault(source, List.of())) {
          if (previous.getIssuerX500Principal().equals(issuer)) {
            kept.add(previous);
          }
        }
        continue;
      }
      newest.put(issuer, crl);
      kept.add(crl);
    }
    return List.copyOf(kept);
  }

  /**
   * Why {@code crl} is not taken: none of the area's CA certificates (when it knows any) signed it,
   * or it breaks RFC 5280's CRL profile ({@link CrlProfile}).
   */
  private Optional<String> refusal(X509CRL crl) {
    if (issuers.isEmpty()) {
      return CrlProfile.problem(crl, null);
    }
    Optional<X509Certificate> signer = CrlProfile.signer(crl, issuers);
    if (signer.isPresent()) {
      return CrlProfile.problem(crl, signer.get());
    }
    for (X509Certificate issuer : issuers) {
      if (issuer.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
        return Optional.of(
            "its signature does not verify with the key of " + Certificates.subject(issuer));
      }
    }
    return Optional.of(
        "no CA certificate of the area is named " + crl.getIssuerX500Principal().getName());
  }

  /**
   * How {@code crl} goes back from {@code current}, the newest accepted of its issuer, if it does.
   */
  static Optional<String> older(X509CRL crl, X509CRL current) {
    if (current == null) {
      return Optional.empty();
    }
    Optional<BigInteger> number = CrlProfile.number(crl);
    Optional<BigInteger> currentNumber = CrlProfile.number(current);
    if (number.isPresent()
        && currentNumber.isPresent()
        && number.get().compareTo(currentNumber.get()) < 0) {
      return Optional.of(
          "CRL number " + number.get() + " is lower than the " + currentNumber.get() + " in use");
    }
    if (crl.getThisUpdate().before(current.getThisUpdate())) {
      return Optional.of(
          "thisUpdate "
              + crl.getThisUpdate().toInstant()
              + " is earlier than the "
              + current.getThisUpdate().toInstant()
              + " in use");
    }
    return Optional.empty();
  }

  /** Refreshes when the snapshot's refresh time has come. */
  public void refreshIfDue() {
    if (due()) {
      refresh();
    }
  }

  private boolean due() {
    return !sources.isEmpty() && !clock.instant().isBefore(snapshot.nextRefresh());
  }

  /**
   * Checks every {@code tick} whether a refresh is due, on {@code executor}, and runs a due refresh
   * on a download thread of its own (one at a time per store; each download has its deadline);
   * cancel the returned future to stop.
   */
  public ScheduledFuture<?> refreshInBackground(ScheduledExecutorService executor, Duration tick) {
    return executor.scheduleWithFixedDelay(
        () -> {
          if (!due() || !fetching.compareAndSet(false, true)) {
            return;
          }
          try {
            FETCHES.execute(
                () -> {
                  try {
                    refresh();
                  } catch (RuntimeException e) {
                    LOG.log(
                        System.Logger.Level.WARNING,
                        CoreMessage.CRL_REFRESH_FAILED.format("*", e.toString()));
                  } finally {
                    fetching.set(false);
                  }
                });
          } catch (RuntimeException e) {
            fetching.set(false);
            LOG.log(
                System.Logger.Level.WARNING,
                CoreMessage.CRL_REFRESH_FAILED.format("*", e.toString()));
          }
        },
        tick.toMillis(),
        tick.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The current CRLs. */
  public List<X509CRL> crls() {
    return snapshot.crls();
  }

  /** When the current CRLs stop being the latest word: next refresh or earliest nextUpdate. */
  public Instant nextRefresh() {
    return snapshot.nextRefresh();
  }

  Snapshot snapshot() {
    return snapshot;
  }

  private static Snapshot snapshotOf(List<X509CRL> crls, Instant nextRefresh) {
    try {
      Instant until = nextRefresh;
      for (X509CRL crl : crls) {
        if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(until)) {
          until = crl.getNextUpdate().toInstant();
        }
      }
      return new Snapshot(
          crls,
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)),
          until);
    } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has the Collection CertStore", e);
    }
  }
}
