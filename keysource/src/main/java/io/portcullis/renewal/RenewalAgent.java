package io.portcullis.renewal;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.keys.KeySourceType;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.TrustDecision;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * Renews one key source's certificate before it expires. Each renewal makes a fresh key where the
 * key source keeps its keys, asks the {@link Issuer} for its certificate (proving the current key),
 * and swaps only what passes every check: the certificate certifies the new key, the chain
 * validates against the issuer's trust areas for the purposes it names, and a TLS handshake with
 * the new key succeeds. The new credential is then stored atomically and handed to {@code swapped}
 * (which makes the server load it). A failure swaps nothing: the server keeps the last good
 * credential, and the agent tries again after a delay that doubles up to {@code retryMaxDelay}.
 */
public final class RenewalAgent implements CredentialAgent {
  private static final Logger LOG = Logger.getLogger(RenewalAgent.class.getName());

  private final String name;
  private final KeySource source;
  private final KeyHome home;
  private final Issuer issuer;
  private final RenewalSettings settings;
  private final Consumer<KeyMaterial> swapped;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final DoubleSupplier random;

  // Volatile, with closed: close() does not wait for an attempt in flight (it may be waiting on an
  // issuer or the CA lock); what the attempt schedules afterwards finds the agent closed.
  private volatile ScheduledFuture<?> next;
  private volatile ScheduledFuture<?> windowCheck;

  /** The certificate the pending window check is for: the one served since the last swap. */
  private X509Certificate windowFor;

