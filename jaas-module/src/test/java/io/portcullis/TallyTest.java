package io.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TallyTest {
  @Test
  void countsFromManyThreadsAreNeverLost() throws Exception {
    Tally tally = new Tally();
    // More threads than slots, so some share a slot's index and count in the shared adder.
    int threads = 300;
    int each = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < each; i++) {
                  tally.increment();
                }
              });
      thread.start();
      running.add(thread);
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join();
    }
    assertThat(tally.sum()).isEqualTo((long) threads * each);
  }

  @Test
  void aThreadThatEndedKeepsItsCount() throws Exception {
    Tally tally = new Tally();
    Thread once = new Thread(() -> tally.increment());
    once.start();
    once.join();
    tally.increment();
    assertThat(tally.sum()).isEqualTo(2);
  }
}
