package io.portcullis.renewal;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** When a renewal is due and how long to wait after failures: pure functions of the settings. */
public final class RenewalSchedule {
  private RenewalSchedule() {}

  /**
   * When {@code certificate} is due for renewal: {@code renewAt} of its lifetime after notBefore,
   * less up to {@code jitter} of the lifetime.
   *
   * @param random a value in [0, 1) choosing how much of the jitter is taken
   */
  public static Instant due(X509Certificate certificate, RenewalSettings settings, double random) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    long lifetimeMillis =
        Duration.between(notBefore, certificate.getNotAfter().toInstant()).toMillis();
    double fraction = settings.renewAt() - settings.jitter() * Math.min(Math.max(random, 0), 1);
    return notBefore.plusMillis((long) (lifetimeMillis * fraction));
  }

  /**
   * When to renew {@code certificate} inside the issuer's suggested {@code window} (RFC 9773): at a
   * random time in it, not before {@code now}; at once when the window has passed. Empty when that
   * time would not come before the certificate expires: then the agent's own schedule holds.
   *
   * @param random a value in [0, 1) choosing the time in the window
   */
  public static Optional<Instant> within(
      RenewalWindow window, X509Certificate certificate, Instant now, double random) {
    long spanMillis = Duration.between(window.start(), window.end()).toMillis();
    Instant chosen =
        window.start().plusMillis((long) (spanMillis * Math.min(Math.max(random, 0), 1)));
    if (chosen.isBefore(now)) {
      chosen = now;
    }
    return chosen.isBefore(certificate.getNotAfter().toInstant())
        ? Optional.of(chosen)
        : Optional.empty();
  }

  /** The soonest an issuer's window is asked for again (RFC 9773 suggests a minute). */
  static final Duration MIN_CHECK_AGAIN = Duration.ofMinutes(1);

  /** The latest an issuer's window is asked for again (RFC 9773 suggests a day). */
  static final Duration MAX_CHECK_AGAIN = Duration.ofDays(1);

  /**
   * When to ask an issuer for its window again, from its answer {@code suggested} (its
   * Retry-After), held between a minute and a day from {@code now} (RFC 9773 asks clients to
   * clamp): a Retry-After of zero or in the past would otherwise be a busy loop. The floor is
   * {@code retryMaxDelay} instead where the operator set that shorter than a minute.
   */
  public static Instant clampCheckAgain(Instant suggested, Instant now, RenewalSettings settings) {
    Duration floor =
        settings.retryMaxDelay().compareTo(MIN_CHECK_AGAIN) < 0
            ? settings.retryMaxDelay()
            : MIN_CHECK_AGAIN;
    Instant soonest = now.plus(floor);
    Instant latest = now.plus(MAX_CHECK_AGAIN);
    return suggested.isBefore(soonest) ? soonest : suggested.isAfter(latest) ? latest : suggested;
  }

  /**
   * The wait after {@code failures} failed attempts in a row (at least one): {@code retryDelay}
   * doubled for each failure after the first, never over {@code retryMaxDelay}.
   */
  public static Duration retry(RenewalSettings settings, int failures) {
    Duration delay = settings.retryDelay();
    for (int i = 1; i < failures && delay.compareTo(settings.retryMaxDelay()) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(settings.retryMaxDelay()) > 0 ? settings.retryMaxDelay() : delay;
  }
}
