package io.portcullis.liberty.keys;

import io.portcullis.keys.KeySource;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The key sources the current {@code <usr_portcullis>} configuration names, handed from the
 * configuration component to the key store Liberty instantiates through JCA (which cannot be given
 * anything but a stream and a password). Each publication has a generation, written to the {@link
 * KeySourceState} file Liberty's key store polls, so a load knows which publication it is for and
 * waits for it when Liberty gets there first.
 */
final class KeySourceRegistry {
  /** This server process: a state file from an earlier run names another. */
  static final String RUN = UUID.randomUUID().toString();

  /** What one configuration produced: the key sources, or why there are none. */
  record Published(Map<String, KeySource> sources, String problem, long generation) {
    Published(Map<String, KeySource> sources, String problem) {
      this(sources, problem, 0);
    }

    Published {
      sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }
  }

  private static final Object LOCK = new Object();
  private static Published current = new Published(Map.of(), null, 0);

  private KeySourceRegistry() {}

  /** Publishes {@code published} as the next generation, and returns that generation. */
  static long publish(Published published) {
    Objects.requireNonNull(published);
    synchronized (LOCK) {
      current = new Published(published.sources(), published.problem(), current.generation() + 1);
      LOCK.notifyAll();
      return current.generation();
    }
  }

  /**
   * Publishes the current key sources again as the next generation, so the key store loads them
   * afresh; nothing when nothing was published yet.
   *
   * @return the new generation, or 0
   */
  static long republish() {
    synchronized (LOCK) {
      if (current.generation() == 0) {
        return 0;
      }
      return publish(current);
    }
  }

  /** Back to "nothing published yet" (tests). */
  static void reset() {
    synchronized (LOCK) {
      current = new Published(Map.of(), null, 0);
    }
  }

  /**
   * The current key sources, once generation {@code atLeast} (at least the first) is published.
   *
   * @return {@code null} when it was not published within {@code wait}
   */
  static Published await(long atLeast, Duration wait) throws InterruptedException {
    long wanted = Math.max(1, atLeast);
    Instant deadline = Instant.now().plus(wait);
    synchronized (LOCK) {
      while (current.generation() < wanted) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
          return null;
        }
        LOCK.wait(left);
      }
      return current;
    }
  }
}
