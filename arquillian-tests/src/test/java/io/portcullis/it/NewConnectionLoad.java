package io.portcullis.it;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * Two threads making requests to one HTTPS port, each on a new TLS connection, until stopped: the
 * load a renewal must not fail a request of. Failures are kept with their time.
 */
final class NewConnectionLoad {
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  final AtomicInteger served = new AtomicInteger();
  private final SSLContext tls;
  private final int port;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads =
      List.of(new Thread(this::run, "load-1"), new Thread(this::run, "load-2"));

  NewConnectionLoad(SSLContext tls, int port) {
    this.tls = tls;
    this.port = port;
  }

  void start() {
    threads.forEach(Thread::start);
  }

  void stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(20_000);
    }
  }

  private void run() {
    while (running.get()) {
      try {
        RenewalPki.requestOnANewConnection(tls, port);
        served.incrementAndGet();
      } catch (Exception e) {
        failures.add(Instant.now() + " " + e);
      }
    }
  }
}