  /**
   * How far ahead of this server's clock a renewed certificate's notBefore may be and still be
   * waited for: an issuer's clock ahead of this one (its back-date is at most a minute, less for
   * short lifetimes). Further ahead, the attempt fails and backs off as any other; the key is kept
   * either way.
   */
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);

  /** When the certificate served was installed by a renewal; null before the first. */
  private Instant installedAt;

  /** The last window logged, so a window asked for again and unchanged is not logged again. */
  private RenewalWindow loggedWindow;

  /** When the last attempt found its certificate not yet valid: the next attempt's time. */
  private Instant waitUntil;

  private Instant nextAttempt;
  private int failures;
  private volatile boolean closed;

  /** What health and metrics read: replaced, never changed, by each event below. */
  private volatile RenewalStatus status = RenewalStatus.none();

  /** Whether the serving certificate was read and its renewal scheduled. */
  private boolean known;

  private RenewalAgent(
      String name,
      KeySource source,
      KeyHome home,
      Issuer issuer,
      RenewalSettings settings,
      Consumer<KeyMaterial> swapped,
      ScheduledExecutorService scheduler,
      Clock clock,
      DoubleSupplier random) {
    this.name = name;
    this.source = source;
    this.home = home;
    this.issuer = issuer;
    this.settings = settings;
    this.swapped = swapped;
    this.scheduler = scheduler;
    this.clock = clock;
    this.random = random;
  }

  /**
   * An agent for key source {@code name} configured by {@code config}, renewing through {@code
   * issuer}; not started.
   *
   * @param source the key source {@code config} made, the one the server loads (a token key source:
   *     the same login and provider the server's handshakes use)
   * @param swapped told of each new credential once it is stored, to make the server load it
   * @param scheduler runs the attempts (one at a time per agent)
   * @throws PortcullisException {@code PRTC0501E} for a token key source without an alias
   */
  public static RenewalAgent create(
      String name,
      KeySourceConfig config,
      KeySource source,
      Issuer issuer,
      Consumer<KeyMaterial> swapped,
      ScheduledExecutorService scheduler,
      Clock clock)
      throws PortcullisException {
    SecureRandom random = new SecureRandom();
    KeyHome home;
    if (config.type() == KeySourceType.PKCS12) {
      home = new Pkcs12Home(config, random);
    } else {
      String base =
          config
              .alias()
              .orElseThrow(
                  () ->
                      KeySourceMessage.CONFIG_INVALID.exception(
                          "key source "
                              + name
                              + ": renew on a token needs alias, the name its renewed keys"
                              + " are generations of"));
      home = new TokenHome(name, source, base);
    }
    return new RenewalAgent(
        name,
        Objects.requireNonNull(source, "source"),
        home,
        Objects.requireNonNull(issuer, "issuer"),
        config.renewal(),
        Objects.requireNonNull(swapped, "swapped"),
        Objects.requireNonNull(scheduler, "scheduler"),
        Objects.requireNonNull(clock, "clock"),
        random::nextDouble);
  }

  /**
   * Schedules the first renewal: at once when the certificate is in its window or expired, or when
   * a renewal the process stopped in the middle of left a new key ({@link #renewNow} finishes it).
   */
  public synchronized void start() {
    try {
      KeyMaterial current = source.load();
      home.cleanUp(current.alias());
      Instant due = scheduleFor(current.certificate(), true);
      if (home.pending(current).isPresent() && due.isAfter(clock.instant())) {
        schedule(clock.instant());
      } else {
        checkWindowAt(current.certificate(), clock.instant());
      }
      known = true;
    } catch (PortcullisException e) {
      failed(e, null);
    }
  }

  /**
   * Renews now, whatever the schedule says, and schedules the next renewal.
   *
   * @return the new credential as the key source now loads it
   * @throws PortcullisException why nothing was swapped (the last good credential stays)
   */
  public synchronized KeyMaterial renewNow() throws PortcullisException {
    status = status.attempted(clock.instant());
    try {
      return renewOrResume();
    } catch (PortcullisException | RuntimeException e) {
      status = status.failed(clock.instant(), e);
      throw e;
    }
  }

  /** What the agent has done so far; never waits for an attempt in flight. */
  @Override
  public RenewalStatus status() {
    return status;
  }

  private KeyMaterial renewOrResume() throws PortcullisException {
    KeyMaterial current = source.load();
    Optional<KeyHome.NewKey> pending = home.pending(current);
    if (pending.isPresent()) {
      Optional<KeyMaterial> resumed = resume(current, pending.get());
      if (resumed.isPresent()) {
        return resumed.get();
      }
    }
    KeyHome.NewKey key =
        home.newKey(KeyType.of(current.certificate().getPublicKey()), current.alias());
    List<X509Certificate> chain;
    try {
      chain = issuer.renew(current, key.keys());
    } catch (PortcullisException | RuntimeException e) {
      home.discard(key);
      throw e;
    }
    return installed(current, key, chain, KeySourceMessage.RENEWED);
  }

  /**
   * Finishes a renewal that was stopped (the process ended) or refused (a check failed) after the
   * issuer certified its new key: when the issuer's latest certificate for this workload renews the
   * one served and certifies the new key left behind, it is checked and installed as a renewal
   * would be; when the issuer certified no such key, that key is deleted.
   *
   * @return the credential now served, or empty when there was nothing to finish
   * @throws PortcullisException when the issuer cannot answer or the certificate fails a check (the
   *     key is kept for the next attempt either way)
   */
  private Optional<KeyMaterial> resume(KeyMaterial current, KeyHome.NewKey key)
      throws PortcullisException {
    if (key.keys().getPublic().equals(current.certificate().getPublicKey())) {
      home.discard(key); // installed before the stop; only the pending copy was left
      return Optional.empty();
    }
    Optional<List<X509Certificate>> issued = issuer.successor(current);
    if (issued.isEmpty()
        || issued.get().isEmpty()
        || !issued.get().get(0).getPublicKey().equals(key.keys().getPublic())) {
      home.discard(key); // the issuer never certified it
      return Optional.empty();
    }
    return Optional.of(installed(current, key, issued.get(), KeySourceMessage.RENEWAL_RESUMED));
  }

  /**
   * Checks {@code chain} for the new key and installs it (a failure deletes the key), has the
   * server load it, schedules the next renewal and logs {@code logged} (old serial, new serial,
   * expiry, next due time).
   */
  private KeyMaterial installed(
      KeyMaterial current, KeyHome.NewKey key, List<X509Certificate> chain, KeySourceMessage logged)
      throws PortcullisException {
    Instant received = clock.instant();
    try {
      checkAndInstall(current, key, chain);
    } catch (PortcullisException | RuntimeException e) {
      if (!certifies(chain, key)) {
        home.discard(key); // the issuer certified another key: this one can serve nothing
      }
      // Otherwise the key stays pending. The issuer has recorded its certificate as the
      // workload's latest and renews nothing else: deleting the key would end the lineage. The
      // next attempt asks the issuer for that certificate again (successor) and installs it once
      // the cause (a clock behind the CA's, trust mid-rollover, a full disk) is gone.
      throw e;
    }
    KeyMaterial renewed = swap(current, key, chain.get(0), received);
    LOG.info(
        logged.format(
            name,
            serial(current.certificate()),
            serial(chain.get(0)),
            chain.get(0).getNotAfter().toInstant(),
            nextAttempt));
    return renewed;
  }

  /**
   * After a new credential is installed: records the renewal as of {@code received}, when the
   * issuer's answer arrived (before the server is told, so the time from issuance to first use is
   * never measured from a later point), has the server load it and schedules the next one.
   */
  private KeyMaterial swap(
      KeyMaterial current, KeyHome.NewKey key, X509Certificate leaf, Instant received)
      throws PortcullisException {
    KeyMaterial renewed = source.load();
    if (!renewed.certificate().equals(leaf)) {
      throw KeySourceMessage.RENEWAL_NOT_STORED.exception(
          name, source, "the key source loads serial " + serial(renewed.certificate()));
    }
    status = status.succeeded(received);
    swapped.accept(renewed);
    failures = 0;
    installedAt = clock.instant();
    if (!key.alias().equals(current.alias())) {
      String replaced = current.alias();
      scheduler.schedule(
          () -> home.retire(replaced), settings.retireAfter().toMillis(), TimeUnit.MILLISECONDS);
    }
    scheduleFor(leaf, false);
    checkWindowAt(leaf, clock.instant());
    return renewed;
  }

  /**
   * Checks the issuer's chain for the new key (it certifies the key, names the identity in force,
   * is valid here, validates against the issuer's trust and serves a handshake), then stores it
   * with the key.
   */
  private void checkAndInstall(KeyMaterial current, KeyHome.NewKey key, List<X509Certificate> chain)
      throws PortcullisException {
    KeyPair keys = key.keys();
    X509Certificate leaf = chain.isEmpty() ? null : chain.get(0);
    if (leaf == null || !leaf.getPublicKey().equals(keys.getPublic())) {
      throw KeySourceMessage.RENEWAL_KEY_MISMATCH.exception(
          leaf == null ? "(none)" : serial(leaf),
          name,
          leaf == null ? "the issuer returned no certificate" : "its public key is another");
    }
    CertificateIdentity.keeps(
        name, Optional.of(current.certificate()), leaf, settings.expectedIdentity());
    Instant validFrom = leaf.getNotBefore().toInstant();
    Instant now = clock.instant();
    if (validFrom.isAfter(now)) {
      Duration ahead = Duration.between(now, validFrom);
      if (ahead.compareTo(MAX_CLOCK_SKEW) <= 0) {
        // This server's clock is behind the issuer's: the certificate is good, only early. Kept
        // (pending) and installed at its notBefore, not at the next back-off step.
        waitUntil = validFrom.plusSeconds(1);
        throw KeySourceMessage.RENEWAL_NOT_YET_VALID.exception(
            serial(leaf), name, validFrom, ahead.toSeconds());
      }
    }
    checkChain(name, chain, issuer.trust(), clock);
    SelfTest.handshake(name, keys.getPrivate(), chain);
    home.install(key, chain);
  }

  private static boolean certifies(List<X509Certificate> chain, KeyHome.NewKey key) {
    return !chain.isEmpty() && chain.get(0).getPublicKey().equals(key.keys().getPublic());
  }

  /** When the next attempt is due, or null when none is scheduled. */
  public synchronized Instant nextAttempt() {
    return nextAttempt;
  }

  /** How many attempts in a row have failed. */
  public synchronized int failures() {
    return failures;
  }

  /**
   * Stops scheduling, at once: an attempt in flight is not waited for (nor interrupted, which could
   * leave a key half stored); it finishes on its own thread and schedules nothing more.
   */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> attempt = next;
    if (attempt != null) {
      attempt.cancel(false);
    }
    ScheduledFuture<?> check = windowCheck;
    if (check != null) {
      check.cancel(false);
    }
  }

  /**
   * Schedules the renewal of {@code certificate}. After a renewal ({@code announce} false) the next
   * is never due sooner than {@code retryDelay} later: an issuer's back-dated notBefore or a small
   * {@code renewAt} would otherwise put a new certificate inside its window at once and renew
   * without pause.
   */
  private Instant scheduleFor(X509Certificate certificate, boolean announce) {
    Instant due = RenewalSchedule.due(certificate, settings, random.getAsDouble());
    Instant earliest = clock.instant().plus(settings.retryDelay());
    if (!announce && due.isBefore(earliest)) {
      due = earliest;
    }
    if (announce) {
      LOG.info(
          KeySourceMessage.RENEWAL_SCHEDULED.format(
              name,
              serial(certificate),
              certificate.getNotAfter().toInstant(),
              issuer.describe(),
              due));
    }
    schedule(due);
    return due;
  }

  /**
   * Asks the issuer for its renewal window of {@code serving} (the certificate just read or
   * installed) at {@code at}, on the scheduler's thread (never at start-up on the server's): an
   * issuer that is slow to answer delays nothing but the answer. A renewal replaces the pending
   * check with one for its own certificate.
   */
  private void checkWindowAt(X509Certificate serving, Instant at) {
    if (closed) {
      return;
    }
    if (windowCheck != null) {
      windowCheck.cancel(false);
    }
    long millis = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    windowFor = serving;
    windowCheck = scheduler.schedule(() -> checkWindow(serving), millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Follows the issuer's suggested window (RFC 9773) for the certificate served, when it offers
   * one: the renewal moves to a random time inside it, and the window is asked for again when the
   * issuer says. After a failed attempt the back-off keeps the schedule; an issuer that cannot say
   * leaves the agent's own schedule in place.
   */
  private synchronized void checkWindow(X509Certificate serving) {
    if (closed || !known || serving != windowFor) {
      return; // a renewal replaced the certificate (and its check) meanwhile
    }
    try {
      Optional<RenewalWindow> window = issuer.window(serving);
      if (window.isEmpty()) {
        return;
      }
      status = status.window(window.get());
      Instant now = clock.instant();
      Optional<Instant> due =
          RenewalSchedule.within(window.get(), serving, now, random.getAsDouble());
      if (due.isPresent() && failures == 0) {
        // A window already past says "renew now"; for a certificate just installed that is the
        // issuer's mistake, and following it would renew back to back: retryDelay apart at least.
        Instant floor = installedAt == null ? now : installedAt.plus(settings.retryDelay());
        schedule(due.get().isBefore(floor) ? floor : due.get());
      }
      Instant checkAgain =
          RenewalSchedule.clampCheckAgain(window.get().checkAgain(), now, settings);
      if (!sameWindow(window.get(), loggedWindow)) {
        LOG.info(
            KeySourceMessage.RENEWAL_WINDOW.format(
                name,
                serial(serving),
                window.get().start(),
                window.get().end(),
                nextAttempt,
                checkAgain));
        loggedWindow = window.get();
      }
      checkWindowAt(serving, checkAgain);
    } catch (PortcullisException | RuntimeException e) {
      LOG.warning(
          KeySourceMessage.RENEWAL_WINDOW_UNKNOWN.format(
              name, issuer.describe(), e.getMessage(), nextAttempt));
    }
  }

  private static boolean sameWindow(RenewalWindow a, RenewalWindow b) {
    return b != null && a.start().equals(b.start()) && a.end().equals(b.end());
  }

  private void schedule(Instant at) {
    if (closed) {
      return;
    }
    if (next != null) {
      next.cancel(false);
    }
    long millis = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    nextAttempt = at;
    status = status.next(at);
    next = scheduler.schedule(this::attempt, millis, TimeUnit.MILLISECONDS);
  }

  private synchronized void attempt() {
    if (closed) {
      return;
    }
    if (!known) {
      start(); // the serving credential could not be read at start: read it, then schedule
      return;
    }
    try {
      renewNow();
    } catch (PortcullisException | RuntimeException e) {
      X509Certificate serving = null;
      try {
        serving = source.load().certificate();
      } catch (PortcullisException unreadable) {
        // reported with the failure below: nothing is being served from it
      }
      failed(e, serving);
    }
  }

  private void failed(Exception cause, X509Certificate serving) {
    failures++;
    Duration delay = RenewalSchedule.retry(settings, failures);
    if (waitUntil != null) {
      delay = Duration.between(clock.instant(), waitUntil);
      waitUntil = null;
    }
    LOG.warning(
        KeySourceMessage.RENEWAL_FAILED.format(
            name,
            issuer.describe(),
            cause.getMessage(),
            serving == null ? "(none)" : serial(serving),
            serving == null ? "(unknown)" : serving.getNotAfter().toInstant(),
            delay));
    schedule(clock.instant().plus(delay));
  }

  /**
   * Checks that {@code chain} validates against {@code trust} now, for each TLS purpose its leaf
   * names.
   *
   * @throws PortcullisException {@code PRTC0543E} with the validator's reason
   */
  static void checkChain(
      String name, List<X509Certificate> chain, List<TrustArea> trust, Clock clock)
      throws PortcullisException {
    X509Certificate leaf = chain.get(0);
    PkixTrustValidator validator = new PkixTrustValidator(trust, clock);
    for (Purpose purpose : purposes(leaf)) {
      TrustDecision decision = validator.validate(chain, purpose);
      if (decision instanceof TrustDecision.Rejected rejected) {
        throw KeySourceMessage.RENEWAL_CHAIN_REFUSED.exception(
            serial(leaf), name, rejected.reason());
      }
    }
  }

  /** The TLS purposes the certificate's extended key usage names; client when it names none. */
  static List<Purpose> purposes(X509Certificate leaf) {
    List<Purpose> purposes = new ArrayList<>();
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      for (Purpose purpose : Purpose.values()) {
        if (usages != null && usages.contains(purpose.ekuOid())) {
          purposes.add(purpose);
        }
      }
    } catch (CertificateParsingException e) {
      // read as naming no purpose: checked as a client certificate, as below
    }
    if (purposes.isEmpty()) {
      purposes.add(Purpose.CLIENT);
    }
    return purposes;
  }

  private static String serial(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }
}
