package io.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecisionCountsTest {
  /** A message of any ID, so counts can be tried past the catalog's. */
  private record AnyMessage(String id) implements io.portcullis.messages.MessageId {
    @Override
    public io.portcullis.messages.MessageCatalog catalog() {
      return io.portcullis.messages.CoreMessage.CHAIN_EMPTY.catalog();
    }
  }

  private static Authentication refusal(String id) {
    return new Authentication.Refused(
        Authentication.Kind.UNAUTHENTICATED, new AnyMessage(id), id + ": refused");
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
