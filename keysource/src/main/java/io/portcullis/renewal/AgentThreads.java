package io.portcullis.renewal;

import io.portcullis.Daemons;
import io.portcullis.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One thread for each key source's {@link CredentialAgent}: an issuer that is slow to answer, or a
 * CA lock another process holds, delays that key source's renewal and nothing else (another key
 * source's renewal, a file watcher taking an outside manager's new pair).
 *
 * <p>A key source keeps its thread across configurations, so the agent of a new configuration never
 * runs beside an attempt of the agent it replaced: both are on the same thread, one after the
 * other. A key source no longer configured has its thread stopped once its last task ends.
 */
public final class AgentThreads implements AutoCloseable {
  private final String prefix;
  private final Map<String, ScheduledExecutorService> threads = new LinkedHashMap<>();
  private final Map<String, Heartbeat> heartbeats = new LinkedHashMap<>();
  private final Duration beat;
  private final Clock clock;

  /** Threads called {@code prefix-<key source>}. */
  public AgentThreads(String prefix) {
    this(prefix, BEAT, Clock.systemUTC());
  }

  /** Threads called {@code prefix-<key source>} that beat every {@code beat} (tests). */
  AgentThreads(String prefix, Duration beat, Clock clock) {
    this.prefix = prefix;
    this.beat = beat;
    this.clock = clock;
  }

  /** How often each thread shows it still runs its tasks. */
  static final Duration BEAT = Duration.ofSeconds(15);

  /** The thread of key source {@code name}, made at its first use. */
  public synchronized ScheduledExecutorService of(String name) {
    return threads.computeIfAbsent(
        name,
        n -> {
          ScheduledExecutorService thread = Daemons.scheduler(prefix + "-" + n);
          heartbeats.put(n, Heartbeat.on(thread, beat, clock));
          return thread;
        });
  }

  /**
   * The key sources whose thread has been held by one task for longer than {@code bound} (an
   * attempt that never ends, whatever its timeouts) or has died: their renewal is wedged.
   */
  public synchronized List<String> stalled(Instant now, Duration bound) {
    List<String> stalled = new ArrayList<>();
    heartbeats.forEach(
        (name, heartbeat) -> {
          if (heartbeat.stalled(now, bound)) {
            stalled.add(name);
          }
        });
    return stalled;
  }

  /**
   * Stops the threads of the key sources not in {@code names}: what one runs now finishes, nothing
   * scheduled on it runs.
   */
  public synchronized void keepOnly(Set<String> names) {
    threads
        .entrySet()
        .removeIf(
            entry -> {
              if (names.contains(entry.getKey())) {
                return false;
              }
              entry.getValue().shutdown();
              heartbeats.remove(entry.getKey());
              return true;
            });
  }

  /** How many key sources have a thread now. */
  public synchronized int size() {
    return threads.size();
  }

  @Override
  public void close() {
    keepOnly(Set.of());
  }
}
