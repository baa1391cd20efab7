package io.portcullis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells whether a background thread still runs its tasks: a beat scheduled on it every so often
 * records when it last ran. A thread held by a task that never ends (a lock never released, a peer
 * that never answers past every timeout) or one that died stops beating, which a liveness check
 * reports; a thread merely waiting for its next task keeps beating.
 */
public final class Heartbeat {
  private final ScheduledExecutorService executor;
  private final Clock clock;
  private volatile Instant last;

  private Heartbeat(ScheduledExecutorService executor, Clock clock) {
    this.executor = executor;
    this.clock = clock;
    this.last = clock.instant();
  }

  /** Beats on {@code executor} every {@code every}, from now. */
  public static Heartbeat on(ScheduledExecutorService executor, Duration every, Clock clock) {
    Heartbeat heartbeat = new Heartbeat(executor, clock);
    try {
      executor.scheduleWithFixedDelay(
          heartbeat::beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Already shut down: it never beats, and reads as stalled once the bound has passed.
    }
    return heartbeat;
  }

  private void beat() {
    last = clock.instant();
  }

  /** When it last beat (or was made). */
  public Instant last() {
    return last;
  }

  /**
   * Whether the thread is stuck or gone at {@code now}: its last beat is older than {@code bound},
   * or its executor has terminated.
   */
  public boolean stalled(Instant now, Duration bound) {
    return executor.isTerminated() || last.plus(bound).isBefore(now);
  }
}
