package io.portcullis;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Background threads that never keep a JVM (or a Liberty server) from stopping. */
public final class Daemons {
  private Daemons() {}

  /**
   * A pool of daemon threads called {@code name}, made as tasks arrive and ended after a minute
   * idle: for work that may block on a peer (a CRL download), so that it holds no scheduler thread
   * that other background work needs.
   */
  public static ExecutorService pool(String name) {
    return Executors.newCachedThreadPool(daemon(name));
  }

  /**
   * {@code threads} daemon threads called {@code name} with room for {@code queue} waiting tasks;
   * past that, {@code execute} throws {@link java.util.concurrent.RejectedExecutionException}
   * rather than letting work pile up without bound.
   */
  public static ExecutorService boundedPool(String name, int threads, int queue) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        1,
        TimeUnit.MINUTES,
        queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
        daemon(name),
        new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * A single-thread scheduler whose thread is a daemon called {@code name}. Once shut down, the
   * task running finishes and nothing scheduled runs any more (delayed tasks included); a cancelled
   * task leaves the queue at once.
   */
  public static ScheduledExecutorService scheduler(String name) {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemon(name));
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
