package io.portcullis.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AgentThreadsTest {
  private static final Duration BOUND = Duration.ofMillis(400);

  @Test
  void onlyTheKeySourceWhoseAttemptNeverEndsIsStalled() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    try (AgentThreads threads =
        new AgentThreads("test-stall", Duration.ofMillis(20), Clock.systemUTC())) {
      threads.of("idle");
      threads
          .of("stuck")
          .execute(
              () -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Thread.sleep(BOUND.toMillis() * 2);
      assertThat(threads.stalled(Instant.now(), BOUND)).containsExactly("stuck");
      release.countDown();
      Thread.sleep(200);
      assertThat(threads.stalled(Instant.now(), BOUND)).isEmpty();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aKeySourceNoLongerConfiguredIsNotReported() throws InterruptedException {
    try (AgentThreads threads =
        new AgentThreads("test-gone", Duration.ofMillis(20), Clock.systemUTC())) {
      threads.of("gone");
      threads.keepOnly(Set.of());
      Thread.sleep(BOUND.toMillis() * 2);
      assertThat(threads.stalled(Instant.now(), BOUND)).isEmpty();
      assertThat(threads.size()).isZero();
    }
  }
}
