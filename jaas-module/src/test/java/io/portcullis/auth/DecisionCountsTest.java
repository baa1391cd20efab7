package io.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecisionCountsTest {
  private static Authentication refusal(String id) {
    return new Authentication.Refused(Authentication.Kind.UNAUTHENTICATED, id, id + ": refused");
  }

  @Test
  void refusalsAreCountedByIdAndIdsPastTheBoundCountAsOther() {
    DecisionCounts counts = new DecisionCounts();
    counts.accepted();
    counts.count(refusal("PRTC0118E"));
    counts.count(refusal("PRTC0118E"));
    for (int i = 0; i < 500; i++) {
      counts.count(refusal("PRTC" + (2000 + i) + "E"));
    }
    assertThat(counts.acceptedCount()).isEqualTo(1);
    assertThat(counts.refusedCounts())
        .containsEntry("PRTC0118E", 2L)
        .hasSize(DecisionCounts.MOST_REASONS + 1)
        .containsKey(DecisionCounts.OTHER);
    assertThat(counts.refusedCounts().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(502);
  }
}
