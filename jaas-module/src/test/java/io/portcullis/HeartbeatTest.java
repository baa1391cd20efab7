package io.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  private static final Duration EVERY = Duration.ofMillis(20);
  private static final Duration BOUND = Duration.ofMillis(300);

  @Test
  void anIdleThreadKeepsBeating() throws InterruptedException {
    ScheduledExecutorService executor = Daemons.scheduler("heartbeat-idle");
    try {
      Heartbeat heartbeat = Heartbeat.on(executor, EVERY, Clock.systemUTC());
      Thread.sleep(BOUND.toMillis() * 2);
      assertThat(heartbeat.stalled(Instant.now(), BOUND)).isFalse();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aThreadHeldByATaskThatNeverEndsStallsAndRecoversWhenReleased() throws Exception {
    ScheduledExecutorService executor = Daemons.scheduler("heartbeat-held");
    CountDownLatch release = new CountDownLatch(1);
    try {
      Heartbeat heartbeat = Heartbeat.on(executor, EVERY, Clock.systemUTC());
      executor.execute(
          () -> {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      Thread.sleep(BOUND.toMillis() * 2);
      assertThat(heartbeat.stalled(Instant.now(), BOUND)).as("held").isTrue();
      release.countDown();
      Thread.sleep(EVERY.toMillis() * 5);
      assertThat(heartbeat.stalled(Instant.now(), BOUND)).as("released").isFalse();
    } finally {
      release.countDown();
      executor.shutdownNow();
    }
  }

  @Test
  void aTerminatedThreadIsStalledAtOnce() throws InterruptedException {
    ScheduledExecutorService executor = Daemons.scheduler("heartbeat-gone");
    Heartbeat heartbeat = Heartbeat.on(executor, EVERY, Clock.systemUTC());
    executor.shutdownNow();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(heartbeat.stalled(Instant.now(), BOUND)).isTrue();
  }
}
