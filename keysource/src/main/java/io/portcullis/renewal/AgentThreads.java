package io.portcullis.renewal;

import io.portcullis.Daemons;
import java.util.LinkedHashMap;
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

  /** Threads called {@code prefix-<key source>}. */
  public AgentThreads(String prefix) {
    this.prefix = prefix;
  }

  /** The thread of key source {@code name}, made at its first use. */
  public synchronized ScheduledExecutorService of(String name) {
    return threads.computeIfAbsent(name, n -> Daemons.scheduler(prefix + "-" + n));
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
