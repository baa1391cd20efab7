package io.portcullis.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenewalScheduleTest {
  private static final Instant NOT_BEFORE = Instant.parse("2026-12-01T00:00:00Z");

  private static X509Certificate lasting(Duration lifetime) {
    TestPki.Ca root = TestPki.root("CN=Schedule Root");
    return root.issue("CN=workload").validity(NOT_BEFORE, NOT_BEFORE.plus(lifetime)).build();
  }

  private static RenewalSettings settings(String renewAt, String jitter) throws Exception {
    return RenewalSettings.fromMap(Map.of("renewAt", renewAt, "renewJitter", jitter));
  }

  @Test
  void dueAtTheFractionOfTheLifetimeAfterNotBefore() throws Exception {
    X509Certificate day = lasting(Duration.ofHours(24));
    assertThat(RenewalSchedule.due(day, RenewalSettings.NONE, 0))
        .isEqualTo(NOT_BEFORE.plus(Duration.ofHours(16)));
    assertThat(RenewalSchedule.due(day, settings("0.5", "0"), 0.99))
        .isEqualTo(NOT_BEFORE.plus(Duration.ofHours(12)));
  }

  @Test
  void jitterOnlyEverMakesTheRenewalEarlierAndAtMostByItsFraction() throws Exception {
    X509Certificate minute = lasting(Duration.ofSeconds(60));
    RenewalSettings settings = settings("0.5", "0.25");
    assertThat(RenewalSchedule.due(minute, settings, 0)).isEqualTo(NOT_BEFORE.plusSeconds(30));
    assertThat(RenewalSchedule.due(minute, settings, 0.5)).isEqualTo(NOT_BEFORE.plusMillis(22_500));
    // a random source out of range is clamped: never later than renewAt, never before the jitter
    assertThat(RenewalSchedule.due(minute, settings, 7)).isEqualTo(NOT_BEFORE.plusSeconds(15));
    assertThat(RenewalSchedule.due(minute, settings, -1)).isEqualTo(NOT_BEFORE.plusSeconds(30));
  }

  @Test
  void failuresDoubleTheWaitUpToTheCap() throws Exception {
    RenewalSettings settings =
        RenewalSettings.fromMap(Map.of("retryDelay", "2s", "retryMaxDelay", "15s"));
    assertThat(RenewalSchedule.retry(settings, 1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(RenewalSchedule.retry(settings, 2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(RenewalSchedule.retry(settings, 3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(RenewalSchedule.retry(settings, 4)).isEqualTo(Duration.ofSeconds(15));
    assertThat(RenewalSchedule.retry(settings, 1_000_000)).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void insideTheIssuersWindowAtARandomTimeNeverBeforeNowNorAtExpiry() throws Exception {
    X509Certificate day = lasting(Duration.ofHours(24));
    RenewalWindow window =
        new RenewalWindow(
            NOT_BEFORE.plus(Duration.ofHours(10)),
            NOT_BEFORE.plus(Duration.ofHours(12)),
            NOT_BEFORE.plus(Duration.ofHours(6)));
    assertThat(RenewalSchedule.within(window, day, NOT_BEFORE, 0))
        .contains(NOT_BEFORE.plus(Duration.ofHours(10)));
    assertThat(RenewalSchedule.within(window, day, NOT_BEFORE, 0.5))
        .contains(NOT_BEFORE.plus(Duration.ofHours(11)));
    // Inside the window already: not earlier than now. Past it: at once.
    Instant inside = NOT_BEFORE.plus(Duration.ofMinutes(11 * 60 + 30));
    assertThat(RenewalSchedule.within(window, day, inside, 0)).contains(inside);
    Instant after = NOT_BEFORE.plus(Duration.ofHours(13));
    assertThat(RenewalSchedule.within(window, day, after, 0.9)).contains(after);
    // A window that reaches past the expiry is only followed for the part before it.
    RenewalWindow late =
        new RenewalWindow(
            NOT_BEFORE.plus(Duration.ofHours(23)), NOT_BEFORE.plus(Duration.ofHours(25)), after);
    assertThat(RenewalSchedule.within(late, day, NOT_BEFORE, 0.25))
        .contains(NOT_BEFORE.plus(Duration.ofMinutes(23 * 60 + 30)));
    assertThat(RenewalSchedule.within(late, day, NOT_BEFORE, 0.5)).isEmpty();
  }
}
