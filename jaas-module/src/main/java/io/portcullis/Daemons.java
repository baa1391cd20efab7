package io.portcullis;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Background threads that never keep a JVM (or a Liberty server) from stopping. */
public final class Daemons {
  private Daemons() {}

  /** A single-thread scheduler whose thread is a daemon called {@code name}. */
  public static ScheduledExecutorService scheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        task -> {
          Thread thread = new Thread(task, name);
          thread.setDaemon(true);
          return thread;
        });
  }
}
