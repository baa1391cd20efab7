package io.portcullis.renewal;

import io.portcullis.messages.PortcullisException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a key source's agent has done so far, as health checks and metrics read it: a snapshot,
 * taken without waiting for an attempt in flight.
 *
 * @param lastAttempt when the last attempt started (a renewal asked for, or new files looked at)
 * @param lastSuccess when a new certificate was last installed
 * @param lastFailure when an attempt last failed
 * @param lastErrorId the message ID of the last failure's cause ({@code PRTC0462E}, ...), or {@code
 *     unknown} for a failure without one; empty before the first failure
 * @param consecutiveFailures failed attempts since the last success
 * @param nextAttempt when the agent tries next, where it has scheduled it
 * @param window the issuer's renewal window last seen (ACME renewal information)
 * @param attempts attempts so far
 * @param successes new certificates installed so far
 * @param failuresById failed attempts so far by their cause's message ID
 */
public record RenewalStatus(
    Optional<Instant> lastAttempt,
    Optional<Instant> lastSuccess,
    Optional<Instant> lastFailure,
    Optional<String> lastErrorId,
    int consecutiveFailures,
    Optional<Instant> nextAttempt,
    Optional<RenewalWindow> window,
    long attempts,
    long successes,
    Map<String, Long> failuresById) {

  /** The message ID given to a failure whose cause carries none. */
  public static final String UNKNOWN = io.portcullis.messages.MessageCatalog.UNKNOWN;

  public RenewalStatus {
    failuresById = Map.copyOf(failuresById);
  }

  /** Before anything happened. */
  public static RenewalStatus none() {
    return new RenewalStatus(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        0,
        Optional.empty(),
        Optional.empty(),
        0,
        0,
        Map.of());
  }

  /** Failed attempts so far, whatever their cause. */
  public long failures() {
    return failuresById.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether the last attempt that ended ended well (true before any). */
  public boolean lastSucceeded() {
    return lastFailure.isEmpty()
        || lastSuccess.isPresent() && !lastSuccess.get().isBefore(lastFailure.get());
  }

  RenewalStatus attempted(Instant at) {
    return new RenewalStatus(
        Optional.of(at),
        lastSuccess,
        lastFailure,
        lastErrorId,
        consecutiveFailures,
        nextAttempt,
        window,
        attempts + 1,
        successes,
        failuresById);
  }

  RenewalStatus succeeded(Instant at) {
    return new RenewalStatus(
        lastAttempt,
        Optional.of(at),
        lastFailure,
        lastErrorId,
        0,
        nextAttempt,
        window,
        attempts,
        successes + 1,
        failuresById);
  }

  RenewalStatus failed(Instant at, Throwable cause) {
    String id = idOf(cause);
    Map<String, Long> counted = new TreeMap<>(failuresById);
    counted.merge(id, 1L, Long::sum);
    return new RenewalStatus(
        lastAttempt,
        lastSuccess,
        Optional.of(at),
        Optional.of(id),
        consecutiveFailures + 1,
        nextAttempt,
        window,
        attempts,
        successes,
        counted);
  }

  RenewalStatus next(Instant at) {
    return new RenewalStatus(
        lastAttempt,
        lastSuccess,
        lastFailure,
        lastErrorId,
        consecutiveFailures,
        Optional.ofNullable(at),
        window,
        attempts,
        successes,
        failuresById);
  }

  RenewalStatus window(RenewalWindow seen) {
    return new RenewalStatus(
        lastAttempt,
        lastSuccess,
        lastFailure,
        lastErrorId,
        consecutiveFailures,
        nextAttempt,
        Optional.ofNullable(seen),
        attempts,
        successes,
        failuresById);
  }

  /**
   * The message ID that names {@code cause}: its own, or for a wrapping failure ({@code PRTC0543E}
   * around the validator's reason) still its own; {@link #UNKNOWN} for a cause without one. IDs
   * only, so the metrics' labels stay few, whatever a caller or issuer sends.
   */
  static String idOf(Throwable cause) {
    if (cause instanceof PortcullisException portcullis && portcullis.messageId() != null) {
      return portcullis.messageId();
    }
    return UNKNOWN;
  }
}
