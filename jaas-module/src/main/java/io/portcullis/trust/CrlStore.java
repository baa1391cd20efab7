package io.portcullis.trust;

import io.portcullis.PortcullisException;
import io.portcullis.messages.CoreMessage;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A trust area's current CRLs. Readers see one immutable snapshot (a volatile reference); {@link
 * #refresh()} builds the next one from the sources and swaps it in. A source that fails keeps its
 * last good CRLs and logs {@code PRTC0131W}; once their nextUpdate passes, the JDK no longer uses
 * them, so a hard-fail area refuses instead of trusting stale data.
 */
public final class CrlStore {
  private static final System.Logger LOG = System.getLogger(CrlStore.class.getName());
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

  private final List<CrlSource> sources;
  private final Duration refreshInterval;
  private final Clock clock;
  private final Map<CrlSource, List<X509CRL>> lastGood = new HashMap<>();
  private volatile Snapshot snapshot;

  /** The CRLs at one instant, the CertStore the JDK reads them from, and when to look again. */
  record Snapshot(List<X509CRL> crls, CertStore certStore, Instant nextRefresh) {}

  private CrlStore(List<CrlSource> sources, Duration refreshInterval, Clock clock) {
    this.sources = List.copyOf(sources);
    this.refreshInterval = refreshInterval;
    this.clock = clock;
    this.snapshot = snapshotOf(List.of(), Instant.MAX);
  }

  /** A store with no CRLs. */
  public static CrlStore empty() {
    return new CrlStore(List.of(), Duration.ofDays(1), Clock.systemUTC());
  }

  /** A store holding fixed CRLs (tests, batch verify). */
  public static CrlStore of(List<X509CRL> crls) {
    CrlStore store = new CrlStore(List.of(), Duration.ofDays(1), Clock.systemUTC());
    store.snapshot = snapshotOf(List.copyOf(crls), Instant.MAX);
    return store;
  }

  /**
   * A store loading from {@code sources} now and again at the earliest of each CRL's nextUpdate and
   * {@code refreshInterval}. A first load that fails is logged and leaves the store empty.
   */
  public static CrlStore loading(List<CrlSource> sources, Duration refreshInterval, Clock clock) {
    CrlStore store =
        new CrlStore(
            sources, Objects.requireNonNull(refreshInterval), Objects.requireNonNull(clock));
    store.refresh();
    return store;
  }

  /** Reloads every source; failed sources keep their last good CRLs. Returns true if all loaded. */
  public synchronized boolean refresh() {
    boolean allLoaded = true;
    for (CrlSource source : sources) {
      try {
        lastGood.put(source, source.load());
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

  /** Refreshes when the snapshot's refresh time has come. */
  public void refreshIfDue() {
    if (!sources.isEmpty() && !clock.instant().isBefore(snapshot.nextRefresh())) {
      refresh();
    }
  }

  /**
   * Checks every {@code tick} whether a refresh is due, on {@code executor}; cancel the returned
   * future to stop.
   */
  public ScheduledFuture<?> refreshInBackground(ScheduledExecutorService executor, Duration tick) {
    return executor.scheduleWithFixedDelay(
        () -> {
          try {
            refreshIfDue();
          } catch (RuntimeException e) {
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
