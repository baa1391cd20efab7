package io.portcullis.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(42 * SECOND);
  private final RefusalLimiter limiter = new RefusalLimiter(3, now::get);

  @Test
  void aClientIsHeardUntilItsRefusalsReachTheLimitThenAfterItsMinute() {
    assertThat(limiter.refused("10.0.0.1")).isFalse();
    assertThat(limiter.refused("10.0.0.1")).isFalse();
    assertThat(limiter.allowed("10.0.0.1")).isTrue();
    assertThat(limiter.refused("10.0.0.1")).as("the third reaches the limit").isTrue();
    assertThat(limiter.allowed("10.0.0.1")).isFalse();
    assertThat(limiter.allowed("10.0.0.2")).as("others are not affected").isTrue();
    now.addAndGet(59 * SECOND);
    assertThat(limiter.allowed("10.0.0.1")).isFalse();
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEqualTo(1);
    now.addAndGet(SECOND);
    assertThat(limiter.allowed("10.0.0.1")).isTrue();
    assertThat(limiter.refused("10.0.0.1")).as("a new window starts at one").isFalse();
    assertThat(limiter.allowed("10.0.0.1")).isTrue();
  }

  @Test
  void aFloodFromManyAddressesIsTurnedAwayNotLetThroughUncounted() {
    for (int i = 0; i < RefusalLimiter.MAX_CLIENTS; i++) {
      limiter.refused("client-" + i);
    }
    assertThat(limiter.allowed("client-0")).isTrue();
    assertThat(limiter.allowed("newcomer")).isFalse();
    now.addAndGet(60 * SECOND);
    assertThat(limiter.allowed("newcomer")).as("ended windows are swept").isTrue();
  }

  @Test
  void zeroRefusalsPerMinuteIsAConfigurationError() {
    assertThatThrownBy(() -> new RefusalLimiter(0, now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
