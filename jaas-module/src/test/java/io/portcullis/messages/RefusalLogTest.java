package io.portcullis.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AtomicLong now = new AtomicLong();
  private final RefusalLog log = new RefusalLog(lines::add, Duration.ofSeconds(60), now::get);

  private void refuse(String id, String path) {
    log.refused(id, "10.0.0.1", path, () -> id + ": refused " + path);
  }

  @Test
  void aFloodOfOneReasonIsOneLineThenOneCountedSummaryPerInterval() {
    for (int i = 0; i < 10_000; i++) {
      refuse("PRTC0118E", "/api/" + i);
    }
    assertThat(lines).containsExactly("PRTC0118E: refused /api/0");
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    log.flush();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1))
        .startsWith("PRTC0317W: 9,999 more request(s) refused with PRTC0118E in the 60 s")
        .endsWith("the last came from 10.0.0.1 for /api/9999.");
    log.flush();
    assertThat(lines).as("nothing held back since").hasSize(2);
    refuse("PRTC0118E", "/again");
    assertThat(lines).hasSize(3).last().isEqualTo("PRTC0118E: refused /again");
  }

  @Test
  void eachReasonHasItsOwnIntervalAndTheirNumberIsBounded() {
    for (int i = 0; i < 1_000; i++) {
      refuse("PRTC" + (1000 + i) + "E", "/x");
      refuse("PRTC" + (1000 + i) + "E", "/x");
    }
    // 64 reasons apart, the rest together as one: a line each, however many IDs there are.
    assertThat(lines).hasSize(RefusalLog.MOST_REASONS + 1);
  }

  @Test
  void theNextRefusalAfterTheIntervalSumsUpTheOneBeforeWithoutAFlush() {
    refuse("PRTC0301E", "/a");
    refuse("PRTC0301E", "/b");
    now.addAndGet(Duration.ofSeconds(60).toNanos());
    refuse("PRTC0301E", "/c");
    assertThat(lines)
        .hasSize(3)
        .satisfies(l -> assertThat(l.get(1)).startsWith("PRTC0317W: 1 more"))
        .satisfies(l -> assertThat(l.get(2)).isEqualTo("PRTC0301E: refused /c"));
  }

  @Test
  void whatTheCallerChoseIsCutToOneBoundedLine() {
    String path = "/" + "a".repeat(7_000) + "\r\nPRTC0999I: forged line";
    log.refused(
        "PRTC0118E",
        "10.0.0.1",
        path,
        () -> "PRTC0302E: refused " + RefusalLog.cut(path, RefusalLog.MOST_CHOSEN));
    refuse("PRTC0118E", path);
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    log.flush();
    assertThat(lines).hasSize(2);
    assertThat(lines)
        .allSatisfy(
            line -> {
              assertThat(line).doesNotContain("\r").doesNotContain("\n");
              assertThat(line.length()).isLessThan(RefusalLog.MOST_LINE + 64);
            });
    assertThat(lines.get(0)).contains("more characters)");
    assertThat(RefusalLog.cut("a\nb\u007f", 10)).isEqualTo("a?b?");
  }

  @Test
  void anIntervalUnderASecondIsRefused() {
    assertThatThrownBy(() -> log.interval(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
