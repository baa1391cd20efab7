package io.portcullis.ca;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts each client's refused requests per minute, so one client that keeps sending bad tokens or
 * bad proofs is answered {@code 429} before it reaches the CA's lock and audit log.
 *
 * <p>Fixed one-minute windows per client key; at most {@value #MAX_CLIENTS} clients are tracked.
 * When that many clients have refusals in their current window, a new client is limited too: a
 * flood from many addresses is turned away rather than let through uncounted.
 */
final class RefusalLimiter {
  static final int MAX_CLIENTS = 10_000;
  private static final long WINDOW_NANOS = 60_000_000_000L;

  private record Window(long start, int refusals) {}

  private final int perMinute;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  RefusalLimiter(int perMinute, LongSupplier nanoTime) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("refusals per minute must be at least 1: " + perMinute);
    }
    this.perMinute = perMinute;
    this.nanoTime = nanoTime;
  }

  /** Whether {@code client} may be heard: fewer than the limit refused in its current window. */
  boolean allowed(String client) {
    long now = nanoTime.getAsLong();
    Window window = windows.get(client);
    if (window == null) {
      return windows.size() < MAX_CLIENTS || sweep(now) < MAX_CLIENTS;
    }
    return now - window.start() >= WINDOW_NANOS || window.refusals() < perMinute;
  }

  /** Seconds until {@code client} is heard again (at least 1). */
  long retryAfterSeconds(String client) {
    Window window = windows.get(client);
    long left =
        window == null ? WINDOW_NANOS : WINDOW_NANOS - (nanoTime.getAsLong() - window.start());
    return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
  }

  /** Records one refusal of {@code client}; true if that refusal reached the limit. */
  boolean refused(String client) {
    long now = nanoTime.getAsLong();
    Window window =
        windows.merge(
            client,
            new Window(now, 1),
            (old, one) ->
                now - old.start() >= WINDOW_NANOS
                    ? one
                    : new Window(old.start(), old.refusals() + 1));
    return window.refusals() == perMinute;
  }

  /** Forgets windows that have ended; answers how many clients are left. */
  private int sweep(long now) {
    windows.values().removeIf(w -> now - w.start() >= WINDOW_NANOS);
    return windows.size();
  }
}
